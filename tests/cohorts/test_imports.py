"""Staff enrol a whole cohort from a file: preview first, then all or nothing."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.cohorts import imports
from lms.cohorts.models import CohortImport, CohortMember
from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf

HEADER = "Full name;Email;Organisation;Position;Level of government;Region;Gender;Language"


def _csv(*lines: str, header: str = HEADER, encoding="cp1251") -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


@pytest.fixture
def cohort(app):
    factories.make_organisation("Гродненский облисполком", level="local", region="grodno")
    return cf.make_cohort()


def test_windows_1251_semicolon_file_with_belarusian_and_russian_names(cohort):
    content = _csv(
        "Алесь Ўладзіміравіч Іваноўскі;ales@example.org;Гродненский облисполком;Начальник;"
        "местный;Гродненская область;м;be",
        "Пётр Семёнов;petr@example.org;;;central;minsk-city;male;ru",
    )
    result = imports.preview(cohort, "people.csv", content)
    assert result.file_problems == [] and result.problems == []
    assert [r.values["full_name"] for r in result.rows] == [
        "Алесь Ўладзіміравіч Іваноўскі", "Пётр Семёнов"]
    assert result.count("new") == 2


def test_utf8_with_bom_and_commas_reads_the_same(cohort):
    content = "\ufeffFull name,Email\nЁжикова Алёна,alena@example.org\n".encode()
    result = imports.preview(cohort, "people.csv", content)
    assert result.is_valid
    assert result.rows[0].values == {"full_name": "Ёжикова Алёна", "email": "alena@example.org"}


def test_russian_headings_are_understood(cohort):
    content = "ФИО;Электронная почта;Пол\nИванова Ірына;irina@example.org;ж\n".encode()
    result = imports.preview(cohort, "люди.csv", content)
    assert result.is_valid


def test_every_bad_row_is_reported_with_its_line_and_nothing_changes(cohort, people):
    content = _csv(
        "Good Person;good@example.org;;;;;;",
        ";noname@example.org;;;;;;",
        "Bad Email;not-an-email;;;;;;",
        "Unknown Region;region@example.org;;;;Atlantis;;",
        "Unknown Level;level@example.org;;;federal;;;",
        "Duplicate;GOOD@example.org;;;;;;",
        "No Org;org@example.org;Ministry of Nowhere;;;;;",
        "Trainer;trainer@example.org;;;;;;",
    )
    upload = imports.store(cohort, "bad.csv", content, actor=people["staff"])
    result, invitations = imports.apply(cohort, upload, actor=people["staff"])
    problems = {r.line: " ".join(r.problems) for r in result.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert "full name is missing" in problems[3]
    assert "not a valid email" in problems[4]
    assert "Unknown region “Atlantis”" in problems[5]
    assert "Unknown level of government “federal”" in problems[6]
    assert "same email as on row 2" in problems[7]
    assert "Ministry of Nowhere" in problems[8]
    assert "not an official" in problems[9]
    assert invitations == []
    assert upload.applied_at is None
    assert db.session.scalar(sa.select(sa.func.count(CohortMember.id))) == 0
    assert db.session.scalar(sa.select(User).where(User.email == "good@example.org")) is None


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty"),
    (b"   \r\n", "The file is empty"),
    (b"Email;Position\nx@example.org;Boss\n", "column “full name” is missing"),
    (b"Full name;Email\n", "no people"),
    ("Full name;Email\nЁ;x@example.org\n".encode("utf-16"), "not in UTF-8 or Windows-1251"),
    (b"PK\x03\x04broken", "not a readable XLSX"),
])
def test_a_file_that_cannot_be_read_says_why(cohort, content, message):
    result = imports.preview(cohort, "people.csv", content)
    assert not result.is_valid
    assert message in " ".join(result.file_problems)


def test_a_huge_file_is_refused(make_app, database_url):
    app = make_app(COHORT_IMPORT_MAX_BYTES=1000)
    with app.app_context():
        cohort = cf.make_cohort()
        content = _csv(*[f"Person {n};p{n}@example.org;;;;;;" for n in range(100)])
        result = imports.preview(cohort, "big.csv", content)
        assert "too large" in " ".join(result.file_problems)


def test_existing_people_are_matched_by_email_updated_and_enrolled(cohort, people):
    known = factories.make_user("official", email="known@example.org", full_name="Old Name",
                                position="Clerk")
    member = cf.make_official_in(cohort, email="member@example.org", full_name="Member")
    content = _csv("New Name;KNOWN@example.org;;Head of unit;;;;",
                   "Member;member@example.org;;;;;;",
                   "Brand New;new@example.org;;;;brest;f;ru")
    upload = imports.store(cohort, "people.csv", content, actor=people["staff"])
    result = imports.preview(cohort, upload.filename, upload.content)
    assert (result.count("new"), result.count("enrol"), result.count("enrolled")) == (1, 1, 1)
    assert result.updated == 1
    result, invitations = imports.apply(cohort, upload, actor=people["staff"])
    db.session.commit()
    assert [i.user.email for i in invitations] == ["new@example.org"]
    assert (known.full_name, known.position) == ("New Name", "Head of unit")
    new = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    assert (new.region, new.gender, new.has_role("official")) == ("brest", "female", True)
    enrolled = set(db.session.scalars(sa.select(CohortMember.user_id)))
    assert enrolled == {known.id, member.id, new.id}
    # A file is applied once.
    _, again = imports.apply(cohort, upload, actor=people["staff"])
    assert again == []


def test_an_xlsx_file_imports_like_a_csv(cohort):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Full name", "Email", "Region"])
    sheet.append(["Зміцер Ёрш", "zmicier@example.org", "Віцебская вобласць"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = imports.preview(cohort, "people.xlsx", buffer.getvalue())
    assert result.is_valid
    row = result.rows[0]
    assert row.values["full_name"] == "Зміцер Ёрш"
    assert imports._profile(row).region == "vitebsk"


def test_staff_upload_preview_apply_and_download_the_invitation_links(client, people, cohort):
    factories.sign_in(client, people["staff"])
    content = _csv("Алёна Ўсціновіч;alena@example.org;;;;;;be")
    response = client.post(f"/cohorts/{cohort.id}/import", data={
        "file": (io.BytesIO(content), "people.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    preview = client.get(response.location)
    assert "Алёна Ўсціновіч" in preview.text and "Apply the import" in preview.text
    assert db.session.scalar(sa.select(sa.func.count(CohortMember.id))) == 0
    upload = db.session.scalar(sa.select(CohortImport))
    done = client.post(f"/cohorts/{cohort.id}/import/{upload.id}/apply")
    assert done.status_code == 200
    assert "/invitation/" in done.text or "invitation" in done.text.lower()
    assert db.session.scalar(sa.select(sa.func.count(CohortMember.id))) == 1
    download = client.post(f"/cohorts/{cohort.id}/invitations.csv", data={
        "name": ["Алёна Ўсціновіч"], "email": ["alena@example.org"],
        "link": ["http://localhost/x"]})
    text = download.data.decode("utf-8-sig")
    assert "Алёна Ўсціновіч;alena@example.org;http://localhost/x" in text
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_file_with_problems_cannot_be_applied_over_http(client, people, cohort):
    factories.sign_in(client, people["staff"])
    upload = cf.make_import(cohort, _csv("Bad;not-an-email;;;;;;", "Fine;fine@example.org;;;;;;"))
    accounts = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = client.post(f"/cohorts/{cohort.id}/import/{upload.id}/apply")
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "not a valid email" in page and "Apply the import" not in page
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == accounts
    assert upload.applied_at is None
