"""Forms for the question bank, quiz building, essay grading and taking a quiz."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.forms_util import Form
from lms.quizzes.models import (
    GRADED,
    POST_TEST,
    PRACTICE,
    PRE_TEST,
    REVIEW_AFTER_CLOSE,
    REVIEW_IMMEDIATELY,
)

# What browsers send from, and show in, a datetime-local input.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

PURPOSE_LABELS = {
    PRACTICE: _l("Practice"),
    GRADED: _l("Graded"),
    PRE_TEST: _l("Pre-test"),
    POST_TEST: _l("Post-test"),
}


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""


class GiftImportForm(Form):
    file = FileField(_l("GIFT file"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("A Moodle GIFT text file saved as UTF-8."))


class EditQuestionForm(Form):
    gift = TextAreaField(
        _l("Question in GIFT format"), validators=[DataRequired()],
        description=_l("For example: ::Title::Question text {=right answer ~wrong answer}"),
    )
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=400)],
                       description=_l("Separated by commas."))


class QuestionForm(EditQuestionForm):
    category = StringField(_l("Category"), validators=[DataRequired(), Length(max=255)],
                           description=_l('For example "foundations/knowledge-check".'))


class QuizForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = SelectField(_l("Purpose"), choices=[SelectChoice(value, label)
                                                    for value, label in PURPOSE_LABELS.items()])
    is_published = BooleanField(_l("Published (officials can take it)"))
    pass_percent = IntegerField(_l("Pass mark (%)"), default=60,
                                validators=[InputRequired(), NumberRange(0, 100)])
    attempts_allowed = IntegerField(_l("Attempts allowed"), default=1,
                                    validators=[InputRequired(), NumberRange(0, 100)],
                                    description=_l("0 means any number."))
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"),
                                      validators=[Optional(), NumberRange(1, 600)],
                                      description=_l("Leave empty for no limit."))
    opens_at = DateTimeLocalField(_l("Opens"), validators=[Optional()], format=DATETIME_LOCAL,
                                  description=_l("Local time. Leave empty to open at once."))
    closes_at = DateTimeLocalField(_l("Closes"), validators=[Optional()], format=DATETIME_LOCAL,
                                   description=_l("Local time. Leave empty to keep it open."))
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_answers = BooleanField(_l("Shuffle the answers"), default=True)
    review_answers = BooleanField(_l("Review shows the official's own answers"), default=True)
    review_correct = BooleanField(_l("Review shows the correct answers"), default=True)
    review_feedback = BooleanField(_l("Review shows feedback"), default=True)
    review_when = SelectField(_l("Review available"), choices=[
        SelectChoice(REVIEW_IMMEDIATELY, _l("Immediately after the attempt")),
        SelectChoice(REVIEW_AFTER_CLOSE, _l("After the quiz closes")),
    ])
    language = SelectField(
        _l("Language of the questions"),
        choices=[SelectChoice("", _l("Several languages")), SelectChoice("en", "English"),
                 SelectChoice("ru", "Русский"), SelectChoice("be", "Беларуская")],
        description=_l("Officials are offered the quizzes in their own language."), default="",
    )
    paired_quiz_id = SelectField(
        _l("Paired post-test"), coerce=int, choices=[],
        description=_l("For a pre-test: the post-test it is compared with."),
    )

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The quiz must close after it opens."))


class AddQuestionForm(Form):
    question_id = SelectField(_l("Question"), coerce=int, choices=[])
    marks = DecimalField(_l("Marks"), default=1, places=None,
                         validators=[InputRequired(), NumberRange(0, 100)])


class AddRandomForm(Form):
    category_id = SelectField(_l("Category"), coerce=int, choices=[])
    count = IntegerField(_l("Number of random questions"), default=1,
                         validators=[InputRequired(), NumberRange(1, 50)])
    marks = DecimalField(_l("Marks each"), default=1, places=None,
                         validators=[InputRequired(), NumberRange(0, 100)])


class EssayGradeForm(Form):
    score = DecimalField(_l("Score"), places=None, validators=[InputRequired(), NumberRange(0)])
    comment = TextAreaField(_l("Comment for the official"), validators=[Optional(),
                                                                         Length(max=5000)])


class AttemptForm(Form):
    """The answers page: the CSRF token and the save sequence; answers are read per item."""

    sequence = HiddenField()
