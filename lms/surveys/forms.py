"""Forms: opening a survey for a cohort, and the answer form built from a template."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.forms_util import Form, MultiCheckboxField
from lms.surveys.models import QuestionKind, SurveyQuestion
from lms.surveys.services import MAX_TEXT


class SurveyForm(Form):
    template_id = SelectField(_l("Template"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    session_id = SelectField(_l("Session"), coerce=int,
                             description=_l("Optional: the session the form is about."))
    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (last day for answers)"), validators=[DataRequired()])
    is_anonymous = BooleanField(
        _l("Anonymous"), default=True,
        description=_l("Nobody, not even the staff, can see who gave which answer; the list "
                       "of who has responded is kept apart."))
    submit = SubmitField(_l("Open the form"))

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The form must close on or after the day it opens."))


class ChoiceGroupField(RadioField):
    """One choice among several, shown as radio buttons inside a fieldset."""


RATING_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]
REQUIRED = _l("Please answer this question.")


def answer_form(questions: list[SurveyQuestion], language: str, data: dict | None = None,
                **kwargs) -> Form:
    """A form with one field per question (`q<id>`), labelled in the reader's language."""

    class AnswerForm(Form):
        submit = SubmitField(_l("Send my answers"))

    for question in questions:
        label = f"{question.position}. {question.text(language)}"
        required = [InputRequired(message=REQUIRED)] if question.is_required else [Optional()]
        kind = question.kind_enum
        choices = [SelectChoice(o.id, o.text(language)) for o in question.options]
        if kind is QuestionKind.RATING:
            field = ChoiceGroupField(label, choices=RATING_CHOICES, coerce=int,
                                     validators=required,
                                     description=_l("1 = very poor, 5 = excellent"))
        elif kind is QuestionKind.SINGLE:
            field = ChoiceGroupField(label, choices=choices, coerce=int, validators=required)
        elif kind is QuestionKind.MULTIPLE:
            field = MultiCheckboxField(
                label, choices=choices, coerce=int,
                validators=[DataRequired(message=REQUIRED)] if question.is_required
                else [Optional()])
        else:
            field = TextAreaField(label, validators=[
                *([DataRequired(message=REQUIRED)] if question.is_required else [Optional()]),
                Length(max=MAX_TEXT, message=_l("At most %(max)d characters, please.",
                                                max=MAX_TEXT))])
        setattr(AnswerForm, f"q{question.id}", field)
    return AnswerForm(data=data or {}, **kwargs)


def posted_answers(form, questions: list[SurveyQuestion]) -> dict[int, object]:
    return {q.id: getattr(form, f"q{q.id}").data for q in questions}


class TemplateForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Create the template"))


OPTIONS_HELP = _l("Choice questions only: one option a line, in the same order in each language.")


class QuestionForm(Form):
    kind = SelectField(_l("Kind of question"),
                       choices=[SelectChoice(k.value, k.label) for k in QuestionKind])
    is_required = BooleanField(_l("An answer is required"), default=True)
    text_en = TextAreaField(_l("Question in English"),
                            validators=[DataRequired(), Length(max=1000)])
    text_ru = TextAreaField(_l("Question in Russian"), validators=[Optional(), Length(max=1000)])
    text_be = TextAreaField(_l("Question in Belarusian"),
                            validators=[Optional(), Length(max=1000)])
    options_en = TextAreaField(_l("Options in English"), description=OPTIONS_HELP,
                               validators=[Optional(), Length(max=4000)])
    options_ru = TextAreaField(_l("Options in Russian"), validators=[Optional(), Length(max=4000)])
    options_be = TextAreaField(_l("Options in Belarusian"),
                               validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Add the question"))

    def options(self) -> list[tuple[str, str, str]]:
        columns = [[line.strip() for line in (f.data or "").splitlines() if line.strip()]
                   for f in (self.options_en, self.options_ru, self.options_be)]
        return [(en, _at(columns[1], i), _at(columns[2], i)) for i, en in enumerate(columns[0])]

    def validate_options_en(self, field):
        is_choice = self.kind.data in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
        count = len(self.options())
        if is_choice and count < 2:
            raise ValidationError(_l("A choice question needs at least two options."))
        if not is_choice and count:
            raise ValidationError(_l("Only choice questions have options."))
        for other in (self.options_ru, self.options_be):
            lines = [line for line in (other.data or "").splitlines() if line.strip()]
            if lines and len(lines) != count:
                raise ValidationError(_l("Each language needs the same number of options."))


def _at(items: list[str], index: int) -> str:
    return items[index] if index < len(items) else ""
