"""Forms for signing in, passwords, profiles, users and organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from lms.accounts import services
from lms.accounts.models import NAME_MAX
from lms.forms_util import Form, MultiCheckboxField
from lms.reference import Gender, GovLevel, Language, Region
from lms.security.permissions import Role


def role_label(role: str) -> str:
    return Role(role).label


def _blank(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class NewPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=services.PASSWORD_MIN, max=services.PASSWORD_MAX)],
        description=_l("At least %(n)s characters. A short sentence is easy to remember.",
                       n=services.PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Change password"))


    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_current(self, field):
        if not self._user.check_password(field.data):
            raise ValidationError(_l("The current password is not correct."))


class OwnProfileForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=NAME_MAX)])
    gender = SelectField(_l("Gender"), choices=Gender.choices)
    language = SelectField(_l("Preferred language"), choices=Language.choices)
    submit = SubmitField(_l("Save"))


class UserForm(Form):
    """An administrator's form for another person's account."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=255),
                    Email(message=_l("Enter a valid email address."), check_deliverability=False)],
    )
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=Role.choices(),
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=str, validators=[Optional()])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=NAME_MAX)])
    gov_level = SelectField(_l("Level of government"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    gender = SelectField(_l("Gender"), choices=Gender.choices)
    language = SelectField(_l("Preferred language"), choices=Language.choices)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._editing = editing
        self.organisation_id.choices = _blank(_l("— none —")) + [
            SelectChoice(str(i), n) for i, n in services.organisation_choices()
        ]
        self.gov_level.choices = _blank(_l("— not set —")) + GovLevel.choices()
        self.region.choices = _blank(_l("— not set —")) + Region.choices()

    def validate_email(self, field):
        if services.email_taken(field.data, except_user=self._editing):
            raise ValidationError(_l("Another account already uses this email address."))

    def profile_data(self) -> services.ProfileData:
        return services.ProfileData(
            full_name=self.full_name.data,
            email=self.email.data,
            organisation_id=int(self.organisation_id.data) if self.organisation_id.data else None,
            position=self.position.data,
            gov_level=self.gov_level.data or None,
            region=self.region.data or None,
            gender=self.gender.data,
            language=self.language.data,
        )


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    level = SelectField(_l("Level of government"), choices=GovLevel.choices)
    region = SelectField(_l("Region"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._editing = editing
        self.region.choices = _blank(_l("— not set —")) + Region.choices()

    def validate_name(self, field):
        from lms.accounts.models import Organisation
        from lms.extensions import db

        existing = db.session.scalar(
            db.select(Organisation).where(Organisation.name == field.data.strip())
        )
        if existing is not None and existing is not self._editing:
            raise ValidationError(_l("An organisation with this name already exists."))


class ConfirmForm(Form):
    """An empty form whose only job is to carry the CSRF token of a POST button."""

    submit = SubmitField(_l("Confirm"))


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=Language.choices)
    next = HiddenField()
    submit = SubmitField(_l("Change language"))
