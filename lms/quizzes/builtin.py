"""The question sets shipped with the built-in modules: loaded once into each module's bank."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from lms.content.models import Module
from lms.extensions import db
from lms.quizzes.bank import import_gift
from lms.quizzes.building import create_pre_post_pair
from lms.quizzes.models import Question


def load_shipped_questions(module: Module, *, actor=None) -> list[str]:
    """For each language the module ships questions in and has none of yet in its bank,
    import them and make a published pre-test and post-test pair. Returns those languages.

    A bank that already has questions in a language is the trainers' to manage: later
    changes of the shipped file do not overwrite it.
    """
    have = set(db.session.scalars(
        sa.select(Question.language).where(Question.module_id == module.id).distinct()
    ))
    loaded = []
    for translation in module.translations:
        if not translation.questions_gift or translation.language in have:
            continue
        # Each language's quizzes are named in that language.
        with force_locale(translation.language):
            import_gift(module, translation.questions_gift, translation.language, actor)
            create_pre_post_pair(module, actor, language=translation.language)
        loaded.append(translation.language)
    db.session.flush()
    return loaded
