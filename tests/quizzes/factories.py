"""Builders for modules with question banks, quizzes and attempts, for tests and the route walk."""

from __future__ import annotations

import itertools
import random

from lms.content.models import Module, ModuleTranslation
from lms.extensions import db
from lms.quizzes import attempts, bank, building
from lms.quizzes.models import Attempt, Question, Quiz
from tests import factories

_counter = itertools.count(1)

# One question of each type. Long lines are GIFT: one question per block.
SAMPLE_GIFT = """\
$CATEGORY: sample/knowledge-check

::Capital::What is the capital of Belarus? {=Minsk #Right. ~Hrodna #No, that is a regional centre. ~Brest}

::Layers::Which are layers of interoperability? {~%50%Legal ~%50%Technical ~%-100%Financial #Not a layer.}

::Once only::The once-only principle means asking for the same data only once. {T#Think again.#Yes.}

::Portal::Name the Latvian state portal. {=latvija.lv =*latvija* #Close enough.}

::Year::In which year did Estonia launch X-Road? {#2001:1}

::Match::Match the relationship. {=A company files taxes -> G2B =A citizen gets a certificate -> G2C =A ministry queries a register -> G2G}

::Essay::Describe one service your organisation could put online. {}
"""  # noqa: E501


def make_module(slug: str | None = None, title: str = "Sample module") -> Module:
    module = Module(slug=slug or f"sample-{next(_counter)}", country="BY", level="basic",
                    status="published")
    module.translations.append(ModuleTranslation(language="en", title=title))
    db.session.add(module)
    db.session.flush()
    return module


def module_with_bank(text: str = SAMPLE_GIFT, slug: str | None = None) -> Module:
    module = make_module(slug)
    bank.import_gift(module, text, "en", created_by=None)
    return module


def questions_of(module: Module) -> list[Question]:
    return bank.bank_questions(module.id)


def make_quiz(module: Module | None = None, *, questions: list[Question] | None = None,
              **settings) -> Quiz:
    module = module or module_with_bank()
    quiz = building.create_quiz(module, {"title": f"Quiz {next(_counter)}",
                                         "is_published": True, "shuffle_answers": False,
                                         **settings}, created_by=None)
    for question in questions if questions is not None else questions_of(module):
        building.add_question(quiz, question)
    return quiz


def start(quiz: Quiz, user=None, seed: int = 1) -> Attempt:
    user = user or factories.make_user("official")
    return attempts.start_attempt(quiz, user, rng=random.Random(seed))


def item_for(attempt: Attempt, title: str):
    return next(i for i in attempts.load_items(attempt) if i.version.title == title)
