"""The verifier's sheets of the data-collection workbook: Verification and Questions.

- **Verification**: one row per KPI and data point, as in the official U4SSC template: its value
  and status (looked up on the KPIs sheet by id, so sorting either sheet changes nothing), a
  *reported* flag computed from the inputs (``yes`` when the value has a number) that the
  verifier may override, the verification status (``yes``/``no``), a comment and a date, and
  how many questions on the value are logged and still open.
- **Questions**: the issues raised with the city, one per row: the KPI value (a drop-down of the
  ids), the question, who raised it and when, the city's answer, and whether it is closed.

The verifier's cells are unlocked like the statistician's (the sheets are protected without a
password); ``u4ssc score`` reads them back (:mod:`u4ssc.core.verification`) into every output
row, the manifest and the HTML report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from u4ssc.core import Status
from u4ssc.core.verification import (
    QUESTION_HEADERS,
    QUESTIONS_SHEET,
    VERIFICATION_HEADERS,
    VERIFICATION_SHEET,
)

from .layout import fit_columns, fit_rows, print_pages
from .template import (
    _HELPER,
    _INPUT,
    _KPI_HEADER_ROW,
    _SHORT,
    _TEXT,
    _WIDE_NUMBER,
    KPI,
    KPIS,
    LISTS,
    _Columns,
    _header,
    _number_format,
    _style,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from u4ssc.core import Engine

__all__ = ["QUESTION_ROWS", "VERIFY", "add_verification"]

#: How many question rows the Questions sheet offers (the sheet is protected: rows cannot be
#: inserted without lifting the protection).
QUESTION_ROWS = 100
#: How a date shows: 2025-03-14, whatever the spreadsheet's language.
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_ROW = 4
VERIFY = _Columns(
    (
        VERIFICATION_HEADERS["id"],
        "name",
        "value",
        "unit",
        "status",
        "reported (from the inputs)",
        VERIFICATION_HEADERS["override"],
        "reported",
        VERIFICATION_HEADERS["verified"],
        VERIFICATION_HEADERS["comment"],
        VERIFICATION_HEADERS["date"],
        "questions",
        "open questions",
        "KPIs row",
    )
)
QUESTION = _Columns(
    (
        "KPI",
        *(QUESTION_HEADERS[k] for k in ("question", "raised_by", "raised_on", "answer", "closed")),
    )
)


def add_verification(workbook: Workbook, engine: Engine) -> None:
    """Add the Verification and Questions sheets, before the hidden Lists sheet."""
    at = workbook.sheetnames.index(LISTS)
    last = _HEADER_ROW + len(engine.outputs)
    _write_verification(workbook.create_sheet(VERIFICATION_SHEET, at), engine, last)
    _write_questions(workbook.create_sheet(QUESTIONS_SHEET, at + 1), last)


def _kpis(header: str, count: int) -> str:
    """A column of the KPIs sheet's table of ``count`` rows, e.g. ``KPIs!$H$5:$H$116``: ranges
    as long as the tables, since whole columns make a spreadsheet recalculate slowly."""
    first, last = _KPI_HEADER_ROW + 1, _KPI_HEADER_ROW + count
    return f"{KPIS}!${KPI[header]}${first}:${KPI[header]}${last}"


def _questions(header: str) -> str:
    """A column of the Questions sheet's rows, e.g. ``Questions!$A$5:$A$104``."""
    first, last = _HEADER_ROW + 1, _HEADER_ROW + QUESTION_ROWS
    return f"{QUESTIONS_SHEET}!${QUESTION[header]}${first}:${QUESTION[header]}${last}"


def _write_verification(ws: Worksheet, engine: Engine, last: int) -> None:
    first = _HEADER_ROW + 1
    ws["A1"] = "Verification: the verifier's status of every KPI and data point"
    verified = f"{VERIFY['verified']}{first}:{VERIFY['verified']}{last}"
    ws["A2"] = (
        f'="Verified: "&COUNTIF({verified},"yes")&" of {len(engine.outputs)}; not verified: "'
        f'&COUNTIF({verified},"no")&"; open questions: "'
        f"&SUM({VERIFY['open questions']}{first}:{VERIFY['open questions']}{last})"
    )
    ws["A3"] = (
        "Yellow cells are the verifier's: verified (yes or no), a comment and the date. "
        "'reported' is yes when the value has a number (computed from the inputs or reported "
        "directly); type yes or no under 'reported (verifier)' to set it yourself. Log "
        "questions to the city on the Questions sheet. u4ssc score reads it all back."
    )
    _header(ws, _HEADER_ROW, VERIFY.headers)
    count = len(engine.outputs)
    for row, output in enumerate(engine.outputs, start=first):
        at = f"${VERIFY['KPIs row']}{row}"
        key = f"${VERIFY['id']}{row}"
        override = f"{VERIFY['reported (verifier)']}{row}"
        cells = {
            "id": output.id,
            "name": output.name,
            "unit": output.unit,
            "KPIs row": f"=MATCH({key},{_kpis('id', count)},0)",
            "value": f'=IFERROR(INDEX({_kpis("value", count)},{at}),"")',
            "status": f'=IFERROR(INDEX({_kpis("status", count)},{at}),"")',
            "reported (from the inputs)": (
                f"=IF(IFERROR(INDEX({_kpis('status code', count)},{at}),{Status.ERROR:d})"
                f'<={Status.REPORTED:d},"yes","no")'
            ),
            "reported": (
                f'=IF(TRIM({override})="",{VERIFY["reported (from the inputs)"]}{row},'
                f"LOWER(TRIM({override})))"
            ),
            "questions": f"=COUNTIF({_questions('KPI')},{key})",
            "open questions": (
                f'=COUNTIFS({_questions("KPI")},{key},{_questions("closed")},"<>yes")'
            ),
        }
        for header, value in cells.items():
            ws[f"{VERIFY[header]}{row}"] = value
    typed = [VERIFY[h] for h in VERIFY.headers if h in VERIFICATION_HEADERS.values()]
    _style(ws, [f"{c}{first}:{c}{last}" for c in typed if c != VERIFY["id"]], _INPUT)
    computed = ("value", "status", "reported (from the inputs)", "reported", "KPIs row")
    _style(ws, [f"{VERIFY[h]}{first}:{VERIFY[h]}{last}" for h in computed], _HELPER)
    _style(ws, [f"{VERIFY['name']}{first}:{VERIFY['name']}{last}"], _TEXT)
    _wrap(ws, [f"{VERIFY['verifier comment']}{first}:{VERIFY['verifier comment']}{last}"])
    _number_format(ws, f"{VERIFY['verified on']}{first}:{VERIFY['verified on']}{last}", DATE_FORMAT)
    _number_format(ws, f"{VERIFY['value']}{first}:{VERIFY['value']}{last}", "#,##0.00")
    for header in ("reported (verifier)", "verified"):
        _yes_no(ws, f"{VERIFY[header]}{first}:{VERIFY[header]}{last}")
    _date(ws, f"{VERIFY['verified on']}{first}:{VERIFY['verified on']}{last}")
    ws.freeze_panes = f"C{first}"
    yes_no = ["yes", "no"]
    shows = {
        VERIFY["value"]: [_WIDE_NUMBER, *_SHORT],
        VERIFY["status"]: [s.label for s in Status],
        VERIFY["reported (from the inputs)"]: yes_no,
        VERIFY["reported"]: yes_no,
        **{VERIFY[h]: ["999"] for h in ("questions", "open questions", "KPIs row")},
    }
    room = {VERIFY["reported (verifier)"]: 8, VERIFY["verified"]: 8, VERIFY["verified on"]: 11}
    wrap = {VERIFY["name"]: 40, VERIFY["verifier comment"]: 30}
    _lay_out(ws, f"A3:{VERIFY['open questions']}3", wrap, shows, room)


def _lay_out(
    ws: Worksheet,
    note: str,
    wrap: dict[str, float],
    shows: dict[str, list[str]] | None,
    room: dict[str, float] | None,
) -> None:
    """Widths and heights from the content, the sheet's note wrapped over the table's width,
    and the pages: landscape, fitted to the width, the header repeated (:mod:`.layout`)."""
    from openpyxl.styles import Alignment

    ws.merge_cells(note)
    ws[note.split(":")[0]].alignment = Alignment(wrap_text=True, vertical="top")
    fit_columns(ws, _HEADER_ROW, wrap, shows, room)
    fit_rows(ws, 1, ws.max_row)
    last = note.split(":")[1].rstrip("0123456789")
    print_pages(ws, f"{_HEADER_ROW}:{_HEADER_ROW}", f"A1:{last}{ws.max_row}")


def _write_questions(ws: Worksheet, last_id: int) -> None:
    first, last = _HEADER_ROW + 1, _HEADER_ROW + QUESTION_ROWS
    ws["A1"] = "Questions raised with the city"
    ws["A2"] = (
        "One question per row: pick the KPI or data point, type the question, who raised it "
        "and when; the city types its answer; type yes under 'closed' once it is settled. The "
        "Verification sheet counts the open questions of each value."
    )
    _header(ws, _HEADER_ROW, QUESTION.headers)
    ids = f"{VERIFICATION_SHEET}!${VERIFY['id']}${_HEADER_ROW + 1}:${VERIFY['id']}${last_id}"
    _style(ws, [f"A{first}:{QUESTION['closed']}{last}"], _INPUT)
    _wrap(ws, [f"{QUESTION[h]}{first}:{QUESTION[h]}{last}" for h in ("question", "answer")])
    _number_format(ws, f"{QUESTION['raised on']}{first}:{QUESTION['raised on']}{last}", DATE_FORMAT)
    _list(ws, f"{QUESTION['KPI']}{first}:{QUESTION['KPI']}{last}", ids, "Pick a KPI or data point.")
    _yes_no(ws, f"{QUESTION['closed']}{first}:{QUESTION['closed']}{last}")
    _date(ws, f"{QUESTION['raised on']}{first}:{QUESTION['raised on']}{last}")
    ws.freeze_panes = f"A{first}"
    wrap = {QUESTION["question"]: 40, QUESTION["answer"]: 40}
    room = {QUESTION["KPI"]: 24, QUESTION["raised by"]: 14, QUESTION["raised on"]: 11}
    _lay_out(ws, f"A2:{QUESTION['closed']}2", wrap, None, {**room, QUESTION["closed"]: 7})


def _wrap(ws: Worksheet, areas: list[str]) -> None:
    """Wrap the text of typed cells (their input style, unlocked, stays)."""
    from openpyxl.styles import Alignment

    wrapped = Alignment(wrap_text=True, vertical="top")
    for area in areas:
        for line in ws[area]:
            for cell in line:
                cell.alignment = wrapped


def _list(ws: Worksheet, area: str, choices: str, error: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    check = DataValidation(type="list", formula1=choices, sqref=area, error=error)
    check.showErrorMessage = True
    ws.add_data_validation(check)


def _yes_no(ws: Worksheet, area: str) -> None:
    _list(ws, area, '"yes,no"', "Pick yes or no, or leave the cell empty.")


def _date(ws: Worksheet, area: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    check = DataValidation(
        type="date",
        operator="greaterThanOrEqual",
        formula1="DATE(2000,1,1)",
        sqref=area,
        error="Type a date, such as 2025-03-14.",
    )
    check.showErrorMessage = True
    ws.add_data_validation(check)
