"""Taking a quiz: start an attempt, save answers as they go, submit, close at the deadline.

The rules that keep grades honest live here:

- an attempt is finished by one conditional UPDATE (`... WHERE state = 'in_progress'`); only
  the request whose UPDATE changed the row grades it, so a double submit grades once. The
  UPDATE also holds the row until the transaction ends, so a racing save waits for it;
- each save carries a sequence number and is applied by a conditional UPDATE
  (`... AND save_sequence < :n`), so a stale page never overwrites newer answers and a save
  arriving after the submission changes nothing;
- a unique (quiz, official, number) constraint and a unique index on the attempt in
  progress mean that racing starts (two tabs) create one attempt, never one beyond the limit;
- the server, not the page, decides when time is up.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, fields

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only
from sqlalchemy.orm.attributes import set_committed_value

from lms import audit
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.grading import grade_attempt
from lms.quizzes.models import (
    FINISHED,
    IN_PROGRESS,
    Attempt,
    AttemptItem,
    Question,
    QuestionChoice,
    QuestionVersion,
    Quiz,
    QuizSlot,
)
from lms.quizzes.question_types import QUESTION_TYPES, question_type

# INSERT ... ON CONFLICT, by database.
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

# Saves and submissions that arrive this soon after the deadline still count: the page was
# sent in time, the network was slow.
DEADLINE_GRACE = dt.timedelta(seconds=30)


class AttemptRefused(Exception):
    """The official may not start or change this attempt; the message says why."""


def is_open(quiz: Quiz, now: dt.datetime) -> bool:
    """Whether the quiz takes new attempts now."""
    if not quiz.is_published:
        return False
    if quiz.opens_at is not None and now < quiz.opens_at:
        return False
    return quiz.closes_at is None or now < quiz.closes_at


def attempts_of(quiz: Quiz, user) -> list[Attempt]:
    return list(db.session.scalars(
        sa.select(Attempt).filter_by(quiz_id=quiz.id, user_id=user.id).order_by(Attempt.number)
    ))


def start_attempt(quiz: Quiz, user, *, now: dt.datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Resume the official's open attempt, or start the next one if the quiz allows it."""
    now = now or now_utc()
    used, current_id = _used_and_in_progress(quiz, user)
    current = _in_progress(quiz, user) if current_id is not None else None
    if current is not None and not close_if_overdue(current, now):
        return current
    if not is_open(quiz, now):
        raise AttemptRefused(_("This quiz is not open for attempts."))
    slots = _slot_rows(quiz)
    if not slots:
        raise AttemptRefused(_("This quiz has no questions yet."))
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise AttemptRefused(_("You have used all the attempts this quiz allows."))
    attempt = _insert_attempt(quiz_id=quiz.id, user_id=user.id, number=used + 1,
                              started_at=now, state=IN_PROGRESS, deadline=_deadline(quiz, now))
    if attempt is None:
        # Another request started this very attempt a moment ago: use that one.
        current = _in_progress(quiz, user)
        if current is None:
            raise AttemptRefused(_("You have used all the attempts this quiz allows."))
        return current
    _add_items(attempt, quiz, slots, rng or random.SystemRandom())
    audit.record("quiz.attempt_started", actor=user, target=attempt, quiz=quiz.id)
    return attempt


def _used_and_in_progress(quiz: Quiz, user) -> tuple[int, int | None]:
    """The highest attempt number used and the attempt in progress, in one query.

    Two scalar subqueries, each answered from its own index, however many attempts there are.
    """
    row = db.session.execute(_used_and_in_progress_query(),
                             {"quiz_id": quiz.id, "user_id": user.id}).one()
    return row[0], row[1]


def _insert_attempt(**values) -> Attempt | None:
    """Add the attempt, or return None if a racing start took its number or its place.

    One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING) where the database has it;
    the unique constraints decide, as they do for the savepoint used elsewhere.
    """
    dialect = db.session.get_bind().dialect
    if dialect.name in UPSERTS and dialect.insert_returning:
        insert = UPSERTS[dialect.name](Attempt).values(**values).on_conflict_do_nothing()
        return db.session.scalars(insert.returning(Attempt)).first()
    attempt = Attempt(**values)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        return None
    return attempt


def _in_progress(quiz: Quiz, user) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).filter_by(quiz_id=quiz.id, user_id=user.id, state=IN_PROGRESS)
        .execution_options(populate_existing=True)
    )


def _deadline(quiz: Quiz, now: dt.datetime) -> dt.datetime | None:
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + dt.timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at is not None:
        deadline = quiz.closes_at if deadline is None else min(deadline, quiz.closes_at)
    return deadline


def _slot_rows(quiz: Quiz) -> list[sa.Row]:
    """The quiz's places in order, each with the current version of its fixed question."""
    return db.session.execute(_slots_query(), {"quiz_id": quiz.id}).all()


def _add_items(attempt: Attempt, quiz: Quiz, slots: list[sa.Row], rng: random.Random) -> None:
    """Fix the questions (their current versions) and the order of answers for this attempt.

    A fixed number of queries whatever the number of places: the questions random places
    draw from come in one query, the versions from the cache, the items in one INSERT.
    """
    pools = _random_pools({slot.category_id for slot in slots if slot.question_id is None})
    versions = shown_versions(
        [slot.current_version_id for slot in slots if slot.current_version_id is not None]
    )
    chosen: list[tuple[ShownVersion, float]] = []
    used: set[int] = set()
    for slot in slots:
        if slot.question_id is not None:
            version = versions.get(slot.current_version_id)
            # A question edited into a description has nothing to answer: it is left out.
            if version is None or version.qtype not in QUESTION_TYPES:
                continue
        else:
            pool = [v for v in pools.get(slot.category_id, []) if v.question_id not in used]
            if not pool:
                continue
            version = rng.choice(pool)
        used.add(version.question_id)
        chosen.append((version, slot.marks))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    rows = [
        {"attempt_id": attempt.id, "position": position, "version_id": version.id,
         "marks": marks,
         "layout": question_type(version.qtype).layout(version, quiz.shuffle_answers, rng)}
        for position, (version, marks) in enumerate(chosen, start=1)
    ]
    if rows:
        # The items in one round trip (executemany), without building ORM objects.
        db.session.execute(sa.insert(AttemptItem), rows)


def _random_pools(category_ids: set[int]) -> dict[int, list[ShownVersion]]:
    """For each category, the current versions of its usable questions, by question id."""
    if not category_ids:
        return {}
    rows = db.session.execute(
        sa.select(Question.category_id, Question.current_version_id)
        .where(Question.category_id.in_(category_ids),
               Question.current_version_id.is_not(None))
        .order_by(Question.id)
    ).all()
    versions = shown_versions([version_id for _category, version_id in rows])
    pools: dict[int, list[ShownVersion]] = {}
    for category_id, version_id in rows:
        version = versions[version_id]
        if version.qtype in QUESTION_TYPES:
            pools.setdefault(category_id, []).append(version)
    return pools


def usable_questions(category_id: int) -> list[Question]:
    """Questions of a category that can be put in a quiz (descriptions cannot)."""
    questions = db.session.scalars(
        sa.select(Question).filter_by(category_id=category_id)
        .options(sa.orm.selectinload(Question.current_version)).order_by(Question.id)
    )
    return [q for q in questions if q.current_version and q.current_version.qtype in QUESTION_TYPES]


# --- The question versions attempts show -------------------------------------------------
#
# A question version is never changed once written (an edit adds a version), so a read-only
# copy of it, with its choices, is kept in this process and shared by every request: showing,
# saving and grading an attempt then read only the attempt's own rows. Nothing of any
# official is kept here.

SHOWN_VERSIONS_KEY = "lms.quizzes.shown_versions"
SHOWN_VERSIONS_MAX = 20_000


@dataclass(frozen=True)
class ShownChoice:
    """A read-only copy of a QuestionChoice."""

    id: int
    version_id: int
    position: int
    text: str
    text_format: str
    fraction: float
    feedback: str
    feedback_format: str
    value: float | None
    tolerance: float | None
    minimum: float | None
    maximum: float | None
    match_right: str | None


@dataclass(frozen=True)
class ShownVersion:
    """A read-only copy of a QuestionVersion and its choices, as question types use it."""

    id: int
    question_id: int
    number: int
    qtype: str
    title: str
    text: str
    text_format: str
    blank_at: int | None
    general_feedback: str
    general_feedback_format: str
    correct: bool | None
    right_feedback: str
    wrong_feedback: str
    choices: tuple[ShownChoice, ...]


_VERSION_FIELDS = [f.name for f in fields(ShownVersion) if f.name != "choices"]
_CHOICE_FIELDS = [f.name for f in fields(ShownChoice)]


def _copy(version: QuestionVersion) -> ShownVersion:
    return ShownVersion(
        **{name: getattr(version, name) for name in _VERSION_FIELDS},
        choices=tuple(ShownChoice(**{name: getattr(c, name) for name in _CHOICE_FIELDS})
                      for c in version.choices),
    )


def shown_versions(version_ids) -> dict[int, ShownVersion]:
    """Question versions by id: from this process's copies, the missing ones in two queries."""
    cache: dict[int, ShownVersion] = current_app.extensions.setdefault(SHOWN_VERSIONS_KEY, {})
    found, missing = {}, []
    for version_id in set(version_ids):
        copy = cache.get(version_id)
        if copy is None:
            missing.append(version_id)
        else:
            found[version_id] = copy
    if missing:
        loaded = db.session.scalars(
            sa.select(QuestionVersion).where(QuestionVersion.id.in_(missing))
            .options(load_only(*[getattr(QuestionVersion, n) for n in _VERSION_FIELDS]),
                     sa.orm.selectinload(QuestionVersion.choices)
                     .load_only(*[getattr(QuestionChoice, n) for n in _CHOICE_FIELDS]))
        ).all()
        if len(cache) + len(loaded) > SHOWN_VERSIONS_MAX:
            cache.clear()
        for version in loaded:
            found[version.id] = cache[version.id] = _copy(version)
    return found


def item_versions(items: list[AttemptItem]) -> dict[int, ShownVersion]:
    """The version each item shows, by item id."""
    versions = shown_versions(item.version_id for item in items)
    return {item.id: versions[item.version_id] for item in items}


def load_items(attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items as they are in the database now (their versions: item_versions)."""
    return list(db.session.scalars(_items_query(), {"attempt_id": attempt.id}))


def is_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def close_if_overdue(attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Finish and grade an attempt left open past its deadline; True if it is finished now."""
    now = now or now_utc()
    if attempt.state == IN_PROGRESS and is_overdue(attempt, now):
        finish_attempt(attempt, now=now, by_deadline=True)
    return attempt.state == FINISHED


def close_overdue(now: dt.datetime | None = None, quiz_id: int | None = None) -> int:
    """Finish every attempt past its deadline (or those of one quiz); returns how many."""
    now = now or now_utc()
    query = sa.select(Attempt).where(Attempt.state == IN_PROGRESS,
                                     Attempt.deadline < now - DEADLINE_GRACE)
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    return sum(finish_attempt(a, now=now, by_deadline=True) for a in db.session.scalars(query))


def _apply_answers(items: list[AttemptItem], answers: dict[int, list[str]]) -> None:
    """Replace the responses of the items the form showed; other items keep theirs."""
    shown = [item for item in items if item.id in answers]
    versions = item_versions(shown)
    for item in shown:
        version = versions[item.id]
        item.response = question_type(version.qtype).read(version, item.layout, answers[item.id])


def _update_attempt(statement: sa.Update, attempt: Attempt, **params) -> bool:
    """One conditional UPDATE of the attempt's row; True if it changed the row.

    When it did, `attempt` is refreshed from the row the UPDATE returned: the row is ours
    until commit, so that is the latest.
    """
    updated = db.session.execute(statement, {"attempt_id": attempt.id, **params})
    return updated.scalar_one_or_none() is not None


def save_answers(attempt: Attempt, sequence: int, answers: dict[int, list[str]],
                 *, now: dt.datetime | None = None) -> bool:
    """Keep the answers of one save; False if the attempt is closed or the page is stale.

    `answers` maps item ids to the raw form values given for them; ids of other attempts'
    items are ignored.
    """
    now = now or now_utc()
    if close_if_overdue(attempt, now):
        return False
    if not _update_attempt(_save_update(), attempt, sequence=sequence):
        return False
    _apply_answers(load_items(attempt), answers)
    db.session.flush()
    return True


def finish_attempt(attempt: Attempt, *, sequence: int | None = None,
                   answers: dict[int, list[str]] | None = None,
                   now: dt.datetime | None = None, by_deadline: bool = False) -> bool:
    """Close the attempt and grade it; True only for the one call that closed it.

    The answers sent with the submission count if they are newer than the last save and
    the deadline has not passed; otherwise the attempt is graded with what was saved.
    """
    now = now or now_utc()
    if not by_deadline and is_overdue(attempt, now):
        by_deadline, answers = True, None
    if not _update_attempt(_finish_update(), attempt, now=now, by_deadline=by_deadline):
        db.session.refresh(attempt)
        return False
    items = load_items(attempt)
    columns = ["needs_grading", "fraction", "score"]
    if answers is not None and sequence is not None and sequence > attempt.save_sequence:
        attempt.save_sequence = sequence
        _apply_answers(items, answers)
        if answers:
            columns.append("response")
    grade_attempt(attempt, items, item_versions(items))
    _write_items(items, columns)
    audit.record("quiz.attempt_graded", actor=None if by_deadline else attempt.user,
                 target=attempt, quiz=attempt.quiz_id, by_deadline=by_deadline)
    db.session.flush()
    return True


def _write_items(items: list[AttemptItem], columns: list[str]) -> None:
    """Write these columns of the items in one UPDATE, not one per item as a flush would.

    The items are then marked as written, so the session's flush leaves them alone.
    """
    if not items:
        return
    params = {}
    for n, item in enumerate(items):
        params[f"id_{n}"] = item.id
        params.update({f"{name}_{n}": getattr(item, name) for name in columns})
    # On the connection: the session must not flush the items first.
    db.session.connection().execute(_items_update(len(items), tuple(columns)), params)
    for item in items:
        for name in columns:
            set_committed_value(item, name, getattr(item, name))


@functools.lru_cache(maxsize=256)
def _items_update(count: int, columns: tuple[str, ...]) -> sa.Update:
    """UPDATE of `count` items setting each column by a CASE on the item id; built once."""
    table = AttemptItem.__table__
    ids = [sa.bindparam(f"id_{n}", type_=sa.Integer) for n in range(count)]

    def by_item(name: str):
        value = [sa.bindparam(f"{name}_{n}", type_=table.c[name].type) for n in range(count)]
        return sa.case(*[(table.c.id == ids[n], value[n]) for n in range(count)],
                       else_=table.c[name])

    return (sa.update(table).where(table.c.id.in_(ids))
            .values({name: by_item(name) for name in columns}))


def shown_answers(form) -> dict[int, list[str]]:
    """Form values per item id the page showed (each sends a `shown` marker).

    The ids are the page's word: saving and grading apply only those of the attempt's items.
    """
    shown = {int(v) for v in form.getlist("shown") if v.isdigit()}
    return {item_id: form.getlist(f"item-{item_id}") for item_id in sorted(shown)}


def answers_from_form(items: list[AttemptItem], form) -> dict[int, list[str]]:
    """Form values per item, for the items the page showed (each sends a `shown` marker)."""
    ids = {item.id for item in items}
    return {item_id: values for item_id, values in shown_answers(form).items() if item_id in ids}


# --- Statements built once -----------------------------------------------------------------
#
# Taking a quiz runs the same few statements again and again; building one (and its cache
# key) costs more than running it, so each is built once per process. Only the parameters
# change.


@functools.cache
def _used_and_in_progress_query() -> sa.Select:
    mine = (Attempt.quiz_id == sa.bindparam("quiz_id"),
            Attempt.user_id == sa.bindparam("user_id"))
    used = sa.select(sa.func.coalesce(sa.func.max(Attempt.number), 0)).where(*mine)
    running = sa.select(Attempt.id).where(*mine, Attempt.state == IN_PROGRESS)
    return sa.select(used.scalar_subquery(), running.scalar_subquery())


@functools.cache
def _slots_query() -> sa.Select:
    return (
        sa.select(QuizSlot.marks, QuizSlot.question_id, QuizSlot.category_id,
                  Question.current_version_id)
        .outerjoin(Question, Question.id == QuizSlot.question_id)
        .where(QuizSlot.quiz_id == sa.bindparam("quiz_id")).order_by(QuizSlot.position)
    )


@functools.cache
def _items_query() -> sa.Select:
    return (
        sa.select(AttemptItem).where(AttemptItem.attempt_id == sa.bindparam("attempt_id"))
        .order_by(AttemptItem.position)
        .execution_options(populate_existing=True)
    )


def _attempt_update(*conditions, **values) -> sa.Update:
    return (
        sa.update(Attempt)
        .where(Attempt.id == sa.bindparam("attempt_id"), Attempt.state == IN_PROGRESS,
               *conditions)
        .values(**values).returning(Attempt)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


@functools.cache
def _save_update() -> sa.Update:
    """A save: only over an older one, only while the attempt is in progress."""
    sequence = sa.bindparam("sequence", type_=sa.Integer)
    return _attempt_update(Attempt.save_sequence < sequence, save_sequence=sequence)


@functools.cache
def _finish_update() -> sa.Update:
    """The submission (or the deadline) closing the attempt: only once."""
    return _attempt_update(state=FINISHED, finished_at=sa.bindparam("now"),
                           closed_by_deadline=sa.bindparam("by_deadline"))
