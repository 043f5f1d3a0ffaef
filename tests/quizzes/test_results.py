"""What trainers learn from attempts: summaries, item analysis and knowledge gain."""

from __future__ import annotations

import pytest

from lms.quizzes import attempts
from lms.quizzes.item_analysis import item_analysis
from lms.quizzes.results import knowledge_gain, normalised_gain, quiz_attempts, summarise
from tests import factories
from tests.quizzes import factories as qf

TWO_QUESTIONS = """\
$CATEGORY: pair/knowledge-check

::Easy::Everyone knows this. {=yes ~no}

::Hard::Only the strong know this. {=right ~wrong1 ~wrong2}
"""


def take(quiz, official, easy: bool, hard: bool):
    attempt = qf.start(quiz, official)
    items = {i.version.title: i for i in attempts.load_items(attempt)}
    attempts.finish_attempt(attempt, sequence=1, answers={
        items["Easy"].id: ["0" if easy else "1"], items["Hard"].id: ["0" if hard else "2"]})
    return attempt


def test_normalised_gain_is_not_applicable_from_a_perfect_pre_test():
    assert normalised_gain(40, 70) == pytest.approx(0.5)
    assert normalised_gain(50, 40) == pytest.approx(-0.2)
    assert normalised_gain(100, 100) is None


def test_knowledge_gain_per_official_and_on_average(app):
    module = qf.module_with_bank(TWO_QUESTIONS)
    post = qf.make_quiz(module, purpose="post_test")
    pre = qf.make_quiz(module, purpose="pre_test", paired_quiz_id=post.id)
    anna, boris, clara, dmitry = (factories.make_user(full_name=n)
                                  for n in ("Anna", "Boris", "Clara", "Dmitry"))
    take(pre, anna, easy=False, hard=False)    # 0 -> 100
    take(post, anna, easy=True, hard=True)
    take(pre, boris, easy=True, hard=False)    # 50 -> 50
    take(post, boris, easy=False, hard=True)
    take(pre, clara, easy=True, hard=True)     # 100 -> 100: normalised gain not applicable
    take(post, clara, easy=True, hard=True)
    take(pre, dmitry, easy=True, hard=False)   # no post-test: not counted

    report = knowledge_gain(pre)
    assert [(g.official, g.pre, g.post, g.raw, g.normalised) for g in report.rows] == [
        ("Anna", 0.0, 100.0, 100.0, 1.0),
        ("Boris", 50.0, 50.0, 0.0, 0.0),
        ("Clara", 100.0, 100.0, 0.0, None),
    ]
    assert report.average_raw == pytest.approx(100 / 3, abs=0.001)
    assert report.average_normalised == pytest.approx(0.5)
    assert report.not_applicable == 1


def test_the_first_pre_test_and_the_last_post_test_count(app):
    module = qf.module_with_bank(TWO_QUESTIONS)
    post = qf.make_quiz(module, purpose="post_test", attempts_allowed=0)
    pre = qf.make_quiz(module, purpose="pre_test", paired_quiz_id=post.id, attempts_allowed=0)
    official = factories.make_user()
    take(pre, official, easy=False, hard=False)
    take(pre, official, easy=True, hard=True)
    take(post, official, easy=True, hard=True)
    take(post, official, easy=True, hard=False)
    [gain] = knowledge_gain(pre).rows
    assert (gain.pre, gain.post) == (0.0, 50.0)


def test_item_analysis_flags_easy_and_discriminating_questions(app):
    module = qf.module_with_bank(TWO_QUESTIONS)
    quiz = qf.make_quiz(module, attempts_allowed=0)
    # Strong officials get both right; weak ones only the easy one; one gets nothing.
    for easy, hard in [(True, True), (True, True), (True, False), (True, False), (False, False)]:
        take(quiz, factories.make_user(), easy, hard)
    stats = {s.title: s for s in item_analysis(quiz)}
    assert stats["Easy"].facility == 80.0 and stats["Hard"].facility == 40.0
    # Pearson correlation of [1, 1, 0, 0, 0] with the rest of the quiz [1, 1, 1, 1, 0].
    assert stats["Hard"].discrimination == pytest.approx(0.41)
    assert dict(stats["Hard"].choices) == {"right": 2, "wrong1": 0, "wrong2": 3}
    assert stats["Easy"].answered == 5


def test_summary_counts_pass_rate_and_essays_waiting(app):
    quiz = qf.make_quiz(pass_percent=50, attempts_allowed=0)
    attempt = qf.start(quiz)
    attempts.finish_attempt(attempt, sequence=1, answers={
        qf.item_for(attempt, "Essay").id: ["text"]})
    qf.start(quiz)  # still in progress
    summary = summarise(quiz, quiz_attempts(quiz))
    assert (summary.attempts, summary.graded, summary.awaiting_grading) == (2, 0, 1)
    assert summary.pass_rate is None


def test_knowledge_gain_by_cohort_shows_only_cohorts_the_viewer_may_see(app):
    from lms.quizzes.results import gain_by_cohort
    from tests.cohorts import factories as cohort_factories

    module = qf.module_with_bank(TWO_QUESTIONS)
    post = qf.make_quiz(module, purpose="post_test")
    pre = qf.make_quiz(module, purpose="pre_test", paired_quiz_id=post.id)
    anna, boris = factories.make_user(full_name="Anna"), factories.make_user(full_name="Boris")
    trainer, staff = factories.make_user("trainer"), factories.make_user("staff")
    cohort_factories.make_cohort(name="Minsk", members=[anna, boris], trainers=[trainer])
    cohort_factories.make_cohort(name="Hrodna", members=[boris])
    take(pre, anna, easy=False, hard=False)   # 0 -> 100
    take(post, anna, easy=True, hard=True)
    take(pre, boris, easy=True, hard=False)   # 50 -> 100
    take(post, boris, easy=True, hard=True)

    report = knowledge_gain(pre)
    by_staff = {c.name: c.report for c in gain_by_cohort(report, staff)}
    assert sorted(by_staff) == ["Hrodna", "Minsk"]
    assert by_staff["Minsk"].average_raw == 75.0 and by_staff["Minsk"].average_normalised == 1.0
    assert by_staff["Hrodna"].average_raw == 50.0 and len(by_staff["Hrodna"].rows) == 1
    assert [c.name for c in gain_by_cohort(report, trainer)] == ["Minsk"]
