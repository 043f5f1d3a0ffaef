"""The form to create a personal access token."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from lms.api.tokens import MAX_DAYS, Scope
from lms.forms_util import Form, MultiCheckboxField


class TokenForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("What the token is for, e.g. the ministry's data "
                                      "warehouse."))
    scopes = MultiCheckboxField(_l("What it may read"),
                                choices=[SelectChoice(s.value, s.label) for s in Scope],
                                validators=[DataRequired()])
    days = IntegerField(_l("Valid for (days)"), default=90,
                        validators=[DataRequired(), NumberRange(min=1, max=MAX_DAYS)])
    submit = SubmitField(_l("Create token"))


class RevokeForm(Form):
    submit = SubmitField(_l("Revoke"))
