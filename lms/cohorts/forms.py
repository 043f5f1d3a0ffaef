"""Forms for cohorts, enrolment, module and quiz assignment and enrolment files."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import Select

from lms.accounts.forms import MultiCheckboxField
from lms.cohorts import services
from lms.cohorts.models import CohortLevel
from lms.forms_util import Form
from lms.reference import Region


class CohortForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("E.g. Deputy heads of Republican bodies, Minsk, January."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    gov_level = SelectField(_l("Level of government"),
                            choices=[SelectChoice(c.value, c.label) for c in CohortLevel])
    region = SelectField(_l("Region"), validators=[Optional()])
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    ends_on = DateField(_l("End date"), validators=[DataRequired()])
    trainers = MultiCheckboxField(_l("Trainers"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gov_level.choices = [SelectChoice(c.value, c.label) for c in CohortLevel]
        self.region.choices = [SelectChoice("", _l("— not set —"))] + Region.choices()
        self.trainers.choices = [SelectChoice(i, n) for i, n in services.trainer_choices()]

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def data_object(self) -> services.CohortData:
        return services.CohortData(
            name=self.name.data, description=self.description.data or "",
            gov_level=self.gov_level.data, region=self.region.data or None,
            starts_on=self.starts_on.data, ends_on=self.ends_on.data,
            trainer_ids=list(self.trainers.data or []),
        )


OPTION = {False: Markup('<option value="%s">%s</option>'),
          True: Markup('<option selected value="%s">%s</option>')}


class ListSelect(Select):
    """WTForms' select, with plain options written without its general attribute builder.

    The cohort page lists every module and every published quiz; the HTML is the same.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        # `%` escapes the value and the label, as wtforms does.
        return OPTION[choice.selected] % (value, choice.label or choice.value)


class ModuleAssignmentForm(Form):
    module_id = SelectField(_l("Module"), coerce=int, widget=ListSelect())
    due_on = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign module"))


class QuizAssignmentForm(Form):
    quiz_id = SelectField(_l("Quiz"), coerce=int, widget=ListSelect())
    due_on = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign quiz"))


class ImportForm(Form):
    file = FileField(
        _l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))],
        description=_l("Columns: full name, email, organisation, position, level of "
                       "government, region, gender, language. CSV may be UTF-8 or "
                       "Windows-1251, separated by commas or semicolons."),
    )
    submit = SubmitField(_l("Upload and preview"))
