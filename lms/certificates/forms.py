"""Forms of the certificates pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.forms_util import Form


class RuleForm(Form):
    min_attendance_percent = IntegerField(
        _l("Minimum attendance (%)"), validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("Of the cohort's sessions held so far, the share the official attended "
                       "(present or late). Leave empty for no attendance rule."))
    require_post_test = BooleanField(_l("Passed the cohort's post-test(s)"))
    require_modules = BooleanField(_l("Read every lesson of the cohort's modules"))
    submit = SubmitField(_l("Save the rules"))


class IssueForm(Form):
    user_id = SelectField(_l("Official"), coerce=int, validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Issue by hand"))


class RevokeForm(Form):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Revoke the certificate"))

