"""Programme data at scale, for benchmarks: deterministic for a seed, written in bulk.

`generate(officials=100_000, cohorts=2_000)` creates organisations in every region at both
levels of government, officials with a realistic gender mix, trainers, cohorts with their
members and assigned modules, sessions over several years, attendance with every status,
module progress, and pre/post-test attempts, using multi-row inserts (no ORM objects), so
100,000 officials take minutes, not hours.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from lms.accounts.models import Organisation, User, UserRole
from lms.attendance.models import AttendanceRecord, SeminarSession
from lms.cohorts.models import Cohort, CohortMember, CohortModule, CohortTrainer
from lms.content.models import PUBLISHED, Lesson, LessonProgress, Module
from lms.extensions import db
from lms.quizzes.models import FINISHED, PRE_TEST, Attempt, Quiz
from lms.reference import Region
from lms.reports import summary

PASSWORD = "scale-data-password"  # noqa: S105 - every generated account shares it, on purpose
CHUNK = 5000

CENTRAL_BODIES = [
    "Ministry of Economy", "Ministry of Finance", "Ministry of Justice", "Ministry of Health",
    "Ministry of Education", "Ministry of Labour and Social Protection",
    "Ministry of Communications and Informatization", "Ministry of Taxes and Duties",
    "Ministry of Agriculture and Food", "Ministry of Architecture and Construction",
    "Ministry of Natural Resources and Environmental Protection", "Ministry of Culture",
    "State Committee on Property", "State Committee for Standardization",
    "National Statistical Committee",
]
DISTRICT_TOWNS = {
    Region.BREST: ["Baranavichy", "Pinsk", "Kobryn", "Pruzhany", "Luninets", "Stolin"],
    Region.VITEBSK: ["Orsha", "Polatsk", "Navapolatsk", "Hlybokaye", "Pastavy", "Lepel"],
    Region.GOMEL: ["Mazyr", "Zhlobin", "Svetlahorsk", "Rechytsa", "Kalinkavichy", "Rahachou"],
    Region.GRODNO: ["Lida", "Slonim", "Vaukavysk", "Smarhon", "Navahrudak", "Shchuchyn"],
    Region.MINSK: ["Barysau", "Salihorsk", "Maladechna", "Zhodzina", "Slutsk", "Dzyarzhynsk"],
    Region.MOGILEV: ["Babruisk", "Asipovichy", "Horki", "Krychau", "Shklou", "Bykhau"],
}
FEMALE = ["Alena", "Tatsiana", "Natallia", "Volha", "Iryna", "Sviatlana", "Maryia", "Halina",
          "Ina", "Hanna", "Katsiaryna", "Liudmila"]
MALE = ["Siarhei", "Andrei", "Aliaksandr", "Dzmitry", "Pavel", "Ihar", "Viktar", "Mikalai",
        "Uladzimir", "Maksim", "Yauhen", "Vital"]
SURNAMES = ["Kavaliou", "Novik", "Kazlou", "Lis", "Rusak", "Zhuk", "Sakalou", "Hlinski",
            "Baranau", "Karpovich", "Sidarenka", "Bialko", "Paulau", "Ivanou", "Marozau"]
STATUSES = ["present"] * 70 + ["late"] * 10 + ["absent"] * 12 + ["excused"] * 8


@dataclass(frozen=True)
class Generated:
    officials: int
    trainers: int
    cohorts: int
    sessions: int
    attendance: int
    progress: int
    attempts: int


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _insert(model, rows: list[dict]) -> None:
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start:start + CHUNK])


def _refresh_statistics() -> None:
    """Do what autovacuum would do in a while after a bulk load: tell the query planner how
    much data there now is (plans made for empty tables, nested loops over "a few" rows,
    are slow on millions) and, on PostgreSQL, mark the pages all-visible so that indexes
    can answer without reading the table."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM (ANALYZE)"))
        return
    with db.engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        connection.commit()


def _fix_sequences(*models) -> None:
    """Explicit ids were written; make PostgreSQL's sequences continue after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__.name
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))


def generate(officials: int, cohorts: int, *, sessions_per_cohort: int = 6,
             seed: int = 2017, email_domain: str = "scale.example") -> Generated:
    """Write the data set and commit. Needs the built-in modules (and their quizzes) loaded."""
    rng = random.Random(seed)  # noqa: S311 - repeatable made-up data, not secrets
    now = dt.datetime.now(dt.UTC)
    password_hash = generate_password_hash(PASSWORD)

    organisations = _organisations(rng)
    modules = list(db.session.scalars(
        sa.select(Module).where(Module.status == PUBLISHED).order_by(Module.position)))
    lessons = {m.id: list(db.session.scalars(
        sa.select(Lesson.id).where(Lesson.module_id == m.id).order_by(Lesson.position)))
        for m in modules}
    # One pre/post pair per module (the first made), as one language's pair would be used.
    pairs = list({module_id: (pre, post, module_id) for pre, post, module_id in reversed(
        db.session.execute(
            sa.select(Quiz.id, Quiz.paired_quiz_id, Quiz.module_id)
            .where(Quiz.purpose == PRE_TEST, Quiz.paired_quiz_id.is_not(None))
            .order_by(Quiz.id)).all())}.values())

    user_id = _next_id(User)
    trainers = max(5, officials // 200)
    users, roles, people = [], [], []
    for n in range(officials + trainers):
        is_trainer = n >= officials
        gender = rng.choices(["female", "male", "not-stated"], weights=[55, 42, 3])[0]
        first = rng.choice(FEMALE if gender == "female" else MALE)
        surname = rng.choice(SURNAMES) + ("a" if gender == "female" else "")
        org = rng.choice(organisations)
        uid = user_id + n
        users.append({
            "id": uid, "email": f"{'trainer' if is_trainer else 'official'}{n}-{seed}"
                                 f"@{email_domain}",
            "full_name": f"{first} {surname}", "password_hash": password_hash,
            "is_active_account": True, "organisation_id": org["id"],
            "position": "Deputy head of department", "gov_level": org["level"],
            "region": org["region"], "gender": gender,
            "language": rng.choice(["ru"] * 8 + ["be", "en"]),
            "session_version": 1, "created_at": now,
        })
        roles.append({"user_id": uid, "role": "trainer" if is_trainer else "official"})
        if not is_trainer:
            people.append(uid)
    _insert(User, users)
    _insert(UserRole, roles)
    trainer_ids = [user_id + officials + t for t in range(trainers)]

    cohort_id = _next_id(Cohort)
    session_id = _next_id(SeminarSession)
    cohort_rows, trainer_rows, member_rows, module_rows, session_rows = [], [], [], [], []
    attendance, progress, attempts = [], [], []
    rng.shuffle(people)
    per_cohort = max(1, len(people) // max(cohorts, 1))
    attempt_numbers: dict[tuple[int, int], int] = {}
    for c in range(cohorts):
        cid = cohort_id + c
        start = dt.date(2017, 1, 9) + dt.timedelta(days=rng.randrange(0, 365 * 9))
        end = start + dt.timedelta(days=rng.randrange(20, 90))
        level = rng.choice(["central", "local", "mixed"])
        cohort_rows.append({"id": cid, "name": f"Seminar cohort {c + 1}, {start:%B %Y}",
                            "description": "", "gov_level": level,
                            "region": rng.choice(list(Region)).value, "starts_on": start,
                            "ends_on": end, "is_archived": False, "created_at": now})
        trainer_rows.append({"cohort_id": cid, "user_id": rng.choice(trainer_ids)})
        members = people[c * per_cohort:(c + 1) * per_cohort]
        # Some officials attend a second cohort.
        members += rng.sample(people, min(len(people), max(1, per_cohort // 10)))
        members = list(dict.fromkeys(members))
        enrolled = dt.datetime.combine(start, dt.time(8), dt.UTC)
        member_rows += [{"cohort_id": cid, "user_id": u, "enrolled_at": enrolled}
                        for u in members]
        chosen = rng.sample(modules, min(2, len(modules)))
        module_rows += [{"cohort_id": cid, "module_id": m.id, "due_on": end} for m in chosen]
        for s in range(sessions_per_cohort):
            day = start + dt.timedelta(days=s * max(1, (end - start).days // sessions_per_cohort))
            starts = dt.datetime.combine(day, dt.time(7), dt.UTC)
            sid = session_id + len(session_rows)
            session_rows.append({
                "id": sid, "cohort_id": cid, "title": f"Session {s + 1}", "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=3), "timezone": "Europe/Minsk",
                "venue": "", "city": "Minsk", "grace_minutes": 10,
                "check_in_secret": f"{rng.getrandbits(128):032x}", "check_in_open": False,
                "created_at": now,
            })
            if starts < now:
                attendance += [{"session_id": sid, "user_id": u, "status": rng.choice(STATUSES),
                                "note": "", "updated_at": starts} for u in members]
        for m in chosen:
            module_lessons = lessons.get(m.id, [])
            for u in members:
                read = rng.randrange(0, len(module_lessons) + 1)
                progress += [{"user_id": u, "lesson_id": lesson, "module_id": m.id,
                              "first_viewed_at": enrolled, "last_viewed_at": enrolled,
                              "completed_at": enrolled} for lesson in module_lessons[:read]]
        for pre_id, post_id, module_id in pairs:
            if module_id not in {m.id for m in chosen}:
                continue
            for u in members:
                pre = rng.randrange(20, 90)
                post = min(100, pre + rng.randrange(-10, 40))
                for quiz_id, grade, day in ((pre_id, pre, start), (post_id, post, end)):
                    number = attempt_numbers.get((quiz_id, u), 0) + 1
                    attempt_numbers[(quiz_id, u)] = number
                    at = dt.datetime.combine(day, dt.time(12), dt.UTC)
                    attempts.append({"quiz_id": quiz_id, "user_id": u, "number": number,
                                     "state": FINISHED, "started_at": at, "finished_at": at,
                                     "save_sequence": 0, "closed_by_deadline": False,
                                     "score": grade, "max_score": 100, "grade": grade})
    _insert(Cohort, cohort_rows)
    _insert(CohortTrainer, trainer_rows)
    _insert(CohortMember, member_rows)
    _insert(CohortModule, module_rows)
    _insert(SeminarSession, session_rows)
    _insert(AttendanceRecord, attendance)
    # One progress row per official and lesson, even when two cohorts assign one module.
    progress = list({(p["user_id"], p["lesson_id"]): p for p in progress}.values())
    _insert(LessonProgress, progress)
    _insert(Attempt, attempts)
    _fix_sequences(User, Cohort, SeminarSession)
    db.session.commit()
    summary.bring_up_to_date()  # as the first report, or `flask reports warm`, would
    _refresh_statistics()
    return Generated(officials, trainers, cohorts, len(session_rows), len(attendance),
                     len(progress), len(attempts))


def _organisations(rng: random.Random) -> list[dict]:
    """Central bodies in Minsk and district executive committees in every oblast."""
    existing = {name for (name,) in db.session.execute(sa.select(Organisation.name))}
    rows = []
    next_id = _next_id(Organisation)
    wanted = [(name, "central", Region.MINSK_CITY.value) for name in CENTRAL_BODIES]
    for region, towns in DISTRICT_TOWNS.items():
        wanted += [(f"{town} District Executive Committee", "local", region.value)
                   for town in towns]
    for name, level, region in wanted:
        if name in existing:
            continue
        rows.append({"id": next_id + len(rows), "name": name, "level": level,
                     "region": region, "created_at": dt.datetime.now(dt.UTC)})
    _insert(Organisation, rows)
    _fix_sequences(Organisation)
    return [{"id": r["id"], "level": r["level"], "region": r["region"]} for r in rows] or [
        {"id": o.id, "level": o.level, "region": o.region}
        for o in db.session.scalars(sa.select(Organisation))
    ]
