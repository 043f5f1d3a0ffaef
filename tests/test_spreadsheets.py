"""Exports open in spreadsheets with the right types and never run a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from lms.spreadsheets import Sheet, csv_bytes, csv_lines, xlsx_bytes

EVIL = ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", EVIL)
def test_csv_text_that_would_run_as_a_formula_is_neutralised(value):
    text = csv_bytes(["name"], [[value]]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["name"]
    assert rows[1][0] == "'" + value


def test_csv_keeps_numbers_as_numbers_and_starts_with_a_bom():
    row = ["Алена Ўладзіміраўна", -12.5, dt.date(2017, 1, 27)]
    data = csv_bytes(["name", "gain", "date"], [row])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Алена Ўладзіміраўна", "-12.5", "2017-01-27"]


def test_csv_streams_one_line_at_a_time():
    lines = csv_lines(["n"], ([i] for i in range(3)))
    assert next(lines) == "\ufeffn\r\n"
    assert list(lines) == ["0\r\n", "1\r\n", "2\r\n"]


def test_xlsx_has_typed_cells_a_frozen_header_and_no_formulas():
    data = xlsx_bytes([Sheet("Officials trained", ["Name", "Sessions", "First session"],
                             [["=1+2", 3, dt.date(2017, 1, 27)], ["Мікола", 1, None]],
                             notes=["Period: 2017"])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Officials trained"
    assert sheet["A1"].value == "Period: 2017"
    assert [c.value for c in sheet[2]] == ["Name", "Sessions", "First session"]
    assert sheet.freeze_panes == "A3"
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=1+2"
    assert sheet["B3"].value == 3 and sheet["B3"].data_type == "n"
    assert sheet["C3"].value == dt.datetime(2017, 1, 27)
    assert sheet.column_dimensions["A"].width >= len("Name")
