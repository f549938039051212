"""The data-collection workbook: U4SSC's template, computed with native spreadsheet formulas.

``u4ssc template OUT.xlsx`` (or :func:`write_template`) writes an ``.xlsx`` that works in any
spreadsheet, without Python:

- **Inputs**: the city, the reporting year, and one row per raw data item (id, description, unit,
  value, year, source, data-quality level, comment), then one optional row per KPI value for a
  final value reported directly. Helper columns on the right read each value the way
  :func:`u4ssc.core.values.parse_cell` does (number within bounds, empty or ``NR``, ``N/A: reason``,
  yes or no) into a number and a status.
- **KPIs**: every KPI and data point, computed by formulas traced from the indicator functions
  themselves (:mod:`u4ssc.excel_addin.trace`), with the engine's statuses (``NR`` when an input is
  missing), % of target, points and band.
- **Targets**: the engine's target set (or ``--targets``); the KPIs sheet scores against it.
- **Categories**, **Sub-dimensions**, **Dimensions**: the roll-ups, with coverage, and under the
  Dimensions table a bar chart of the category scores.

Every sheet is protected without a password: only the input cells take typing, and
``u4ssc score`` warns about any KPIs formula typed over (fingerprints on the hidden Lookup sheet).

Each input's id and each KPI's name carry a note with its definition (:mod:`.guidance`); widths,
heights, the one font and the printed pages are set by :mod:`.layout`.

``u4ssc score OUT.xlsx`` reads the Inputs sheet back (see :mod:`u4ssc.core.readers`), so the
workbook and the engine can be compared value by value; the test suite does so in LibreOffice.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from u4ssc.core import DataItem, Kind, Status
from u4ssc.core.catalogue import Output
from u4ssc.core.provenance import QUALITY_LEVELS
from u4ssc.core.readers import (
    WORKBOOK_CITY,
    WORKBOOK_FORMULAS,
    WORKBOOK_ID,
    WORKBOOK_LOOKUP,
    WORKBOOK_SHEET,
    WORKBOOK_VALUE,
    WORKBOOK_YEAR,
    formula_fingerprint,
)
from u4ssc.core.result import NO_BENCHMARK
from u4ssc.core.scoring import COVERAGE, OFFICIAL_DIMENSIONS, Bands, benchmark_of, direction_of
from u4ssc.core.targets import DIRECTIONS
from u4ssc.core.values import MISSING_TEXTS, NO_TEXTS, NOT_APPLICABLE_WORDS, YES_TEXTS
from u4ssc.core.verification import (
    QUESTION_HEADERS,
    QUESTIONS_SHEET,
    VERIFICATION_HEADERS,
    VERIFICATION_SHEET,
)

from .convert import STATUS_SHORT
from .guidance import formula_in_words, input_note, kpi_note, reported_note, users
from .layout import fit_columns, fit_rows, font, lines_of, print_pages, use_font
from .trace import UntranslatableFormula, number_text, trace_step

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from u4ssc.core import Engine, TargetSet
    from u4ssc.core.evaluate import Step

__all__ = ["DATA_QUALITY_LEVELS", "TemplateReport", "build_workbook", "write_template"]

#: The data-quality levels of the U4SSC template, from best to worst (the engine's own list, so
#: the drop-down offers exactly what the reader accepts).
DATA_QUALITY_LEVELS = QUALITY_LEVELS

KPIS, TARGETS, LISTS, LOOKUP = "KPIs", "Targets", "Lists", WORKBOOK_LOOKUP
ROLLUP_SHEETS = {
    "category": "Categories",
    "subdimension": "Sub-dimensions",
    "dimension": "Dimensions",
}

INPUT_HEADERS = (
    WORKBOOK_ID,
    "description",
    "unit",
    WORKBOOK_VALUE,
    "year",
    "source",
    "data quality",
    "comment",
    "kind",
    "minimum",
    "maximum",
    "number",
    "status code",
    "status",
)
KPI_HEADERS = (
    "id",
    "name",
    "dimension",
    "sub-dimension",
    "category",
    "tier",
    "unit",
    "value",
    "status",
    "target",
    "direction",
    "% of target",
    "points",
    "band",
    "status code",
    "coverage",
    "points scored",
    "formula value",
)
TARGET_HEADERS = (
    "id",
    "name",
    "unit",
    "target",
    "direction",
    "kind",
    "source",
    "note",
)
ROLLUP_HEADERS = (
    "dimension",
    "sub-dimension",
    "category",
    "points",
    "max points",
    "%",
    "band",
    *(c.replace("_", " ") for c in COVERAGE),
    "total",
    "coverage %",
)

_INPUT_HEADER_ROW, _KPI_HEADER_ROW, _TARGET_HEADER_ROW, _ROLLUP_HEADER_ROW = 5, 4, 4, 4
#: Short texts the value column shows for statuses without a number (status code 2 to 5).
_SHORT = tuple(STATUS_SHORT[Status(code)] for code in range(Status.NOT_REPORTED, Status.ERROR + 1))
#: How a share typed as a percentage shows: 97 % (stored as 0.97, read as 97).
PERCENT_FORMAT = "0.0#%"
_PROMPTS = {
    "plain": "A number in the unit shown; NR if not reported; N/A: reason if not applicable.",
    "count": "A whole number; NR if not reported; N/A: reason if not applicable.",
    "percent": "A percentage: type 97 % (or 97 in this %-formatted cell); NR if not reported; "
    "N/A: reason if not applicable.",
    "yes/no": "yes or no; NR if not reported; N/A: reason if not applicable.",
}
_BAND_COLOURS = ("F8696B", "FFD966", "B7E1A1", "63BE7B")  # 1 to 4 points
_INPUT_FILL, _HELPER_FONT, _HEADER_FILL = "FFF2CC", "808080", "D9E1F2"
_STATUS_FILLS = {
    Status.NOT_REPORTED.label: "EDEDED",
    Status.NOT_APPLICABLE.label: "DDEBF7",
    Status.INVALID.label: "F8CBAD",
    Status.ERROR.label: "F8CBAD",
}
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
#: Names of the cell styles.
_INPUT, _HELPER, _TEXT, _HEADER, _TITLE = (
    "u4ssc input",
    "u4ssc computed",
    "u4ssc text",
    "u4ssc header",
    "u4ssc title",
)


@dataclass
class TemplateReport:
    """What :func:`build_workbook` wrote.

    :ivar inputs: how many raw data items the Inputs sheet lists.
    :ivar outputs: how many KPI values (KPIs and data points) the KPIs sheet computes.
    :ivar untranslated: one message per KPI whose formula has no spreadsheet form; the workbook
        shows ``error`` for those and ``u4ssc score`` computes them.
    :ivar path: where :func:`write_template` saved the workbook.
    """

    inputs: int = 0
    outputs: int = 0
    untranslated: list[str] = field(default_factory=list)
    path: Path | None = None


class _Columns:
    """Column letters of a sheet's table, by header."""

    def __init__(self, headers: Sequence[str]) -> None:
        from openpyxl.utils import get_column_letter

        self.headers = tuple(headers)
        self.letter = {h: get_column_letter(i + 1) for i, h in enumerate(headers)}

    def __getitem__(self, header: str) -> str:
        return self.letter[header]

    def cell(self, header: str, row: int, sheet: str = "") -> str:
        """An absolute reference, e.g. ``Inputs!$M$7``."""
        prefix = f"{_quote(sheet)}!" if sheet else ""
        return f"{prefix}${self.letter[header]}${row}"


INPUT = _Columns(INPUT_HEADERS)
KPI = _Columns(KPI_HEADERS)
TARGET = _Columns(TARGET_HEADERS)
LOOKUP_COLUMNS = _Columns((WORKBOOK_ID, "row", "number", "status code"))
ROLLUP = _Columns(ROLLUP_HEADERS)


@dataclass
class _Layout:
    """Where everything goes: rows of items, reported values, KPI values and targets."""

    item_row: dict[str, int]
    reported_row: dict[str, int]
    lookup_row: dict[str, int]
    kpi_row: dict[str, int]
    target_row: dict[str, int]
    names: dict[str, str]
    section_row: int
    last_input_row: int

    @classmethod
    def of(cls, engine: Engine) -> _Layout:
        items = list(engine.catalogue.items)
        first = _INPUT_HEADER_ROW + 1
        item_row = {name: first + i for i, name in enumerate(items)}
        section = first + len(items)  # a title row between the items and the reported values
        ids = [o.id for o in engine.outputs]
        reported_row = {output_id: section + 1 + i for i, output_id in enumerate(ids)}
        kpi_row = {output_id: _KPI_HEADER_ROW + 1 + i for i, output_id in enumerate(ids)}
        target_row = {output_id: _TARGET_HEADER_ROW + 1 + i for i, output_id in enumerate(ids)}
        lookup_row = {key: 2 + i for i, key in enumerate([*items, *ids])}
        names = _defined_names(items)
        last = section + len(ids)
        return cls(item_row, reported_row, lookup_row, kpi_row, target_row, names, section, last)

    def found(self, key: str, header: str) -> str:
        """The Lookup sheet's cell holding the ``number`` or ``status code`` of the Inputs row
        whose id is ``key`` (a data item, or a KPI id for its reported final value)."""
        return LOOKUP_COLUMNS.cell(header, self.lookup_row[key], LOOKUP)


def write_template(
    path: str | os.PathLike[str],
    engine: Engine | None = None,
    targets: TargetSet | str | os.PathLike[str] | None = None,
) -> TemplateReport:
    """Write the data-collection workbook of ``engine`` (the default engine) to ``path``; two
    runs with the same engine and targets write byte-identical files.

    :param targets: the targets of the Targets sheet: a :class:`TargetSet`, or the path of a
        target CSV laid over the engine's (as ``u4ssc score --targets``); the engine's by default.
    """
    import io

    from u4ssc.core import default_engine
    from u4ssc.core.files import fixed_zip, write_output

    workbook, report = build_workbook(engine or default_engine(), targets)
    report.path = Path(path)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Fixed zip timestamps and document dates: the same engine writes the same bytes.
    write_output(report.path, fixed_zip(buffer.getvalue()))
    return report


def build_workbook(
    engine: Engine, targets: TargetSet | str | os.PathLike[str] | None = None
) -> tuple[Workbook, TemplateReport]:
    """Build the data-collection workbook of ``engine`` in memory (targets: see
    :func:`write_template`)."""
    from openpyxl import Workbook
    from openpyxl.workbook.properties import CalcProperties

    from .verification import add_verification  # it builds on this module's helpers

    target_set = engine.targets(targets)
    layout = _Layout.of(engine)
    workbook = Workbook()
    _register_styles(workbook)
    about = workbook.active
    assert about is not None
    about.title = "About"
    report = TemplateReport(len(layout.item_row), len(engine.outputs))
    _write_lists(workbook.create_sheet(LISTS))
    _write_lookup(workbook.create_sheet(LOOKUP), layout)
    _write_inputs(workbook.create_sheet(WORKBOOK_SHEET, 1), engine, layout)
    _write_kpis(workbook.create_sheet(KPIS, 2), engine, layout, report)
    _write_targets(workbook.create_sheet(TARGETS, 3), engine, layout, target_set)
    add_verification(workbook, engine)  # the verifier's sheets, placed before Lists
    for position, (level, title) in enumerate(ROLLUP_SHEETS.items(), start=4):
        _write_rollup(workbook.create_sheet(title, position), engine, layout, level)
    chart_end = _draw_categories(
        workbook[ROLLUP_SHEETS["dimension"]], workbook[ROLLUP_SHEETS["category"]]
    )
    _write_guidance(workbook[WORKBOOK_SHEET], workbook[KPIS], engine, layout)
    _write_about(about, engine, report, target_set)
    _fingerprint_formulas(workbook[LOOKUP], workbook[KPIS])
    _define_names(workbook, layout)
    _lay_out(workbook, engine, layout, chart_end)
    _protect(workbook)
    workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    return workbook, report


# -- names ---------------------------------------------------------------------------------------

_CELL_LIKE = re.compile(r"^([a-z]{1,3}\d+|r\d*c?\d*|c\d*|true|false)$")


def _defined_names(items: Iterable[str]) -> dict[str, str]:
    """A workbook name for each data item: the item's own, unless it reads like a cell."""
    return {item: f"u4ssc_{item}" if _CELL_LIKE.match(item) else item for item in items}


def _define_names(workbook: Workbook, layout: _Layout) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    for header, name in _LIST_NAMES.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=_list_range(header))
    for item, name in layout.names.items():
        ref = layout.found(item, "number")
        workbook.defined_names[name] = DefinedName(name, attr_text=ref)


def _quote(sheet: str) -> str:
    return sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) else f"'{sheet}'"


# -- the Inputs sheet ----------------------------------------------------------------------------


def _write_inputs(ws: Worksheet, engine: Engine, layout: _Layout) -> None:
    ws["A1"] = "U4SSC data collection: inputs"
    ws["A2"], ws["A3"] = WORKBOOK_CITY.capitalize(), WORKBOOK_YEAR.capitalize()
    ws["A4"] = (
        "Type each value in its unit. Leave it empty or type NR when it is not reported; type "
        "N/A: reason when it does not apply; yes/no items take yes or no. The grey columns are "
        "computed: they read each value the way u4ssc does."
    )
    _header(ws, _INPUT_HEADER_ROW, INPUT_HEADERS)
    kinds: dict[_Check, list[int]] = {}  # the rows of each value check
    for name, item in engine.catalogue.items.items():
        text = f"{item.title}: {item.description}"
        _input_row(ws, layout.item_row[name], item.name, text, item)
        kinds.setdefault(_check_kind(item), []).append(layout.item_row[name])
    ws.cell(
        layout.section_row,
        2,
        "Final values reported directly (optional): only when the inputs above "
        "cannot be given. A usable value here replaces the computed one.",
    )
    for output in engine.outputs:
        reported = engine.matcher.reported[output.id]
        text = f"Final value of {output.name}, reported directly"
        _input_row(ws, layout.reported_row[output.id], output.id, text, reported)
        kinds.setdefault(_check_kind(reported), []).append(layout.reported_row[output.id])
    _style_inputs(ws, layout, kinds)


def _runs(column: str, rows: Iterable[int]) -> str:
    """Rows of one column as few ranges as can be: ``D6:D9 D12 D15:D20``, first row first."""
    ordered, runs = sorted(rows), []
    start = end = ordered[0]
    for row in [*ordered[1:], None]:
        if row is not None and row == end + 1:
            end = row
            continue
        runs.append(f"{column}{start}" if start == end else f"{column}{start}:{column}{end}")
        if row is not None:
            start = end = row
    return " ".join(runs)


_Check = tuple[str, float, float]


def _check_kind(item: DataItem) -> _Check:
    """Which value check a cell gets: ``percent`` (a share, typed as a percentage), ``count``
    (whole numbers only), ``yes/no`` or ``plain``; with the item's bounds."""
    if item.kind == Kind.YES_NO:
        kind = "yes/no"
    elif item.unit.startswith("%"):
        kind = "percent"
    else:
        kind = "count" if item.kind == Kind.COUNT else "plain"
    return kind, item.lower, item.upper


def _input_row(ws: Worksheet, row: int, identifier: str, text: str, item: DataItem) -> None:
    values: dict[str, Any] = {
        WORKBOOK_ID: identifier,
        "description": text,
        "unit": item.unit,
        "kind": str(item.kind),
        "minimum": item.lower if item.lower > float("-inf") else None,
        "maximum": item.upper if item.upper < float("inf") else None,
        "number": f"={_input_number(row)}",
        "status code": f"={_input_status(row)}",
        "status": f"={_choose(_ref(INPUT, 'status code', row), _input_labels(), offset=1)}",
    }
    for header, value in values.items():
        ws[f"{INPUT[header]}{row}"] = value


def _ref(columns: _Columns, header: str, row: int) -> str:
    return f"{columns[header]}{row}"


def _text_of(cell: str) -> str:
    return f"LOWER(TRIM({cell}))"


def _any_of(text: str, options: Iterable[str]) -> str:
    return "OR(" + ",".join(f'{text}="{o}"' for o in sorted(options)) + ")"


def _not_applicable(text: str) -> str:
    """Whether the text opens with an N/A word, as the parser's pattern ``^(?:word)(?!\\w)``
    reads it: the word must not run on into a letter, digit or underscore."""
    tests = []
    for word in NOT_APPLICABLE_WORDS:
        n = len(word)
        starts = f'LEFT({text},{n})="{word}"'
        next_char = f'FIND(MID({text},{n + 1},1),"{_WORD_CHARS}")'
        tests.append(f'{text}="{word}",AND({starts},ISERROR({next_char}))')
    return "OR(" + ",".join(tests) + ")"


def _input_status(row: int) -> str:
    """The status code of one input cell: 0 usable, 2 not reported, 3 not applicable, 4 invalid.

    The same rules as :func:`u4ssc.core.values.parse_cell` and the item's bounds, for the cells
    a spreadsheet user types: numbers, yes/no, empty, NR, N/A: reason, errors.
    """
    value, kind = _ref(INPUT, WORKBOOK_VALUE, row), _ref(INPUT, "kind", row)
    low, high = _ref(INPUT, "minimum", row), _ref(INPUT, "maximum", row)
    text, number = _text_of(value), _scaled(value)
    yes_no = f'{kind}="{Kind.YES_NO}"'
    in_bounds = (
        f'AND(OR({low}="",{number}>={low}),OR({high}="",{number}<={high}),'
        f"OR(NOT({yes_no}),{value}=0,{value}=1))"
    )
    return (
        f"IF(ISERROR({value}),IF(ISNA({value}),{Status.NOT_REPORTED:d},{Status.INVALID:d}),"
        f"IF(ISLOGICAL({value}),IF({yes_no},0,{Status.INVALID:d}),"
        f"IF(ISNUMBER({value}),IF({in_bounds},0,{Status.INVALID:d}),"
        f"IF({_any_of(text, MISSING_TEXTS)},{Status.NOT_REPORTED:d},"
        f"IF({_not_applicable(text)},{Status.NOT_APPLICABLE:d},"
        f"IF(AND({yes_no},{_any_of(text, YES_TEXTS | NO_TEXTS)}),0,{Status.INVALID:d}))))))"
    )


def _input_number(row: int) -> str:
    """The usable number of one input cell, or empty text."""
    value, status = _ref(INPUT, WORKBOOK_VALUE, row), _ref(INPUT, "status code", row)
    return (
        f"IF({status}=0,IF(ISLOGICAL({value}),IF({value},1,0),IF(ISNUMBER({value}),{_scaled(value)},"
        f'IF({_any_of(_text_of(value), YES_TEXTS)},1,0))),"")'
    )


def _value_check(row: int, check: _Check) -> str:
    """A data-validation rule for a value cell (spreadsheets allow 255 characters), with the
    status column's rules: a number within the item's bounds (0 or 1 for yes/no, a whole one
    for a count, a percentage read as what it shows), or a text of u4ssc's cell parser looked
    up on the Lists sheet (workbook names ``u4ssc_nr`` and so on): not reported, yes or no for
    a yes/no item, an N/A word alone or followed by a reason (``N/A: no metro``, not ``N/Ax``).
    """
    kind, lower, upper = check
    value = _ref(INPUT, WORKBOOK_VALUE, row)
    # MATCH ignores case; the word-character list has both cases, for FIND.
    text, lowered = f"TRIM({value})", _text_of(value)
    number = f"{value}*100" if kind == "percent" else value
    tests = [f"{number}>={number_text(lower)}"] if lower > float("-inf") else []
    tests += [f"{number}<={number_text(upper)}"] if upper < float("inf") else []
    tests += [f"INT({value})={value}"] if kind == "count" else []
    if kind == "yes/no":
        tests = [f"{value}=0", f"{value}=1"]
        given = f"OR({','.join(tests)})"
        texts = f"ISNUMBER(MATCH({text},{_LIST_NAMES['yes or no']},0)),"
    else:
        given = f"AND({','.join(tests)})" if tests else "TRUE"
        texts = ""
    words, chars = _LIST_NAMES["not applicable"], _LIST_NAMES["word characters"]
    return (
        f'IF(ISNUMBER({value}),{given},OR({texts}{text}="",'
        f"ISNUMBER(MATCH({text},{_LIST_NAMES['not reported']},0)),"
        f"SUMPRODUCT((LEFT({lowered},LEN({words}))={words})*"
        f'ISERROR(FIND(MID({text}&"!",LEN({words})+1,1),{chars})))>0))'
    )


def _scaled(value: str) -> str:
    """The number a value cell means: 0.97 in a cell formatted as a percentage is 97 (what it
    shows, ``97 %``), as :func:`u4ssc.core.readers.percent_format` reads it."""
    return f'IF(LEFT(CELL("format",{value}),1)="P",{value}*100,{value})'


def _input_labels() -> list[str]:
    return ["ok", "", *(Status(code).label for code in range(Status.NOT_REPORTED, Status.ERROR))]


def _style_inputs(ws: Worksheet, layout: _Layout, kinds: Mapping[_Check, list[int]]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    first, last = _INPUT_HEADER_ROW + 1, layout.last_input_row
    _style(ws, ["B2:B3", f"{INPUT[WORKBOOK_VALUE]}{first}:{INPUT['comment']}{last}"], _INPUT)
    _style(ws, [f"{INPUT['kind']}{first}:{INPUT['status']}{last}"], _HELPER)
    column = INPUT[WORKBOOK_VALUE]
    for check, rows in kinds.items():
        for row in rows if check[0] == "percent" else ():
            ws[f"{column}{row}"].number_format = PERCENT_FORMAT
    checks = [
        DataValidation(
            type="custom",
            formula1=_value_check(min(rows), check),
            sqref=_runs(column, rows),
            errorTitle="Not a value u4ssc can read",
            error="Type a number within the minimum and maximum (a whole number for a count, "
            "yes or no for a yes/no item), leave the cell empty or type NR when not reported, "
            "or N/A: reason.",
            promptTitle="Value",
            prompt=_PROMPTS[check[0]],
        )
        for check, rows in kinds.items()
    ]
    checks += [
        DataValidation(
            type="whole",
            operator="between",
            formula1="1900",
            formula2="2100",
            sqref=f"B3 {INPUT['year']}{first}:{INPUT['year']}{last}",
            error="Type a four-digit year.",
        ),
        DataValidation(
            type="list",
            formula1=f"{LISTS}!$A$2:$A${1 + len(DATA_QUALITY_LEVELS)}",
            sqref=f"{INPUT['data quality']}{first}:{INPUT['data quality']}{last}",
            error="Pick one of the six U4SSC data-quality levels.",
        ),
    ]
    for check in checks:
        check.showErrorMessage = True
        check.showInputMessage = bool(check.prompt)
        ws.add_data_validation(check)
    status = f"{INPUT['status']}{first}:{INPUT['status']}{last}"
    _status_colours(ws, status, f"${INPUT['status']}{first}")
    _style(ws, [f"B{first}:B{last}"], _TEXT)
    ws.freeze_panes = f"B{first}"


# -- the KPIs sheet ------------------------------------------------------------------------------


def _write_kpis(ws: Worksheet, engine: Engine, layout: _Layout, report: TemplateReport) -> None:
    ws["A1"] = "U4SSC KPIs, computed from the Inputs sheet"
    ws["A2"], ws["B2"] = "City", f"={WORKBOOK_SHEET}!$B$2"
    ws["A3"], ws["B3"] = "Reporting year", f"={WORKBOOK_SHEET}!$B$3"
    _header(ws, _KPI_HEADER_ROW, KPI_HEADERS)
    outputs = {o.id: o for o in engine.outputs}
    for step in engine.plan.steps:
        formulas = _formulas(engine, step, layout, report)
        for j, (key, output_id) in enumerate(zip(step.keys, step.ids, strict=True)):
            deps = _dependency_codes(engine, step, j, layout)
            row = _kpi_row(ws, outputs[output_id], layout, formulas.get(key), deps)
            _score_cells(ws, row, engine.bands)
    _style_kpis(ws, layout, engine.bands)


def _formulas(
    engine: Engine, step: Step, layout: _Layout, report: TemplateReport
) -> dict[str | None, str]:
    """The traced formula of each output of one indicator (empty when it cannot be traced)."""
    try:
        return trace_step(
            engine,
            step,
            lambda name: layout.names[name],
            lambda output: KPI.cell("value", layout.kpi_row[output.id], KPIS),
        )
    except UntranslatableFormula as error:
        report.untranslated.append(str(error))
        return {}


def _dependency_codes(engine: Engine, step: Step, j: int, layout: _Layout) -> list[str]:
    """Status-code cells of what output ``j`` of ``step`` depends on."""
    cells = []
    for i in step.uses[j]:
        source = step.sources[i]
        if step.from_item[i]:
            cells.append(layout.found(source, "status code"))
        else:
            cells += [
                KPI.cell("status code", layout.kpi_row[o.id], KPIS)
                for o in engine.outputs
                if o.indicator.id == source
            ]
    return cells


def _kpi_row(
    ws: Worksheet, output: Output, layout: _Layout, formula: str | None, deps: list[str]
) -> int:
    """Write one KPI value's identity, formula, status and target; return its row."""
    row = layout.kpi_row[output.id]
    ind = output.indicator
    code, target = _ref(KPI, "status code", row), _ref(KPI, "target", row)
    formula_value, direction = _ref(KPI, "formula value", row), _ref(KPI, "direction", row)
    reported = layout.found(output.id, "status code")
    reported_number = layout.found(output.id, "number")
    # A number outside the KPI's bounds is invalid, as the engine makes it (u4ssc.core.bounds).
    lower, upper = output.bounds
    tests = [f"{formula_value}<{number_text(lower)}"] if lower > float("-inf") else []
    tests += [f"{formula_value}>{number_text(upper)}"] if upper < float("inf") else []
    usable = f"{Status.COMPUTED:d}"
    if tests:
        usable = f"IF(OR({','.join(tests)}),{Status.INVALID:d},{usable})"
    computed = f"IF(ISNUMBER({formula_value}),{usable},{Status.ERROR:d})"
    if deps:
        worst = f"MAX({','.join(deps)})"
        computed = f"IF({worst}>0,{worst},{computed})"
    target_cell = TARGET.cell("target", layout.target_row[output.id], TARGETS)
    cells: dict[str, Any] = {
        "id": output.id,
        "name": output.name,
        "dimension": ind.dimension,
        "sub-dimension": ind.subdimension,
        "category": ind.category,
        "tier": str(ind.tier),
        "unit": output.unit,
        # Blank, not #VALUE!, while an input is missing: the status tells why.
        "formula value": f'=IFERROR({formula},"")' if formula is not None else '=""',
        "status code": f"=IF({reported}={Status.COMPUTED:d},{Status.REPORTED:d},"
        f"IF({reported}>{Status.NOT_REPORTED:d},{reported},{computed}))",
        "value": f"=IF({code}={Status.REPORTED:d},{reported_number},"
        f"IF({code}={Status.COMPUTED:d},{formula_value},"
        f"{_choose(code, list(_SHORT), offset=-1)}))",
        "status": f"={_choose(code, [s.label for s in Status], offset=1)}",
        "target": f'=IF(ISNUMBER({target_cell}),{target_cell},"")',
        "direction": f"={TARGET.cell('direction', layout.target_row[output.id], TARGETS)}",
        "coverage": f"=IF({code}<={Status.REPORTED:d},IF(AND(ISNUMBER({target}),"
        f'{direction}<>"none"),"{COVERAGE[0]}","{COVERAGE[1]}"),'
        f"{_choose(code, [COVERAGE[2], COVERAGE[3], COVERAGE[4], COVERAGE[4]], offset=-1)})",
    }
    for header, content in cells.items():
        ws[_ref(KPI, header, row)] = content
    if formula is None:
        from openpyxl.comments import Comment

        ws[_ref(KPI, "value", row)].comment = Comment(
            "This KPI's formula has no spreadsheet form; u4ssc score computes it.", "u4ssc"
        )
    return row


def _choose(index: str, options: Sequence[str], offset: int = 0) -> str:
    """CHOOSE(index + offset, "a", "b", ...)."""
    shifted = index if offset == 0 else f"{index}{offset:+d}"
    return f"CHOOSE({shifted}," + ",".join(f'"{o}"' for o in options) + ")"


def _percent_of_target(value: str, target: str, direction: str, bands: Bands) -> str:
    """% of target by direction, as :func:`u4ssc.core.scoring.percent_of_target` computes it."""
    if bands.lower_rule == "ratio":
        lower = f"IF({value}<=0,100,{target}/{value}*100)"
    else:
        lower = f"200-{value}/{target}*100"
    rules = {
        "higher": f"{value}/{target}*100",
        "lower": lower,
        "approach": f"IF(MAX({value},{target})=0,100,"
        f"MIN({value},{target})/MAX({value},{target})*100)",
        "yes/no": f"IF({target}>=0.5,{value},1-{value})*100",
    }
    formula = '""'
    for name, rule in reversed(rules.items()):
        formula = f'IF({direction}="{name}",{rule},{formula})'
    return formula


def _points(pct: str, bands: Bands) -> str:
    """Points 1 to 4 of a percentage, as :meth:`u4ssc.core.scoring.Bands.points` counts them:
    the percentage rounded to 9 decimals, each band including its lower edge."""
    rounded = f"ROUND({pct},9)"
    formula = "1"
    for points, edge in enumerate(bands.edges, start=2):
        formula = f"IF({rounded}>={number_text(edge)},{points},{formula})"
    return formula


def _band(points: str, bands: Bands) -> str:
    return _choose(points, list(bands.labels))


def _score_cells(ws: Worksheet, row: int, bands: Bands) -> None:
    """% of target, points, band and the points counted in the roll-ups, of one KPI value."""
    code, value, target = (_ref(KPI, h, row) for h in ("status code", "value", "target"))
    direction, pct = _ref(KPI, "direction", row), _ref(KPI, "% of target", row)
    points, coverage = _ref(KPI, "points", row), _ref(KPI, "coverage", row)
    ws[pct] = (
        f"=IF(AND({code}<={Status.REPORTED:d},ISNUMBER({target})),"
        f'IFERROR({_percent_of_target(value, target, direction, bands)},""),"")'
    )
    ws[points] = f'=IF(ISNUMBER({pct}),{_points(pct, bands)},"")'
    ws[_ref(KPI, "band", row)] = (
        f"=IF(ISNUMBER({points}),{_band(points, bands)},"
        f'IF({coverage}="{COVERAGE[1]}","{NO_BENCHMARK}",""))'
    )
    ws[_ref(KPI, "points scored", row)] = f"=IF(ISNUMBER({points}),{points},0)"


def _style_kpis(ws: Worksheet, layout: _Layout, bands: Bands) -> None:
    first, last = _KPI_HEADER_ROW + 1, max(layout.kpi_row.values(), default=_KPI_HEADER_ROW)
    _style(ws, [f"{KPI['status code']}{first}:{KPI['formula value']}{last}"], _HELPER)
    _number_format(ws, f"{KPI['value']}{first}:{KPI['target']}{last}", "#,##0.00")
    _number_format(ws, f"{KPI['% of target']}{first}:{KPI['% of target']}{last}", "0.0")
    band = f"${KPI['band']}{first}"
    _band_colours(ws, f"{KPI['% of target']}{first}:{KPI['band']}{last}", band, bands)
    _status_colours(ws, f"{KPI['status']}{first}:{KPI['status']}{last}", f"${KPI['status']}{first}")
    ws.freeze_panes = f"C{first}"


# -- the Targets sheet ---------------------------------------------------------------------------


def _write_targets(ws: Worksheet, engine: Engine, layout: _Layout, target_set: TargetSet) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    ws["A1"] = "Targets the KPIs sheet scores against"
    ws["A2"] = (
        f"Target set {target_set.name} (fingerprint {target_set.fingerprint}). To score against "
        "your own targets, write the workbook with u4ssc template --targets FILE and score it with "
        "u4ssc score --targets FILE: the sheet is locked so that the two cannot drift apart."
    )
    _header(ws, _TARGET_HEADER_ROW, TARGET_HEADERS)
    for output in engine.outputs:
        row = layout.target_row[output.id]
        target = target_set.get(output.id)
        cells = {
            "id": output.id,
            "name": output.name,
            "unit": output.unit,
            "target": benchmark_of(target),
            "direction": direction_of(output, target),
            "kind": target.kind if target is not None else "",
            "source": target.source if target is not None else "",
            "note": target.note if target is not None else "",
        }
        for header, value in cells.items():
            ws[_ref(TARGET, header, row)] = value
    first, last = _TARGET_HEADER_ROW + 1, _TARGET_HEADER_ROW + len(engine.outputs)
    check = DataValidation(
        type="list",
        formula1=f"{LISTS}!$B$2:$B${1 + len(DIRECTIONS)}",
        sqref=f"{TARGET['direction']}{first}:{TARGET['direction']}{last}",
        error="Pick a direction: higher, lower, approach, yes/no or none.",
        showErrorMessage=True,
    )
    ws.add_data_validation(check)
    ws.freeze_panes = f"B{first}"


# -- roll-up sheets ------------------------------------------------------------------------------


def _write_rollup(ws: Worksheet, engine: Engine, layout: _Layout, level: str) -> None:
    keys = [group.key for group in engine.score_one({}).rollup(level)]
    ws["A1"] = f"Roll-up by {ROLLUP_SHEETS[level].lower()}: points of the scored KPI values"
    _header(ws, _ROLLUP_HEADER_ROW, ROLLUP_HEADERS)
    first, last = _KPI_HEADER_ROW + 1, max(layout.kpi_row.values(), default=_KPI_HEADER_ROW)
    span = {h: f"{KPIS}!${KPI[h]}${first}:${KPI[h]}${last}" for h in KPI_HEADERS}
    bands = engine.bands
    row = _ROLLUP_HEADER_ROW
    official = []
    for row, key in enumerate(keys, start=_ROLLUP_HEADER_ROW + 1):
        matches = [
            f"({span[h]}=${ROLLUP[h]}{row})"
            for h, part in zip(("dimension", "sub-dimension", "category"), key, strict=True)
            if part
        ]
        for h, part in zip(("dimension", "sub-dimension", "category"), key, strict=True):
            ws[_ref(ROLLUP, h, row)] = part or None
        group = "*".join(matches)
        counts = {
            c.replace("_", " "): f'=SUMPRODUCT({group}*({span["coverage"]}="{c}"))'
            for c in COVERAGE
        }
        counts["points"] = f"=SUMPRODUCT({group}*{span['points scored']})"
        counts["total"] = f"=SUMPRODUCT({group}*1)"
        _rollup_row(ws, row, counts, bands)
        if key[0] in OFFICIAL_DIMENSIONS:
            official.append(row)
    if level == "dimension" and official:
        row += 1
        ws[_ref(ROLLUP, "dimension", row)] = "all"
        sums = {
            h: "=" + "+".join(_ref(ROLLUP, h, r) for r in official)
            for h in ("points", "total", *(c.replace("_", " ") for c in COVERAGE))
        }
        _rollup_row(ws, row, sums, bands)
    start = _ROLLUP_HEADER_ROW + 1
    band = f"${ROLLUP['band']}{start}"
    _band_colours(ws, f"{ROLLUP['%']}{start}:{ROLLUP['band']}{row}", band, bands)
    _number_format(ws, f"{ROLLUP['%']}{start}:{ROLLUP['%']}{row}", "0.0")
    ws.freeze_panes = f"A{start}"


def _rollup_row(ws: Worksheet, row: int, counts: Mapping[str, str], bands: Bands) -> None:
    for header, formula in counts.items():
        ws[_ref(ROLLUP, header, row)] = formula
    points, scored = _ref(ROLLUP, "points", row), _ref(ROLLUP, COVERAGE[0], row)
    total, pct = _ref(ROLLUP, "total", row), _ref(ROLLUP, "%", row)
    ws[_ref(ROLLUP, "max points", row)] = f"=4*{scored}"
    ws[pct] = f'=IF({scored}>0,{points}/(4*{scored})*100,"")'
    ws[_ref(ROLLUP, "band", row)] = (
        f'=IF(ISNUMBER({pct}),{_band(_points(pct, bands), bands)},"not scored")'
    )
    ws[_ref(ROLLUP, "coverage %", row)] = f'=IF({total}>0,ROUND({scored}/{total}*100,2),"")'


# -- guidance in the cells -----------------------------------------------------------------------


def _write_guidance(inputs: Worksheet, kpis: Worksheet, engine: Engine, layout: _Layout) -> None:
    """A note on each input's id (definition, unit, the KPIs that use it) and on each KPI's
    name (definition, formula in words, inputs), from the engine's catalogue."""
    used_by = users(engine)
    for name, item in engine.catalogue.items.items():
        _note(
            inputs[f"{INPUT[WORKBOOK_ID]}{layout.item_row[name]}"], input_note(item, used_by[name])
        )
    for output in engine.outputs:
        cell = inputs[f"{INPUT[WORKBOOK_ID]}{layout.reported_row[output.id]}"]
        _note(cell, reported_note(output))
    for step in engine.plan.steps:
        words = formula_in_words(engine, step)
        for j, (key, output_id) in enumerate(zip(step.keys, step.ids, strict=True)):
            cell = kpis[f"{KPI['name']}{layout.kpi_row[output_id]}"]
            _note(cell, kpi_note(engine, step, j, words[key]))


def _note(cell: Any, text: str) -> None:
    """A cell note, sized to show all of its text."""
    from openpyxl.comments import Comment

    lines = sum(lines_of(paragraph, 64) for paragraph in text.split("\n"))
    cell.comment = Comment(text, "u4ssc", width=380, height=lines * 13 + 16)


# -- the picture ---------------------------------------------------------------------------------

#: The title of the chart of category scores.
CHART_TITLE = "Category scores: points as % of the maximum"


def _draw_categories(ws: Worksheet, categories: Worksheet) -> int:
    """Draw, under the Dimensions table, a bar chart of every category's % (the Categories
    sheet's roll-up cells), so a city sees its picture without Python; return the last row the
    chart covers."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.label import DataLabelList

    first, last = _ROLLUP_HEADER_ROW + 1, categories.max_row
    chart = BarChart()
    chart.type, chart.style, chart.legend, chart.gapWidth = "bar", 10, None, 40
    chart.title = CHART_TITLE
    column = list(ROLLUP.headers).index
    chart.add_data(
        Reference(categories, min_col=column("%") + 1, min_row=first, max_row=last),
        titles_from_data=False,
    )
    labels = Reference(categories, min_col=column("category") + 1, min_row=first, max_row=last)
    chart.series[0].cat = AxDataSource(strRef=StrRef(f=str(labels)))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max, chart.y_axis.majorUnit = 0, 100, 25
    chart.x_axis.scaling.orientation = "maxMin"  # the first category on top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.series[0].graphicalProperties.solidFill = _BAND_COLOURS[-1]
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False
    )
    chart.width, chart.height = 28, 0.5 * (last - first + 1) + 2
    top = ws.max_row + 2
    ws.add_chart(chart, f"A{top}")
    return top + math.ceil(chart.height / 0.45)  # rows of 12.75 points (0.45 cm)


# -- how the sheets look and print ---------------------------------------------------------------

#: Widths (in digits) at which the long texts of each sheet wrap.
_WRAP = {
    WORKBOOK_SHEET: {
        INPUT["description"]: 52, INPUT["unit"]: 14, INPUT["source"]: 20,
        INPUT["data quality"]: 18, INPUT["comment"]: 20,
    },
    KPIS: {KPI[h]: w for h, w in (("name", 40), ("dimension", 12), ("sub-dimension", 14),
                                   ("category", 14), ("unit", 14))},
    TARGETS: {TARGET["name"]: 40, TARGET["unit"]: 16, TARGET["source"]: 40, TARGET["note"]: 40},
    **{title: {ROLLUP[h]: 16 for h in ("dimension", "sub-dimension", "category")}
       for title in ROLLUP_SHEETS.values()},
}  # fmt: skip
#: A number as wide as the widest a value column shows (#,##0.00 up to a billion).
_WIDE_NUMBER = "999,999,999.99"
#: Room (in digits) for what a user types into the Inputs sheet.
_ROOM = {
    INPUT[WORKBOOK_VALUE]: 12,
    INPUT["year"]: 5,
    INPUT["source"]: 20,
    INPUT["data quality"]: 18,
    INPUT["comment"]: 20,
}


def _lay_out(workbook: Workbook, engine: Engine, layout: _Layout, chart_end: int) -> None:
    """Column widths and row heights from the content, and the pages of each sheet: landscape,
    fitted to the width, the header repeated, a new page for each dimension (and for the chart,
    which ends at row ``chart_end`` of the Dimensions sheet)."""
    from openpyxl.styles import Alignment

    outputs = engine.outputs
    statuses = [s.label for s in Status]
    shows = {
        WORKBOOK_SHEET: {
            INPUT["number"]: [_WIDE_NUMBER],
            INPUT["status"]: _input_labels(),
        },

        KPIS: {
            KPI["value"]: [_WIDE_NUMBER, *_SHORT],
            KPI["status"]: statuses,
            KPI["target"]: [_WIDE_NUMBER],
            KPI["direction"]: DIRECTIONS,
            KPI["% of target"]: ["100.0"],
            KPI["band"]: [*engine.bands.labels, NO_BENCHMARK],
            KPI["coverage"]: COVERAGE,
            KPI["formula value"]: [_WIDE_NUMBER],
        },
    }  # fmt: skip
    for title in ROLLUP_SHEETS.values():
        shows[title] = {
            ROLLUP["%"]: ["100.0"],
            ROLLUP["coverage %"]: ["100.0"],
            ROLLUP["band"]: [*engine.bands.labels, "not scored"],
        }
    header_rows = {
        WORKBOOK_SHEET: _INPUT_HEADER_ROW,
        KPIS: _KPI_HEADER_ROW,
        TARGETS: _TARGET_HEADER_ROW,
        **dict.fromkeys(ROLLUP_SHEETS.values(), _ROLLUP_HEADER_ROW),
    }
    notes = {WORKBOOK_SHEET: f"A4:{INPUT['comment']}4", TARGETS: f"A2:{TARGET['note']}2"}
    for title, header in header_rows.items():
        ws = workbook[title]
        _align(ws, header, _WRAP.get(title, {}))
        if title == KPIS:  # the points apart from the band beside them
            centred = Alignment(horizontal="center", vertical="top")
            for cell in ws[KPI["points"]][header:]:
                cell.alignment = centred
        if title in notes:  # the sheet's note, wrapped over the printed width
            ws.merge_cells(notes[title])
            ws[notes[title].split(":")[0]].alignment = Alignment(wrap_text=True, vertical="top")
        room = _ROOM if title == WORKBOOK_SHEET else None
        fit_columns(ws, header, _WRAP.get(title), shows.get(title), room)
        fit_rows(ws, 1, ws.max_row)
    kpi_ends = _section_ends([layout.kpi_row[o.id] for o in outputs], outputs)
    reported_ends = _section_ends([layout.reported_row[o.id] for o in outputs], outputs)
    target_ends = _section_ends([layout.target_row[o.id] for o in outputs], outputs)
    pages = {
        WORKBOOK_SHEET: (INPUT["comment"], [layout.section_row - 1, *reported_ends]),
        KPIS: (KPI["band"], kpi_ends),
        TARGETS: (TARGET["note"], target_ends),
    }
    for title, (last_column, breaks) in pages.items():
        ws = workbook[title]
        header = header_rows[title]
        print_pages(ws, f"{header}:{header}", f"A1:{last_column}{ws.max_row}", breaks)
    about = workbook["About"]
    fit_rows(about, 1, about.max_row)
    print_pages(about, None, f"A1:A{about.max_row}", high=1)
    for level, title in ROLLUP_SHEETS.items():
        ws = workbook[title]
        cells = ws.iter_rows(min_row=_ROLLUP_HEADER_ROW + 1, max_col=1, values_only=True)
        dimensions = list(
            itertools.takewhile(lambda value: value is not None, (c for (c,) in cells))
        )
        ends = [
            row
            for row, (here, after) in enumerate(
                itertools.pairwise(dimensions), start=_ROLLUP_HEADER_ROW + 1
            )
            if here != after and level != "dimension"
        ]
        last = f"{ROLLUP['coverage %']}{ws.max_row}"
        if level == "dimension":  # the table on one page, the chart on the next
            area = f"A1:{ROLLUP['coverage %']}{chart_end}"
            print_pages(ws, None, area, [_ROLLUP_HEADER_ROW + len(dimensions)])
            ws.print_options.gridLines = False
        else:
            print_pages(ws, f"{_ROLLUP_HEADER_ROW}:{_ROLLUP_HEADER_ROW}", f"A1:{last}", ends)


def _align(ws: Worksheet, header: int, wrapped: Iterable[str]) -> None:
    """Top-align the table below its header, the ``wrapped`` columns wrapping their texts (the
    empty cells of the others are top-aligned by their style)."""
    from openpyxl.styles import Alignment

    top, wrap = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=header + 1):
        for cell in row:
            if cell.column_letter in wrapped:
                cell.alignment = wrap
            elif cell.value is not None:
                cell.alignment = top


def _section_ends(rows: Sequence[int], outputs: Sequence[Output]) -> list[int]:
    """The rows after which a new dimension starts, of rows listed in the order of ``outputs``."""
    return [
        row
        for row, output, following in zip(rows, outputs, outputs[1:], strict=False)
        if output.indicator.dimension != following.indicator.dimension
    ]


# -- About and Lists -----------------------------------------------------------------------------


#: The About sheet's instructions: how to fill, save and score the workbook.
ABOUT_STEPS = {
    "How to fill it": [
        "On the Inputs sheet, type the city (B2) and the reporting year (B3), then each value in "
        "the value column, in the unit shown, with its year, source, data quality and comment.",
        "Point at an id (the cell with a red corner) to read the input's definition, unit and the "
        "KPIs that use it; point at a KPI's name on the KPIs sheet for its definition and its "
        "formula in words.",
        "Leave a value empty or type NR when it is not reported, N/A: reason when it does not "
        "apply, yes or no for a yes/no item; type a share as 97 % (or 97 in its %-formatted cell).",
        "Only when the inputs of a KPI cannot be given, type its final value in the section "
        "'Final values reported directly' at the end of the Inputs sheet.",
        "The other sheets compute everything: they are protected (no password: Review > Unprotect "
        "Sheet) so that no formula is typed over; u4ssc score reports any that was.",
    ],
    "How to save it": [
        "Save it as an Excel workbook (.xlsx), under a name of your own such as "
        "city-2024.xlsx; keep the sheet names and the id column. Sorting or filtering the Inputs "
        "rows is safe. CSV keeps only one sheet: do not save it as CSV.",
    ],
    "How to score it": [
        "u4ssc score city-2024.xlsx -o scores.csv reads the Inputs sheet and gives the same "
        "values as the KPIs sheet, each with its status and reason.",
        "u4ssc report city-2024.xlsx -o report.html draws the wheel and the city's report; the "
        "Dimensions sheet shows the category scores as a chart without Python.",
    ],
    "How to verify it": [
        f"On the {VERIFICATION_SHEET} sheet (one row per KPI value), the verifier types into the "
        f"yellow cells: '{VERIFICATION_HEADERS['verified']}' (yes or no), a "
        f"'{VERIFICATION_HEADERS['comment']}' and the date '{VERIFICATION_HEADERS['date']}'; "
        f"'{VERIFICATION_HEADERS['override']}' (yes or no) overrides whether the value counts "
        "as reported.",
        f"On the {QUESTIONS_SHEET} sheet, log each question raised with the city, one per row: "
        f"the KPI, the '{QUESTION_HEADERS['question']}', '{QUESTION_HEADERS['raised_by']}' and "
        f"'{QUESTION_HEADERS['raised_on']}', the city's '{QUESTION_HEADERS['answer']}', and "
        f"'{QUESTION_HEADERS['closed']}' (yes once settled); the {VERIFICATION_SHEET} sheet "
        "counts each value's questions and the open ones.",
        "u4ssc score reads both sheets back: each output row says whether the value is reported "
        "and verified, with the comment, the date and its questions.",
    ],
}


def _write_about(
    ws: Worksheet, engine: Engine, report: TemplateReport, target_set: TargetSet
) -> None:
    bands = engine.bands
    manifest = engine.manifest()
    ws["A1"] = (
        "U4SSC data-collection workbook (ITU-T Y.4903), written by u4ssc "
        f"{manifest['u4ssc_version']}"
    )
    ws["A1"].style = _TITLE
    row = 2
    for heading, steps in ABOUT_STEPS.items():
        row += 1
        ws.cell(row, 1, heading).style = _HEADER
        for number, step in enumerate(steps, start=1):
            row += 1
            ws.cell(row, 1, f"{number}. {step}").style = _TEXT
    row = _write_legend(ws, row + 2, bands)
    facts = [
        f"Band edges (% of target): {', '.join(f'{e:g}' for e in bands.edges)}; "
        f"lower-is-better rule: {bands.lower_rule}.",
        f"Target set: {target_set.name} ({target_set.fingerprint}).",
        "Plugins: " + ", ".join(f"{p['name']} {p['version']}" for p in manifest["plugins"]),
        f"Inputs: {report.inputs}; KPI values: {report.outputs}.",
    ]
    for at, fact in enumerate(facts, start=row + 2):
        ws.cell(at, 1, fact).style = _TEXT
    ws.column_dimensions["A"].width = 110


def legend(bands: Bands) -> list[tuple[str, str, str]]:
    """The About sheet's colours: (fill colour, font colour, meaning), as the sheets use them."""
    band_rows = [
        (colour, "000000", f"band {label}: {points} point{'s' if points > 1 else ''}")
        for points, (label, colour) in enumerate(zip(bands.labels, _BAND_COLOURS, strict=True), 1)
    ]
    return [
        (_INPUT_FILL, "000000", "a cell you type into"),
        ("FFFFFF", _HELPER_FONT, "grey text: computed, do not type"),
        (_HEADER_FILL, "000000", "a table's header"),
        *((colour, "000000", f"status {label}") for label, colour in _STATUS_FILLS.items()),
        *band_rows,
    ]


def _write_legend(ws: Worksheet, row: int, bands: Bands) -> int:
    """The legend of colours from ``row`` on; return its last row."""
    from openpyxl.styles import PatternFill

    ws.cell(row, 1, "Colours").style = _HEADER
    entries = legend(bands)
    for at, (fill, colour, meaning) in enumerate(entries, start=row + 1):
        cell = ws.cell(at, 1, meaning)
        cell.font = font(color=colour)
        cell.fill = PatternFill("solid", fgColor=fill)
    return row + len(entries)


def _write_lookup(ws: Worksheet, layout: _Layout) -> None:
    """Where each id's row is on the Inputs sheet now, found by its id (MATCH), with its number
    and status code: the KPIs read their inputs here, so sorting, filtering or inserting rows
    of the Inputs sheet changes nothing. An id whose row was deleted reads as not reported."""
    col = LOOKUP_COLUMNS
    for column, header in enumerate(col.headers, start=1):
        ws.cell(1, column, header)
    ids = f"{WORKBOOK_SHEET}!${INPUT[WORKBOOK_ID]}:${INPUT[WORKBOOK_ID]}"
    for key, row in layout.lookup_row.items():
        at = _ref(col, "row", row)
        ws[_ref(col, WORKBOOK_ID, row)] = key
        ws[at] = f'=IFERROR(MATCH({_ref(col, WORKBOOK_ID, row)},{ids},0),"")'
        for header, missing in (("number", '""'), ("status code", f"{Status.NOT_REPORTED:d}")):
            column = f"{WORKBOOK_SHEET}!${INPUT[header]}:${INPUT[header]}"
            ws[_ref(col, header, row)] = f"=IFERROR(INDEX({column},{at}),{missing})"
    ws.sheet_state = "hidden"


def _fingerprint_formulas(lookup: Worksheet, kpis: Worksheet) -> None:
    """List every formula of the KPIs sheet with its fingerprint: ``u4ssc score`` reports any
    that was typed over (:func:`u4ssc.core.readers.formula_fingerprint`)."""
    column = len(LOOKUP_COLUMNS.headers) + 2
    for offset, header in enumerate(WORKBOOK_FORMULAS):
        lookup.cell(1, column + offset, header)
    row = 1
    for line in kpis.iter_rows(min_row=_KPI_HEADER_ROW + 1):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                row += 1
                lookup.cell(row, column, f"{KPIS}!{cell.coordinate}")
                lookup.cell(row, column + 1, formula_fingerprint(cell.value))


def _protect(workbook: Workbook) -> None:
    """Protect every sheet, without a password: only the cells styled as inputs (the city, year,
    values, years, sources, data quality and comments) take typing; formulas, targets and the
    structure are locked. Sorting, filtering and resizing stay allowed (Review > Unprotect
    Sheet lifts it; no password is asked)."""
    for ws in workbook.worksheets:
        protection = ws.protection
        protection.sheet = True
        protection.sort = protection.autoFilter = False
        protection.formatColumns = protection.formatRows = False


def _write_lists(ws: Worksheet) -> None:
    """The drop-downs' choices, and the engine's cell texts the value checks look up."""
    for column, (header, entries) in enumerate(_LISTS.items(), start=1):
        ws.cell(1, column, header)
        for row, entry in enumerate(entries, start=2):
            ws.cell(row, column, entry)
    ws.sheet_state = "hidden"


#: The hidden Lists sheet's columns: drop-downs, then the texts of u4ssc's cell parser
#: (:mod:`u4ssc.core.values`) that the value checks look up, so both read the same texts.
_LISTS: dict[str, Sequence[str]] = {
    "data quality": DATA_QUALITY_LEVELS,
    "direction": DIRECTIONS,
    "not reported": sorted(MISSING_TEXTS - {""}),
    "yes or no": sorted(YES_TEXTS | NO_TEXTS),
    "not applicable": NOT_APPLICABLE_WORDS,
    "word characters": (_WORD_CHARS + _WORD_CHARS.upper(),),
}


#: Workbook names of the parser's texts on the Lists sheet, short for the 255-character checks.
_LIST_NAMES = {
    "not reported": "u4ssc_nr",
    "yes or no": "u4ssc_yn",
    "not applicable": "u4ssc_na",
    "word characters": "u4ssc_w",
}


def _list_range(header: str) -> str:
    """The absolute range of one Lists column's entries, e.g. ``Lists!$C$2:$C$8``."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(list(_LISTS).index(header) + 1)
    return f"{LISTS}!${letter}$2:${letter}${1 + len(_LISTS[header])}"


# -- styling helpers -----------------------------------------------------------------------------


def _register_styles(workbook: Workbook) -> None:
    """The cell styles, registered once: assigning a style by name is cheap, building one per
    cell is not."""
    from openpyxl.styles import Alignment, NamedStyle, PatternFill, Protection

    use_font(workbook)
    top = Alignment(wrap_text=True, vertical="top")
    for style in (
        NamedStyle(
            _INPUT,
            font=font(),
            fill=PatternFill("solid", fgColor=_INPUT_FILL),
            protection=Protection(locked=False),
            alignment=Alignment(vertical="top"),
        ),
        NamedStyle(_HELPER, font=font(color=_HELPER_FONT), alignment=Alignment(vertical="top")),
        NamedStyle(_TEXT, font=font(), alignment=top),
        NamedStyle(
            _HEADER,
            font=font(bold=True),
            fill=PatternFill("solid", fgColor=_HEADER_FILL),
            alignment=top,
        ),
        NamedStyle(_TITLE, font=font(bold=True, size=14)),
    ):
        workbook.add_named_style(style)


def _header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, start=1):
        ws.cell(row, column, text).style = _HEADER
    ws["A1"].style = _TITLE


def _cells(ws: Worksheet, ranges: Iterable[str]) -> Iterable[Any]:
    for area in ranges:
        for line in ws[area]:
            yield from line if isinstance(line, tuple) else (line,)


def _style(ws: Worksheet, ranges: Iterable[str], name: str) -> None:
    for cell in _cells(ws, ranges):
        cell.style = name


def _number_format(ws: Worksheet, area: str, fmt: str) -> None:
    for cell in _cells(ws, [area]):
        cell.number_format = fmt


def _band_colours(ws: Worksheet, area: str, band_cell: str, bands: Bands) -> None:
    """Colour a row's cells by its band (red to green)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    for label, colour in zip(bands.labels, _BAND_COLOURS, strict=True):
        fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        ws.conditional_formatting.add(
            area, FormulaRule(formula=[f'{band_cell}="{label}"'], fill=fill)
        )


def _status_colours(ws: Worksheet, area: str, status_cell: str) -> None:
    """Grey for not reported, blue for not applicable, red for invalid and error."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    for label, colour in _STATUS_FILLS.items():
        fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        rule = FormulaRule(formula=[f'{status_cell}="{label}"'], fill=fill)
        ws.conditional_formatting.add(area, rule)
