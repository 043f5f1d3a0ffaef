"""Forms for drafting, reviewing and following up implementation plans."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from lms.forms_util import Form, MultiCheckboxField
from lms.plans.models import (
    COMMENT_MAX,
    COMMENT_TOPICS,
    SECTION_MAX,
    SECTIONS,
    PlanStatus,
    Progress,
)

# Lengths are checked by the services with a message naming the limit; the form's
# validators only stop absurd sizes early and say the same.
SECTION_HELP = {
    "goals": _l("Two to four goals, each a change citizens, businesses or officials will "
                "notice, with an indicator and a deadline."),
    "services": _l("Three to five services, their demand, the documents applicants bring, "
                   "and the target form (online, assisted, data exchange)."),
    "legal_changes": _l("One line per change: legal or organisational, the services it "
                        "unblocks, who can adopt it."),
    "service_centres": _l("Location, basket of services, partner bodies, staffing, opening "
                          "hours; or how your services could join a centre."),
    "responsible_units": _l("Units and positions, not only people: who does the work, who is "
                            "consulted, who approves."),
    "risks": _l("Five to eight specific risks with their early warning signs and responses."),
    "indicators": _l("One or two per goal, with a baseline (or \"to be measured by\") and a "
                     "target."),
}


class StartPlanForm(Form):
    title = StringField(_l("Title of the plan"), validators=[DataRequired(), Length(max=200)],
                        description=_l("E.g. Digital services of the district executive "
                                       "committee, 2027–2028."))
    submit = SubmitField(_l("Start the plan"))


class PlanTextForm(Form):
    title = StringField(_l("Title of the plan"), validators=[DataRequired(), Length(max=200)])
    see_also = MultiCheckboxField(_l("See also: seminar modules"), coerce=int,
                                  validators=[Optional()])
    submit = SubmitField(_l("Save the plan"))


for _key, _label in SECTIONS:
    setattr(PlanTextForm, _key, TextAreaField(
        _label, validators=[Optional(), Length(max=SECTION_MAX)],
        description=SECTION_HELP[_key], render_kw={"rows": 8}))


class MilestoneForm(Form):
    title = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=200)],
                        description=_l("A verifiable event, e.g. \"Agreement with body N "
                                       "signed\"."))
    due_on = DateField(_l("Date"), validators=[DataRequired()])
    responsible_unit = StringField(_l("Responsible unit"),
                                   validators=[DataRequired(), Length(max=200)])
    indicator = StringField(_l("Indicator or evidence of completion"),
                            validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add the milestone"))


class CoAuthorForm(Form):
    user_id = SelectField(_l("Colleague"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Add as co-author"))


class ReviewForm(Form):
    decision = RadioField(_l("Decision"), validators=[DataRequired()], choices=[
        SelectChoice(PlanStatus.RETURNED.value, _l("Return for revision")),
        SelectChoice(PlanStatus.ACCEPTED.value, _l("Accept the plan")),
    ])
    submit = SubmitField(_l("Send the review"))


for _key, _label in COMMENT_TOPICS:
    setattr(ReviewForm, f"comment_{_key}", TextAreaField(
        _l("Comment on: %(section)s", section=_label),
        validators=[Optional(), Length(max=COMMENT_MAX)], render_kw={"rows": 3}))


def progress_form_class(milestones):
    """A follow-up form with a progress choice and a comment per milestone, named after it."""

    class FollowUpForm(Form):
        submit = SubmitField(_l("Send the progress report"))

    for milestone in milestones:
        setattr(FollowUpForm, f"status_{milestone.id}", SelectField(
            _l("Progress of “%(title)s”", title=milestone.title),
            choices=Progress.choices()))
        setattr(FollowUpForm, f"comment_{milestone.id}", TextAreaField(
            _l("Comment on “%(title)s”", title=milestone.title),
            validators=[Optional(), Length(max=COMMENT_MAX)], render_kw={"rows": 2}))
    return FollowUpForm
