"""A trainer fills a module's bank from GIFT files, exports it, and edits questions as versions."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.quizzes import bank, building
from lms.quizzes.gift import GiftError, parse_gift
from lms.quizzes.models import Question, QuestionCategory, QuestionVersion
from lms.quizzes.question_types import QUESTION_TYPES
from tests import factories
from tests.quizzes import factories as qf

DATA = Path(__file__).parent / "data"
COURSES = Path(__file__).resolve().parents[2] / "courses"
SHIPPED = sorted(COURSES.glob("*/*/questions.gift"))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_import_adds_every_question_and_its_category(app):
    module = qf.make_module("sample")
    result = bank.import_gift(module, qf.SAMPLE_GIFT, "en", created_by=None)
    assert (result.questions, result.categories) == (7, 1)
    questions = bank.bank_questions(module.id)
    assert [q.category.path for q in questions] == ["sample/knowledge-check"] * 7
    assert {q.current_version.qtype for q in questions} == set(QUESTION_TYPES)
    assert all(q.current_version.number == 1 for q in questions)


def test_a_file_with_one_mistake_imports_nothing_and_names_the_line(app):
    module = qf.make_module()
    broken = qf.SAMPLE_GIFT + "\n::Broken::What is wrong here? {=yes ~no\n"
    with pytest.raises(GiftError) as caught:
        bank.import_gift(module, broken, "en", created_by=None)
    assert caught.value.problems[0].line == 17
    db.session.rollback()
    assert count(Question) == 0 and count(QuestionCategory) == 0


def test_a_file_that_is_not_utf8_is_refused_with_its_line(app):
    module = qf.make_module()
    data = "::A::Question one {T}\n\n::B::Вопрос {F}\n".encode("cp1251")
    with pytest.raises(GiftError) as caught:
        bank.import_gift(module, data, "ru", created_by=None)
    assert caught.value.problems[0].line == 3
    assert "UTF-8" in caught.value.problems[0].message


def test_an_empty_file_is_refused(app):
    with pytest.raises(GiftError):
        bank.import_gift(qf.make_module(), "// only a comment\n", "en", created_by=None)


def test_every_example_of_moodles_documentation_imports(app):
    module = qf.make_module()
    data = (DATA / "moodle_examples.gift").read_bytes()
    result = bank.import_gift(module, data, "en", created_by=None)
    assert result.questions == len(parse_gift(data))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parts[-3]}-{p.parts[-2]}")
def test_each_shipped_module_file_imports_its_knowledge_check(app, path):
    slug = path.parts[-3]
    module = qf.make_module(slug)
    result = bank.import_gift(module, path.read_bytes(), path.parts[-2], created_by=None)
    assert 8 <= result.questions <= 15
    assert bank.bank_questions(module.id)[0].category.path == f"{slug}/knowledge-check"
    pre, post = building.create_pre_post_pair(module, created_by=None, language=path.parts[-2])
    assert len(pre.slots) == len(post.slots) == result.questions
    assert pre.paired_quiz_id == post.id and pre.is_published and post.is_published


def test_export_then_import_gives_back_the_same_bank(app):
    first = qf.make_module()
    for path in [DATA / "moodle_examples.gift", SHIPPED[0]]:
        bank.import_gift(first, path.read_bytes(), "en", created_by=None)
    exported = bank.export_gift(first)
    second = qf.make_module()
    bank.import_gift(second, exported, "en", created_by=None)
    assert parse_gift(bank.export_gift(second)).questions == parse_gift(exported).questions
    original = [bank.to_gift(q.current_version, q.category.path)
                for q in bank.bank_questions(first.id)]
    assert parse_gift(exported).questions == original


def test_editing_a_question_adds_a_version_and_keeps_the_old_one(app):
    module = qf.module_with_bank()
    question = next(q for q in qf.questions_of(module) if q.current_version.title == "Capital")
    text = bank.question_as_gift(question).replace("=Minsk", "~Minsk").replace("~Hrodna", "=Hrodna")
    trainer = factories.make_user("trainer")
    assert bank.edit_question(question, bank.parse_single_question(text), ["geo"], trainer)
    versions = db.session.scalars(sa.select(QuestionVersion).filter_by(
        question_id=question.id).order_by(QuestionVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert question.current_version_id == versions[1].id and question.tags == ["geo"]
    assert [c.fraction for c in versions[0].choices] == [1.0, 0.0, 0.0]
    assert [c.fraction for c in versions[1].choices] == [0.0, 1.0, 0.0]


def test_saving_an_unchanged_question_adds_no_version(app):
    question = qf.questions_of(qf.module_with_bank())[0]
    same = bank.parse_single_question(bank.question_as_gift(question))
    assert not bank.edit_question(question, same, [], None)
    assert len(question.versions) == 1


def test_only_one_question_may_be_written_at_a_time(app):
    with pytest.raises(GiftError):
        bank.parse_single_question("::A:: one {T}\n\n::B:: two {F}")


def test_the_pair_needs_a_knowledge_check(app):
    module = qf.make_module()
    bank.import_gift(module, "$CATEGORY: other\n\n::A:: one {T}\n", "en", created_by=None)
    with pytest.raises(LookupError):
        building.create_pre_post_pair(module, created_by=None)


def test_cli_imports_a_file_and_counts_what_it_imported(app, runner, tmp_path):
    qf.make_module("foundations")
    db.session.commit()
    path = COURSES / "foundations" / "en" / "questions.gift"
    result = runner.invoke(args=["quizzes", "import-gift", str(path), "--module", "foundations"])
    assert result.exit_code == 0, result.output
    expected = len(parse_gift(path.read_bytes()))
    assert f"Imported {expected} questions in 1 category" in result.output
    result = runner.invoke(args=["quizzes", "create-pair", "--module", "foundations"])
    assert result.exit_code == 0, result.output
    assert f"with {expected} questions each" in result.output


def test_cli_refuses_a_broken_file_with_its_line_and_imports_nothing(app, runner, tmp_path):
    qf.make_module("foundations")
    db.session.commit()
    broken = tmp_path / "broken.gift"
    broken.write_text("::A:: fine {T}\n\n::B:: broken {=a ~b\n", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import-gift", str(broken), "--module", "foundations"])
    assert result.exit_code != 0
    assert "line 3" in result.output and "Nothing was imported" in result.output
    assert count(Question) == 0


def test_cli_refuses_an_unknown_module(app, runner, tmp_path):
    path = tmp_path / "a.gift"
    path.write_text("::A:: fine {T}\n", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import-gift", str(path), "--module", "nope"])
    assert result.exit_code != 0 and "No module" in result.output
