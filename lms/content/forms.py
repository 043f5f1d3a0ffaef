"""Forms trainers use to write modules and lessons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.content.course_files import COUNTRIES, LESSON_KINDS, TOPICS
from lms.forms_util import Form, MultiCheckboxField
from lms.reference import Language

COUNTRY_LABELS = {
    "EE": _l("Estonia"), "RS": _l("Serbia"), "LV": _l("Latvia"), "INT": _l("Several countries"),
}
LEVEL_LABELS = {
    "all": _l("All levels of government"),
    "central": _l("Central (Republican) bodies"),
    "local": _l("Local bodies"),
}
KIND_LABELS = {
    "lesson": _l("Lesson"), "case-study": _l("Case study"), "discussion": _l("Seminar discussion"),
}
TOPIC_LABELS = {
    "services": _l("E-services"), "interoperability": _l("Interoperability"),
    "digital-identity": _l("Digital identity"), "once-only": _l("Once-only principle"),
    "measurement": _l("Measuring progress"), "e-participation": _l("E-participation"),
    "legal-framework": _l("Legal framework"), "institutions": _l("Institutions"),
    "open-data": _l("Open data"), "service-centres": _l("Service centres"),
    "regional": _l("Regions"), "planning": _l("Planning"),
    "change-management": _l("Change management"),
}
MARKDOWN_MAX = 100_000
SLUG_HELP = _l("Lowercase Latin letters, digits and hyphens; used in addresses and file names, "
               "and cannot be changed later.")


def _choices(labels: dict, keys) -> list[SelectChoice]:
    return [SelectChoice(key, labels[key]) for key in keys]


class ModuleSettingsForm(Form):
    country = SelectField(_l("Case-study country"),
                          choices=lambda: _choices(COUNTRY_LABELS, COUNTRIES))
    level = SelectField(_l("Level of government"),
                        choices=lambda: _choices(LEVEL_LABELS, ("all", "central", "local")))
    topics = MultiCheckboxField(_l("Topics"), choices=lambda: _choices(TOPIC_LABELS, TOPICS))
    position = IntegerField(_l("Position in the catalogue"), default=10,
                            validators=[DataRequired(), NumberRange(min=1, max=999)])
    submit = SubmitField(_l("Save settings"))


class NewModuleForm(ModuleSettingsForm):
    slug = StringField(_l("Short name"), description=SLUG_HELP,
                       validators=[DataRequired(), Length(max=80)])
    language = SelectField(_l("Language it is written in"), choices=Language.choices)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=1000)],
                            description=_l("One or two sentences shown in the catalogue."))
    submit = SubmitField(_l("Create module"))


class ModuleTextForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=1000)])
    objectives = TextAreaField(_l("Learning objectives"), validators=[Optional(),
                               Length(max=5000)], description=_l("One objective per line."))
    intro = TextAreaField(_l("Introduction (Markdown)"),
                          validators=[Optional(), Length(max=MARKDOWN_MAX)])
    sources = TextAreaField(
        _l("Sources"), validators=[Optional(), Length(max=20_000)],
        description=_l("One per line: title | publisher | address | year (the year is optional)."),
    )
    up_to_date = BooleanField(_l("This translation is up to date with the original"),
                              default=True)
    submit = SubmitField(_l("Save"))


class LessonForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=lambda: _choices(KIND_LABELS, LESSON_KINDS))
    body = TextAreaField(
        _l("Text (Markdown)"), validators=[Optional(), Length(max=MARKDOWN_MAX)],
        description=_l("Headings start with ##. Tables, footnotes and links to other lessons "
                       "(such as [the X-Road lesson](02-x-road.md)) are supported."),
    )
    up_to_date = BooleanField(_l("This translation is up to date with the original"),
                              default=True)
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))


class NewLessonForm(LessonForm):
    slug = StringField(_l("Short name"), description=SLUG_HELP,
                       validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Add lesson"))


class AttachmentForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("PDF, PPTX, DOCX, XLSX, PNG, JPEG or GIF."))
    submit = SubmitField(_l("Attach"))


class ImportForm(Form):
    file = FileField(_l("Module file (.zip)"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("A .zip exported from this platform, or a module folder "
                                    "in the courses/ format, zipped."))
    submit = SubmitField(_l("Import"))
