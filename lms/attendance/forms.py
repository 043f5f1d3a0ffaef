"""Forms for scheduling sessions, check-in and apologies."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from lms.accounts.forms import MultiCheckboxField
from lms.forms_util import Form


class SessionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_local = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                      validators=[DataRequired()])
    ends_local = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M",
                                    validators=[DataRequired()])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           description=_l("The times above are in this zone, e.g. Europe/Minsk."))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=255)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    online_url = URLField(_l("Online link"), validators=[Optional(), Length(max=500), URL()],
                          description=_l("For a session held online."))
    grace_minutes = IntegerField(
        _l("Late after (minutes)"), validators=[DataRequired(), NumberRange(min=0, max=240)],
        description=_l("A check-in later than this after the start is marked late."))
    modules = MultiCheckboxField(_l("Modules covered"), coerce=int, validators=[Optional()])
    trainers = MultiCheckboxField(_l("Trainers"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, modules=(), trainers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modules.choices = [SelectChoice(i, t) for i, t in modules]
        self.trainers.choices = [SelectChoice(i, n) for i, n in trainers]

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown time zone."))
        ZoneInfo(field.data)

    def validate_ends_local(self, field):
        if self.starts_local.data and field.data and field.data <= self.starts_local.data:
            raise ValidationError(_l("The end must be after the start."))


class CheckInForm(Form):
    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=12)],
                       description=_l("The six digits shown on the screen."))
    session_id = HiddenField()
    submit = SubmitField(_l("Check in"))


class ApologyForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Send apology"))
