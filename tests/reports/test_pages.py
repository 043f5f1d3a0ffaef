"""Staff use the dashboard, download its tables and the donor summary; numbers agree."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.accounts.models import Organisation
from lms.extensions import db
from lms.reports import summary
from tests import factories
from tests.query_counter import count_queries
from tests.reports import programme

YEAR = "from=2017-01-01&to=2017-12-31"


@pytest.fixture
def staff_client(client, app):
    data = programme.build()
    factories.sign_in(client, factories.make_user("staff"))
    client.data = data
    return client


def _csv(response) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_dashboard_shows_the_figures_with_their_definitions(staff_client, make_app):
    page = staff_client.get(f"/reports/?{YEAR}").get_data(as_text=True)
    assert '<dd class="number">7</dd>' in page and '<dd class="number">9</dd>' in page
    assert "75.0%" in page and "63.3 → 85.0" in page
    assert "each person counted once" in page
    assert 'role="img"' in page  # charts, with the tables beside them


def test_exports_carry_the_same_numbers_as_the_page(staff_client):
    summary = _csv(staff_client.get(f"/reports/tables/summary.csv?{YEAR}"))
    values = {row[0]: row[1] for row in summary[1:]}
    assert values["Officials trained"] == "7" and values["Participations"] == "9"
    assert values["Normalised gain"] == "0.583"
    workbook = load_workbook(io.BytesIO(staff_client.get(f"/reports/tables/gender.xlsx?{YEAR}")
                                        .data))
    sheet = workbook.active
    header_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1)
                      if row[0] == "Gender")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)}
    # Small groups (fewer than 5 people) leave the building as "<5", totals stay exact.
    assert rows["Female"][1] == "<5" and rows["Not stated"][1] == "<5"


def test_donor_summary_xlsx_and_pdf(staff_client, make_app):
    data = staff_client.get(f"/reports/donor-summary.xlsx?{YEAR}").data
    sheet = load_workbook(io.BytesIO(data)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert any(row[0] == "Total" and row[-1] == 7 for row in cells)
    pdf = staff_client.get(f"/reports/donor-summary.pdf?{YEAR}")
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


def _donor_rows(response) -> tuple[dict, list]:
    cells = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(cells) if row[0] == "Sex")
    return {row[0]: row[1:] for row in cells[header + 1:]}, [row[0] for row in cells[:header]]


def test_donor_summary_protects_its_totals_too(staff_client):
    rows, _notes = _donor_rows(staff_client.get(f"/reports/donor-summary.xlsx?{YEAR}"))
    # Columns: central, local, level not stated, total. Every group is under 5 people,
    # the 3 central and 4 local officials too; only the grand total is shown.
    assert rows["Female"] == ("<5", "<5", 0, "<5")
    assert rows["Not stated"] == (0, "<5", 0, "<5")
    assert rows["Total"] == ("<5", "<5", 0, 7)
    # Narrowed to the two women in Hrodna, the grand total is about them alone.
    narrowed = staff_client.get(f"/reports/donor-summary.xlsx?{YEAR}&region=grodno&gender=female")
    rows, notes = _donor_rows(narrowed)
    assert rows["Female"] == (0, "<5", 0, "<5") and rows["Total"] == (0, "<5", 0, "<5")
    assert "Participations (person-sessions): <5" in notes
    pdf = staff_client.get(f"/reports/donor-summary.pdf?{YEAR}&region=grodno&gender=female")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_key_figures_of_a_few_officials_are_protected_on_the_page_and_in_the_export(
        staff_client):
    women_in_grodno = f"{YEAR}&region=grodno&gender=female"
    page = staff_client.get(f"/reports/?{women_in_grodno}").get_data(as_text=True)
    assert '<dd class="number">2</dd>' not in page  # f1 and f2
    assert "Small groups are protected" in page and "Participants: &lt;5 officials" in page
    assert "</span>%" not in page  # a hidden rate is "<5", not "<5%"
    summary = _csv(staff_client.get(f"/reports/tables/summary.csv?{women_in_grodno}"))
    values = {row[0]: row[1] for row in summary[1:]}
    assert values["Officials trained"] == "<5" and values["Participations"] == "<5"
    assert values["Sessions held"] == "3"


def test_donor_summary_figures_without_small_cell_protection(make_app):
    app = make_app(REPORT_MIN_CELL=1)
    with app.app_context():
        programme.build()
        client = app.test_client()
        factories.sign_in(client, factories.make_user("staff"))
        sheet = load_workbook(io.BytesIO(
            client.get(f"/reports/donor-summary.xlsx?{YEAR}").data)).active
        rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}
        # Columns: central, local, level not stated, total.
        assert rows["Female"] == (1, 2, 0, 3)
        assert rows["Male"] == (2, 1, 0, 3)
        assert rows["Not stated"] == (0, 1, 0, 1)
        assert rows["Total"] == (3, 4, 0, 7)


def test_raw_participation_records_stream_one_row_per_official_per_session(staff_client):
    rows = _csv(staff_client.get(f"/reports/records/participation.csv?{YEAR}"))
    assert len(rows) == 1 + 13  # every record of S1, S2, S3, absences included
    assert rows[1][-1] in {"present", "late", "absent", "excused"}
    quiz = _csv(staff_client.get(f"/reports/records/quiz_results.csv?{YEAR}"))
    assert len(quiz) == 1 + 9


def test_formula_in_a_name_is_neutralised_in_csv_and_xlsx(staff_client):
    person = staff_client.data["people"]["f1"]
    person.full_name = '=HYPERLINK("http://evil.example","click")'
    db.session.commit()
    rows = _csv(staff_client.get(f"/reports/records/participation.csv?{YEAR}"))
    names = {row[3] for row in rows[1:]}
    assert "'" + person.full_name in names
    assert person.full_name not in names
    # An organisation's name heads a row of the dashboard's tables and their downloads.
    organisation = db.session.get(Organisation, person.organisation_id)
    organisation.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    db.session.commit()
    by_organisation = _csv(staff_client.get(f"/reports/tables/organisation.csv?{YEAR}"))
    assert "'" + organisation.name in {row[0] for row in by_organisation[1:]}
    sheet = load_workbook(io.BytesIO(
        staff_client.get(f"/reports/tables/organisation.xlsx?{YEAR}").data)).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == organisation.name)
    assert cell.data_type == "s"  # text, which no spreadsheet runs as a formula


def test_only_monitoring_officers_can_see_exact_small_figures(staff_client):
    page = staff_client.get(f"/reports/?{YEAR}&exact=1").get_data(as_text=True)
    assert "Exact figures are shown" not in page and "&lt;5" in page
    analyst = staff_client.application.test_client()
    factories.sign_in(analyst, factories.make_user("analyst"))
    exact = analyst.get(f"/reports/?{YEAR}&exact=1").get_data(as_text=True)
    assert "Exact figures are shown" in exact and "&lt;5" not in exact


def test_a_bad_filter_is_named_and_ignored(staff_client):
    page = staff_client.get("/reports/?from=yesterday&gender=robot").get_data(as_text=True)
    assert "A filter was not understood" in page and "from" in page


def test_officials_never_see_reports(client, app):
    factories.sign_in(client, factories.make_user("official"))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/records/participation.csv").status_code == 403


def test_dashboard_queries_do_not_grow_with_the_data(staff_client):
    def queries_for_page():
        db.session.commit()
        summary.bring_up_to_date()  # as cron would have; changes since are few statements
        with count_queries() as statements:
            assert staff_client.get(f"/reports/?{YEAR}").status_code == 200
        return len(statements)

    small = queries_for_page()
    programme.build_more(officials=40)
    assert queries_for_page() == small


def test_a_download_shows_what_the_page_showed_while_the_report_is_reused(make_app):
    app = make_app(CACHE_TYPE="SimpleCache", REPORT_CACHE_SECONDS=60)
    with app.app_context():
        data = programme.build()
        client = app.test_client()
        factories.sign_in(client, factories.make_user("staff"))
        page = client.get(f"/reports/?{YEAR}").get_data(as_text=True)
        assert '<dd class="number">7</dd>' in page
        # A new attendance after the page was shown...
        extra = factories.make_user("official")
        from lms.attendance.models import AttendanceRecord, SeminarSession

        first = db.session.scalar(sa.select(SeminarSession).order_by(SeminarSession.id))
        db.session.add(AttendanceRecord(session_id=first.id, user_id=extra.id,
                                        status="present"))
        db.session.commit()
        # ...does not make the download disagree with the page read a moment ago.
        summary = _csv(client.get(f"/reports/tables/summary.csv?{YEAR}"))
        assert {row[0]: row[1] for row in summary[1:]}["Officials trained"] == "7"
        assert data["people"]


def _gender_table(page: str) -> str:
    section = page[page.index('id="by-gender"'):page.index('id="by-level"')]
    return section[section.index("<table"):]


def test_long_breakdown_tables_are_shown_a_page_at_a_time(staff_client, monkeypatch):
    from lms.reports import dashboard

    monkeypatch.setattr(dashboard, "ROWS_PER_PAGE", 2)
    first = _gender_table(staff_client.get(f"/reports/?{YEAR}&level=").get_data(as_text=True))
    assert ">Female<" in first and ">Male<" in first and ">Not stated<" not in first
    assert "Rows 1–2 of 3" in first
    # The next page keeps the filters and returns to the table.
    assert ('href="/reports/?from=2017-01-01&amp;to=2017-12-31&amp;gender_page=2#by-gender"'
            ' rel="next"') in first
    second = _gender_table(staff_client.get(f"/reports/?{YEAR}&gender_page=2")
                           .get_data(as_text=True))
    assert ">Not stated<" in second and ">Female<" not in second
    assert "Rows 3–3 of 3" in second and 'rel="prev"' in second and 'rel="next"' not in second
    # A page past the end shows the last one; one that is not a number, the first.
    past = staff_client.get(f"/reports/?{YEAR}&gender_page=99").get_data(as_text=True)
    assert "Rows 3–3 of 3" in _gender_table(past)
    assert "Rows 1–2 of 3" in _gender_table(
        staff_client.get(f"/reports/?{YEAR}&gender_page=x").get_data(as_text=True))
    # The download carries every row.
    rows = _csv(staff_client.get(f"/reports/tables/gender.csv?{YEAR}"))
    assert [row[0] for row in rows[1:]] == ["Female", "Male", "Not stated"]


def test_the_cohort_filter_offers_the_cohorts_running_in_the_period(staff_client):
    c1, c2, c3 = staff_client.data["cohorts"]
    page = staff_client.get(f"/reports/?{YEAR}").get_data(as_text=True)
    assert f'<option value="{c1.id}">C1</option>' in page
    assert f'<option value="{c3.id}">' not in page  # December 2026
    chosen = staff_client.get(f"/reports/?{YEAR}&cohort={c3.id}").get_data(as_text=True)
    assert f'<option value="{c3.id}" selected>C3</option>' in chosen


def test_a_bad_filter_is_named_in_the_readers_language(staff_client):
    staff_client.post("/language", data={"language": "ru", "next": "/reports/"})
    page = staff_client.get("/reports/?from=yesterday&to=2017-01-01&gender=robot").get_data(
        as_text=True)
    assert "С: «yesterday» — недопустимое значение" in page
    assert "Пол: «robot» — недопустимое значение" in page
    assert "is not a valid value" not in page


def test_the_cohort_page_and_its_report_agree(staff_client):
    import html
    import re

    c1 = staff_client.data["cohorts"][0]
    page = staff_client.get(f"/cohorts/{c1.id}").get_data(as_text=True)
    attended = [int(n) for n, _held in re.findall(r'<td class="num">(\d+) / (\d+)</td>', page)]
    assert sorted(attended) == [1, 1, 1, 2]  # f1 both sessions; f2, m1 and n1 one each
    link = re.search(r'<a href="([^"]+)">Report on this cohort</a>', page).group(1)
    report = staff_client.get(html.unescape(link)).get_data(as_text=True)
    figures = dict(re.findall(r'<dt>([^<]+)</dt><dd class="number">([^<]+)</dd>', report))
    assert figures["Officials trained"] == str(sum(1 for n in attended if n)) == "4"
    assert figures["Participations"] == str(sum(attended)) == "5"
