"""CSV and XLSX files that spreadsheets open correctly and never run as formulas.

CSV is UTF-8 with a byte-order mark and semicolons, which Excel in a Russian or Belarusian
locale opens straight into columns with Cyrillic intact. XLSX cells keep their types
(numbers, dates), the header row is frozen and columns are sized to their content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# A text cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
NUMBER_TYPES = (int, float, Decimal)


def neutralise(value):
    """Text that a spreadsheet would run gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, NUMBER_TYPES):
        return str(value)
    return neutralise(str(value))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The file line by line, starting with the byte-order mark, for streaming responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([_csv_text(h) for h in header])
    yield "\ufeff" + take()
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        yield take()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    # Lines written above the table (a report's title, period, filters); not frozen.
    notes: list[str] = field(default_factory=list)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_WIDTH = 60


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table, typed cells, a frozen header and sized columns."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title))
        rows = [list(row) for row in spec.rows]
        widths = [len(str(h)) for h in spec.header]
        for row in rows[:500]:
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], len(_csv_text(value)))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)
        header_row = len(spec.notes) + 1
        sheet.freeze_panes = f"A{header_row + 1}"
        for note in spec.notes:
            sheet.append([_cell(sheet, WriteOnlyCell, note)])
        header = []
        for title in spec.header:
            cell = _cell(sheet, WriteOnlyCell, title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(sheet, WriteOnlyCell, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel limits titles to 31 characters and forbids a few.
    cleaned = "".join("-" if c in '[]:*?/\\' else c for c in title)
    return cleaned[:31] or "Sheet"


def _cell(sheet, cell_class, value):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # spreadsheets have no time zones
    cell = cell_class(sheet, value=value)
    if isinstance(value, str):
        # Stored as text, never as a formula, whatever it starts with.
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell
