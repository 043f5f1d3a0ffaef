"""Bulk enrolment from a CSV or XLSX file: read, check every row, then apply all or nothing.

A file is read the same way for its preview and for its confirmation, so what is applied is
exactly what was shown, checked again against the database as it is at that moment.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from lms import audit
from lms.accounts import services as accounts
from lms.accounts.models import NAME_MAX, Organisation, User
from lms.cohorts import services
from lms.cohorts.models import Cohort, CohortImport, CohortMember
from lms.db import now_utc
from lms.extensions import db
from lms.reference import Gender, GovLevel, Language, Region
from lms.security.permissions import Role

MAX_ROWS = 5000
DEFAULT_MAX_BYTES = 2 * 1024 * 1024

# Column headings accepted for each field, compared lower-cased, in English, Russian and
# Belarusian, so a sheet made in any of the three languages reads.
COLUMNS = {
    "full_name": {"full name", "full_name", "name", "фио", "ф.и.о.", "полное имя", "имя",
                  "прозвішча, імя", "поўнае імя", "імя"},
    "email": {"email", "e-mail", "электронная почта", "почта", "электронная пошта", "пошта"},
    "organisation": {"organisation", "organization", "организация", "арганізацыя"},
    "position": {"position", "должность", "пасада"},
    "gov_level": {"level of government", "gov_level", "level", "уровень власти",
                  "уровень управления", "узровень улады", "узровень кіравання"},
    "region": {"region", "регион", "область", "рэгіён", "вобласць"},
    "gender": {"gender", "пол", "пол (м/ж)", "пол (ж/м)"},
    "language": {"language", "язык", "мова"},
}
REQUIRED = ("full_name", "email")

GOV_LEVELS = {
    GovLevel.CENTRAL: {"central", "central (republican)", "republican", "центральный",
                       "республиканский", "цэнтральны", "рэспубліканскі"},
    GovLevel.LOCAL: {"local", "местный", "мясцовы"},
}
REGIONS = {
    Region.MINSK_CITY: {"minsk-city", "minsk city", "г. минск", "г.минск", "минск", "горад мінск",
                        "г. мінск", "мінск"},
    Region.BREST: {"brest", "брестская", "брэсцкая", "брест", "брэст"},
    Region.VITEBSK: {"vitebsk", "витебская", "віцебская", "витебск", "віцебск"},
    Region.GOMEL: {"gomel", "homel", "гомельская", "гомель"},
    Region.GRODNO: {"grodno", "hrodna", "гродненская", "гродзенская", "гродно", "гродна"},
    Region.MINSK: {"minsk oblast", "minsk region", "минская", "мінская"},
    Region.MOGILEV: {"mogilev", "mahilieu", "могилевская", "могилёвская", "магілёўская",
                     "могилев", "могилёв", "магілёў"},
}
GENDERS = {
    Gender.FEMALE: {"female", "f", "w", "ж", "жен", "женский", "жаночы", "жанчына", "женщина"},
    Gender.MALE: {"male", "m", "м", "муж", "мужской", "мужчынскі", "мужчына", "мужчина"},
    Gender.NOT_STATED: {"not stated", "not-stated", "не указан", "не пазначаны", "-"},
}
LANGUAGES = {
    Language.EN: {"en", "english", "английский", "англійская"},
    Language.RU: {"ru", "russian", "русский", "руская"},
    Language.BE: {"be", "belarusian", "белорусский", "беларуская", "беларусская"},
}
SUFFIXES = (" oblast", " region", " область", " обл.", " обл", " вобласць", " вобл.")


def _lookup(table: dict, value: str):
    key = " ".join(value.lower().split())
    for suffix in SUFFIXES:
        if key.endswith(suffix) and key != suffix.strip():
            stripped = key[: -len(suffix)].strip()
            # "Minsk oblast" is the oblast; "Minsk" alone is the city.
            if table is REGIONS and stripped in {"minsk", "минск", "мінск", "минская", "мінская"}:
                return Region.MINSK
            key = stripped
            break
    for code, words in table.items():
        if key == code.value or key in words or key == code.label.lower():
            return code
    return None


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Row:
    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    user: User | None = None
    organisation_id: int | None = None
    # "new", "enrol" (an existing account) or "enrolled" (already in the cohort).
    kind: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        return accounts.normalise_email(self.values.get("email", ""))


@dataclass
class Preview:
    rows: list[Row]
    file_problems: list[str]

    @property
    def problems(self) -> list[Row]:
        return [r for r in self.rows if r.problems]

    @property
    def is_valid(self) -> bool:
        return not self.file_problems and not self.problems and bool(self.rows)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if not r.problems and r.kind == kind)

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if not r.problems and r.kind != "new" and r.changes)


def max_bytes() -> int:
    return current_app.config.get("COHORT_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1251")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is not in UTF-8 or Windows-1251 encoding.")) from None
    # cp1251 decodes almost any bytes; control characters mean it was something else
    # (UTF-16, a binary file...).
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise UnreadableFile(_("The file is not in UTF-8 or Windows-1251 encoding."))
    return text


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    if "\x00" in text:
        raise UnreadableFile(_("The file is not in UTF-8 or Windows-1251 encoding."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The file's cells as rows of text, the heading row first."""
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if len(content) > max_bytes():
        raise UnreadableFile(_("The file is too large (at most %(kb)s KB).",
                             kb=max_bytes() // 1024))
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _headings(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = " ".join(cell.strip().lower().lstrip("\ufeff").split())
        for key, names in COLUMNS.items():
            if name in names and key not in positions:
                positions[key] = index
    missing = [k for k in REQUIRED if k not in positions]
    problems = [_("The column “%(column)s” is missing.", column=_column_label(k))
                for k in missing]
    return positions, problems


def _column_label(key: str) -> str:
    return {"full_name": _("full name"), "email": _("email")}.get(key, key)


def preview(cohort: Cohort, filename: str, content: bytes) -> Preview:
    """Read and check every row against the database; change nothing."""
    try:
        table = read_table(filename, content)
    except UnreadableFile as error:
        return Preview([], [str(error)])
    table = [r for r in table if any(c.strip() for c in r)]
    if not table:
        return Preview([], [_("The file is empty.")])
    positions, problems = _headings(table[0])
    if problems:
        return Preview([], problems)
    if len(table) - 1 > MAX_ROWS:
        return Preview([], [_("The file has more than %(n)s rows.", n=MAX_ROWS)])
    rows = [
        Row(line=n, values={k: (cells[i].strip() if i < len(cells) else "")
                            for k, i in positions.items()})
        for n, cells in enumerate(table[1:], start=2)
    ]
    if not rows:
        return Preview([], [_("The file has a heading row but no people.")])
    _check(cohort, rows)
    return Preview(rows, [])


def _check(cohort: Cohort, rows: list[Row]) -> None:
    emails = [r.email for r in rows if r.email]
    existing = {
        u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))
    } if emails else {}
    # Organisations are few; matching them in Python lets Cyrillic compare case-blind
    # (SQLite's lower() knows only ASCII).
    organisations = {
        " ".join(name.casefold().split()): oid
        for oid, name in db.session.execute(sa.select(Organisation.id, Organisation.name))
    } if any(r.values.get("organisation") for r in rows) else {}
    enrolled = services.member_ids(cohort.id)
    seen: dict[str, int] = {}
    for row in rows:
        _check_row(row, seen, existing, organisations, enrolled)


def _check_row(row: Row, seen, existing, organisations, enrolled) -> None:
    v = row.values
    name = v.get("full_name", "")
    if not name:
        row.problems.append(_("The full name is missing."))
    elif len(name) > NAME_MAX:
        row.problems.append(_("The full name is longer than %(n)s characters.", n=NAME_MAX))
    if len(v.get("position", "")) > NAME_MAX:
        row.problems.append(_("The position is longer than %(n)s characters.", n=NAME_MAX))
    email = row.email
    if not email:
        row.problems.append(_("The email is missing."))
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            row.problems.append(_("“%(email)s” is not a valid email address.", email=email))
        if email in seen:
            row.problems.append(_("The same email as on row %(line)s.", line=seen[email]))
        else:
            seen[email] = row.line
    for key, table, message in (
        ("gov_level", GOV_LEVELS, _("Unknown level of government “%(value)s”.")),
        ("region", REGIONS, _("Unknown region “%(value)s”.")),
        ("gender", GENDERS, _("Unknown gender “%(value)s”.")),
        ("language", LANGUAGES, _("Unknown language “%(value)s”.")),
    ):
        if v.get(key) and _lookup(table, v[key]) is None:
            row.problems.append(message % {"value": v[key]})
    organisation = v.get("organisation", "")
    if organisation:
        row.organisation_id = organisations.get(" ".join(organisation.casefold().split()))
        if row.organisation_id is None:
            row.problems.append(_("No organisation is called “%(name)s”; add it first.",
                                  name=organisation))
    row.user = existing.get(email)
    if row.user is None:
        row.kind = "new"
        return
    if not row.user.has_role(Role.OFFICIAL):
        row.problems.append(_("The account with this email is not an official's."))
        return
    row.kind = "enrolled" if row.user.id in enrolled else "enrol"
    if not row.problems:
        row.changes = _changes(row.user, _profile(row, row.user))


def _profile(row: Row, user: User | None = None) -> accounts.ProfileData:
    """The profile the row asks for; empty cells keep what an existing account has."""
    v = row.values

    def pick(value, current):
        return value if value else current

    return accounts.ProfileData(
        full_name=v["full_name"],
        email=row.email,
        organisation_id=pick(row.organisation_id, getattr(user, "organisation_id", None)),
        position=pick(v.get("position"), getattr(user, "position", None)),
        gov_level=pick(_value(GOV_LEVELS, v.get("gov_level")), getattr(user, "gov_level", None)),
        region=pick(_value(REGIONS, v.get("region")), getattr(user, "region", None)),
        gender=pick(_value(GENDERS, v.get("gender")),
                    getattr(user, "gender", Gender.NOT_STATED.value)),
        language=pick(_value(LANGUAGES, v.get("language")),
                      getattr(user, "language", Language.RU.value)),
    )


def _value(table, text: str | None) -> str | None:
    found = _lookup(table, text) if text else None
    return found.value if found else None


def _changes(user: User, data: accounts.ProfileData) -> list[str]:
    """The profile fields an import would change on an existing account."""
    return [name for name in ("full_name", "organisation_id", "position", "gov_level", "region",
                              "gender", "language")
            if (getattr(data, name) or None) != (getattr(user, name) or None)]


def store(cohort: Cohort, filename: str, content: bytes, *, actor: User) -> CohortImport:
    """Keep an uploaded file until it is confirmed."""
    upload = CohortImport(cohort_id=cohort.id, filename=filename[:255] or "import",
                          content=content, created_by_id=actor.id)
    db.session.add(upload)
    db.session.flush()
    return upload


@dataclass(frozen=True)
class Invitation:
    user: User
    token: str


def apply(cohort: Cohort, upload: CohortImport, *, actor: User) -> tuple[Preview, list[Invitation]]:
    """Check the file again and, only if every row is right, create, update and enrol.

    Returns the preview and the invitations of new accounts; nothing changes when the
    preview has problems or the file was applied before.
    """
    result = preview(cohort, upload.filename, upload.content)
    if not result.is_valid or upload.applied_at is not None:
        return result, []
    invitations = []
    for row in result.rows:
        if row.kind == "new":
            user, token = accounts.create_user(_profile(row), [Role.OFFICIAL], created_by=actor)
            invitations.append(Invitation(user, token))
        else:
            user = row.user
            if row.changes:
                accounts.update_user(user, _profile(row, user), user.role_names, changed_by=actor)
        if row.kind != "enrolled":
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id,
                                        enrolled_by_id=actor.id))
    upload.applied_at = now_utc()
    upload.summary = (f"new={result.count('new')} enrol={result.count('enrol')} "
                      f"enrolled={result.count('enrolled')}")
    audit.record("cohort.import_applied", actor=actor, target=cohort, import_id=upload.id,
                 new=result.count("new"), enrolled=result.count("enrol"))
    db.session.flush()
    return result, invitations
