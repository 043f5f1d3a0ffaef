"""The register's member rows: a name, a labelled radio group of statuses and a labelled note.

The register has a row per member with four radios each, so the rows are written here in one
pass with plain string formatting (Jinja takes several times longer cell by cell). Every value
put in goes through escape(); the markup is what templates/attendance/register.html had.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from lms.attendance.services import RegisterMark
from lms.cohorts.services import MemberRow

ROW = """
        <tr>
          <th scope="row">{name}{organisation}</th>
          <td>
            <fieldset class="status-choice">
              <legend class="visually-hidden">{legend}</legend>
              {radios}
            </fieldset>
          </td>
          <td><label class="visually-hidden" for="note-{id}">{note_label}</label><input type="text" id="note-{id}" name="note-{id}" maxlength="255" value="{note}"></td>
        </tr>"""  # noqa: E501
ORGANISATION = '<br><span class="help">{}</span>'
RADIO = ('<label class="status-option"><input type="radio" name="status-{id}" value="{value}" '
         '{checked}> {label}</label>')
BETWEEN_RADIOS = "\n              \n              "


def member_rows(members: list[MemberRow], records: dict[int, RegisterMark],
                statuses: dict[str, str], labels: dict[str, str]) -> Markup:
    """All members' rows; `labels` are the translated legend and note label patterns."""
    options = [(value, escape(value), escape(label)) for value, label in statuses.items()]
    rows = []
    for person in members:
        record = records.get(person.id)
        checked = record.status if record else None
        radios = BETWEEN_RADIOS.join(
            RADIO.format(id=person.id, value=html_value, label=html_label,
                         checked="checked" if value == checked else "")
            for value, html_value, html_label in options)
        organisation = ("" if person.organisation_name is None
                        else ORGANISATION.format(escape(person.organisation_name)))
        rows.append(ROW.format(
            id=person.id, name=escape(person.full_name), organisation=organisation,
            legend=escape(labels["attendance_of"] % {"name": person.full_name}),
            radios=radios,
            note_label=escape(labels["note_for"] % {"name": person.full_name}),
            note=escape(record.note if record else ""),
        ))
    # Safe: every value in the rows went through escape() above.
    return Markup("".join(rows))  # noqa: S704
