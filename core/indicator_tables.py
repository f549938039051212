"""Indicators without Python: a table (CSV or an Excel sheet) with one indicator per row.

A city data team writes its local indicators as rows::

    code,name,unit,dimension,direction,target,formula
    LOCAL: BB: 1,Internet at home,%,local,higher,90,households_with_internet / households * 100

Each formula is parsed by the whitelist parser of :mod:`.expressions` (never evaluated as Python)
and turned into an ordinary ``@indicator`` function whose parameters are the names the formula
reads, so the graph, ``explain`` and the engine treat it exactly like a Python indicator. The table
is registered as a plugin named after its file (``local.csv`` → plugin ``local``), with the
``u4ssc_indicators`` and ``u4ssc_targets`` hooks.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first indicator row 2.
Every problem is reported at once in one :class:`FormulaError`, each with its row and column.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, FormulaError, FormulaProblem
from .expressions import Formula, formula_function, parse_formula
from .hookspecs import hookimpl
from .model import (
    Direction,
    Tier,
    canonical_key,
    indicator,
    is_identifier,
    tier_of_code,
    unit_bounds,
)
from .targets import Target, target_problem
from .values import parse_cell

if TYPE_CHECKING:
    from .catalogue import Catalogue

__all__ = [
    "COLUMNS",
    "LOCAL_DIMENSION",
    "REQUIRED_COLUMNS",
    "IndicatorTable",
    "indicator_table",
    "read_indicator_table",
]

#: The columns of an indicator table and what each holds; only :data:`REQUIRED_COLUMNS` must be
#: present. Headers are matched without regard to case, spaces or underscores.
COLUMNS: dict[str, str] = {
    "code": "the KPI code, e.g. `LOCAL: HEALTH: 1`; unique across all plugins",
    "name": "the indicator's name",
    "formula": "the formula over data item names and indicator ids (see the grammar)",
    "direction": "`higher`, `lower`, `approach` or `none` (is better)",
    "id": "the name other formulas use for this indicator; default: the name in snake_case",
    "unit": "the unit of the value, e.g. `%` or `per 100 000 inhabitants`",
    "minimum": "the lowest valid value; default from the unit (0 for `%` and most units); "
    "`none`: no lower bound",
    "maximum": "the highest valid value; default from the unit (100 for `%`); `none`: no upper "
    "bound",
    "dimension": "`local` (default) or a dimension name; `Economy`, `Environment` and "
    "`Society and Culture` (or `EC`, `EN`, `SC`) are the U4SSC ones",
    "subdimension": "default: `Local` for local indicators, else the dimension",
    "category": "default: the subdimension",
    "tier": "`core` or `advanced`; default: the code's last letter (C or A), else `advanced`",
    "target": "the local target (a number, or yes/no); empty: not benchmarked",
    "target_source": "where the target comes from; default: the table and row",
    "definition": "what the indicator measures, shown by `u4ssc explain`",
    "sdg": "SDG targets, separated by commas",
    "replaces": "`yes` to replace the official formula of the same code on purpose",
}
REQUIRED_COLUMNS = ("code", "name", "formula", "direction")
#: The dimension a table row gets when its dimension cell is empty or says ``local``.
LOCAL_DIMENSION = "Local"

_DIMENSIONS = {
    "local": LOCAL_DIMENSION,
    "ec": "Economy",
    "economy": "Economy",
    "en": "Environment",
    "environment": "Environment",
    "sc": "Society and Culture",
    "societyandculture": "Society and Culture",
}
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"", "no", "n", "false", "0"}


def _column_key(header: object) -> str:
    return re.sub(r"[\s_]+", "_", str(header).strip().lower())


def _snake_case(text: str) -> str:
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return f"indicator_{name}" if name[:1].isdigit() else name


def _text(value: object) -> str:
    """A cell as text: empty for a blank or missing cell, integral floats without ``.0``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class _Row:
    """One good table row: where it is, and the indicator function it became."""

    row: int
    code: str
    id: str
    formula: Formula
    function: Callable[..., Any]
    replaces: bool


class IndicatorTable:
    """A checked indicator table, registered as a plugin (hooks u4ssc_indicators, u4ssc_targets).

    :ivar name: the plugin name (the file name without its suffix).
    :ivar source: the file name, as used in messages.
    """

    def __init__(
        self,
        name: str,
        source: str,
        rows: Sequence[_Row],
        targets: Sequence[Target],
        problems: Sequence[FormulaProblem] = (),
        broken_ids: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.source = source
        self.rows = list(rows)
        self.targets = list(targets)
        #: Problems found while reading, kept to be reported with the others by :meth:`check`.
        self.problems = list(problems)
        #: Ids of the broken rows: a formula naming one is not told the name is unknown.
        self.broken_ids = set(broken_ids)

    def __repr__(self) -> str:
        return f"IndicatorTable({self.source!r}, {len(self.rows)} indicators)"

    @hookimpl
    def u4ssc_indicators(self) -> list[Callable[..., Any]]:
        """The table's indicators, one decorated function per row."""
        return [row.function for row in self.rows]

    @hookimpl
    def u4ssc_targets(self) -> list[Target]:
        """The table's local targets."""
        return list(self.targets)

    def check(self, catalogue: Catalogue) -> None:
        """Check the table against every other plugin: names, codes, ids and replacements.

        :raises FormulaError: a formula names something no plugin declares (with close matches),
            names a multi-value KPI, or a row's code or id is taken by another plugin (or says
            ``replaces`` with nothing to replace); every problem with its row.
        """
        ours = {r.id for r in self.rows} | self.broken_ids
        clashes = _Clashes(self.name, catalogue)
        problems = [
            *self.problems,
            *(p for row in self.rows for p in self._row_problems(row, catalogue, ours, clashes)),
        ]
        if problems:
            raise FormulaError(sorted(problems, key=lambda p: p.row or 0))

    def _at(self, row: _Row, column: str, message: str, **extra: Any) -> FormulaProblem:
        return FormulaProblem(message, source=self.source, row=row.row, column=column, **extra)

    def _row_problems(
        self, row: _Row, catalogue: Catalogue, ours: set[str], clashes: _Clashes
    ) -> Iterable[FormulaProblem]:
        text = row.formula.text
        for name, offset in zip(row.formula.names, row.formula.offsets, strict=True):
            if name in ours or name in catalogue.items:
                continue
            found = catalogue.indicators.get(catalogue.resolve(name))
            if found is not None and found.points:
                message = (
                    f"{name!r} is a multi-value KPI ({found.code}): a formula can only use "
                    "single-value KPIs and data items"
                )
                yield self._at(row, "formula", message, formula=text, offset=offset, names=(name,))
            elif found is None:
                known = [*catalogue.items, *catalogue.indicators, *ours]
                close = tuple(difflib.get_close_matches(name, known, n=3, cutoff=0.6))
                hint = (
                    f"; did you mean {' or '.join(map(repr, close))}?"
                    if close
                    else "; `u4ssc inputs` lists the data items, `u4ssc indicators` the KPIs"
                )
                message = f"unknown name {name!r}: no data item or indicator has it{hint}"
                yield self._at(
                    row, "formula", message, formula=text, offset=offset, suggestions=close
                )
        yield from self._clashes(row, catalogue, clashes)

    def _clashes(
        self, row: _Row, catalogue: Catalogue, clashes: _Clashes
    ) -> Iterable[FormulaProblem]:
        """The catalogue's duplicates that involve this row, said in the table's own terms."""
        for name, other in clashes.involving(row):
            if name == row.id:
                what = "a data item" if name in catalogue.items else "an indicator"
                yield self._at(
                    row,
                    "id",
                    f"the id {row.id!r} is already {what} of plugin {other!r}: give this "
                    "row another id (the id column)",
                )
            else:
                yield self._at(
                    row,
                    "code",
                    f"the code {row.code!r} is already defined by plugin {other!r}: give "
                    "this row another code, or write yes in its replaces column to replace that "
                    "plugin's formula on purpose",
                )
        replaced = row.id in clashes.replaced
        if row.replaces and not replaced:
            yield self._at(
                row,
                "replaces",
                f"replaces is yes, but no other plugin defines the code {row.code!r}: fix the "
                "code, or leave replaces empty",
            )


class _Clashes:
    """The catalogue's duplicates and replacements that involve one table, indexed once.

    :ivar replaced: ids of the table's rows that replace another plugin's indicator.
    """

    def __init__(self, table: str, catalogue: Catalogue) -> None:
        #: name -> (position, name, the first other plugin), and the same by canonical key
        self._by_name: dict[str, list[tuple[int, str, str]]] = {}
        self._by_key: dict[str, list[tuple[int, str, str]]] = {}
        for position, problem in enumerate(catalogue.problems):
            others = [p for p in problem.plugins if p != table]
            if problem.kind == "duplicate" and table in problem.plugins and others:
                entry = (position, problem.names[0], others[0])
                self._by_name.setdefault(entry[1], []).append(entry)
                self._by_key.setdefault(canonical_key(entry[1]), []).append(entry)
        self.replaced = {r.id for r in catalogue.replacements if r.plugin == table}

    def involving(self, row: _Row) -> list[tuple[str, str]]:
        """``(duplicate name, other plugin)`` for the duplicates of the row's id or code."""
        found = {*self._by_name.get(row.id, ()), *self._by_key.get(canonical_key(row.code), ())}
        return [(name, other) for _, name, other in sorted(found)]


# -- reading ---------------------------------------------------------------------------------------


def read_indicator_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    name: str | None = None,
    defer: bool = False,
) -> IndicatorTable:
    """Read and check an indicator table from a CSV file or a sheet of an Excel workbook.

    :param path: a ``.csv`` or ``.xlsx`` file. ``book.xlsx#Sheet name`` picks a sheet.
    :param sheet: the sheet of a workbook (name or 0-based position); default: the first.
    :param name: the plugin name; default: the file name without its suffix.
    :param defer: keep the problems of broken rows for :meth:`IndicatorTable.check` to report
        with the names no plugin declares (what the engine does), instead of raising now.
    :raises DataError: the file is missing or is not readable as a table.
    :raises FormulaError: rows are broken (every problem, with its row and column).
    """
    path = Path(path)
    if not path.is_file() and "#" in path.name:
        file_name, _, sheet_name = path.name.partition("#")
        path, sheet = path.with_name(file_name), sheet_name
    if not path.is_file():
        raise DataError(f"indicator table {str(path)!r} does not exist")
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        header, records = _csv_records(path)
    else:
        from .readers import read_table

        frame = read_table(path, sheet=sheet)
        header = [str(c) for c in frame.columns]
        records = [dict(zip(header, row, strict=True)) for row in frame.itertuples(False)]
        _typed_formulas(path, sheet, header, records)
    return indicator_table(
        records, name=name or path.stem, source=path.name, columns=header, defer=defer
    )


def _typed_formulas(
    path: Path, sheet: str | int | None, header: list[str], records: list[dict[str, object]]
) -> None:
    """Put the text of formulas typed as Excel formulas (``=a / b * 1000``) in ``records``.

    Excel stores what follows ``=`` as a formula of its own, whose saved result is ``#NAME?``
    (or nothing, for a workbook no spreadsheet has calculated): the table's formula is that text.
    """
    from openpyxl import load_workbook

    from .readers import _open_info, _sheet, _xlsx_rows

    column = next((h for h in header if _column_key(h) == "formula"), None)
    if column is None or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    book = load_workbook(path, read_only=True, data_only=False)
    try:
        rows = _xlsx_rows(_open_info(path, None), _sheet(_open_info(path, None), book, sheet))
    finally:
        book.close()
    at = header.index(column)
    if len(rows) - 1 != len(records):
        return  # rows of nothing but uncalculated formulas: their texts cannot be placed
    for record, row in zip(records, rows[1:], strict=True):
        cell = row[at] if at < len(row) else None
        if isinstance(cell, str) and cell.startswith("="):
            record[column] = cell[1:]


def _csv_records(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    """The header and rows of a CSV table, every cell as text; ``,`` ``;`` or tab separated."""
    from .readers import decode_file

    text, _ = decode_file(path, None)
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = max(",;\t", key=first.count)
    rows = list(csv.reader(lines, delimiter=delimiter))
    if not rows:
        raise DataError(f"indicator table {path.name} is empty: it needs a header row")
    header, body = rows[0], rows[1:]
    problems = [
        FormulaProblem(
            f"the row has {len(cells)} cells but the header has {len(header)}: put a formula "
            f"that contains {delimiter!r} (as in min, max and where) in double quotes",
            source=path.name,
            row=number,
        )
        for number, cells in enumerate(body, start=2)
        if len(cells) > len(header)
    ]
    if problems:
        raise FormulaError(problems)
    return header, [dict(zip(header, cells, strict=False)) for cells in body]


def indicator_table(
    records: Sequence[Mapping[str, object]],
    *,
    name: str,
    source: str = "",
    columns: Iterable[object] = (),
    defer: bool = False,
) -> IndicatorTable:
    """Build an indicator table from rows given as mappings of column header to cell.

    The first record is row 2 (row 1 being the header), as in a spreadsheet.

    :param columns: the header row, if the records may not show every column (an empty table).
    :param defer: keep the problems of broken rows for :meth:`IndicatorTable.check`.
    :raises FormulaError: missing columns, or broken rows unless ``defer`` (every problem found).
    """
    source = source or name
    headers = {_column_key(h) for h in [*columns, *(h for record in records for h in record)]}
    _check_columns(headers, source)
    problems: list[FormulaProblem] = []
    rows: list[_Row] = []
    targets: list[Target] = []
    broken: list[str] = []
    for number, record in enumerate(records, start=2):
        cells = {_column_key(k): _text(v) for k, v in record.items()}
        if not any(cells.values()):
            continue  # blank rows are allowed anywhere
        reader = _RowReader(cells, number, source)
        built = reader.build()
        target = reader.target()
        problems += reader.problems
        if built is not None:
            rows.append(built)
        else:
            broken.append(reader.id)
        if target is not None:
            targets.append(target)
    problems += _duplicates(rows, source)
    problems += _circles(rows, source)
    if problems and not defer:
        raise FormulaError(sorted(problems, key=lambda p: p.row or 0))
    return IndicatorTable(name, source, rows, targets, problems, broken)


def _check_columns(headers: set[str], source: str) -> None:
    problems = []
    for missing in (c for c in REQUIRED_COLUMNS if c not in headers):
        problems.append(
            FormulaProblem(
                f"the column {missing!r} is missing "
                f"(found: {', '.join(sorted(headers)) or 'none'})",
                source=source,
                row=1,
                column=missing,
            )
        )
    for unknown in sorted(headers - COLUMNS.keys()):
        close = difflib.get_close_matches(unknown, list(COLUMNS), n=1, cutoff=0.75)
        if close:
            problems.append(
                FormulaProblem(
                    f"unknown column {unknown!r}; did you mean {close[0]!r}?",
                    source=source,
                    row=1,
                    column=unknown,
                    suggestions=tuple(close),
                )
            )
    if problems:
        raise FormulaError(problems)


class _RowReader:
    """Reads one row's cells into an indicator, collecting a problem per bad cell."""

    def __init__(self, cells: Mapping[str, str], row: int, source: str) -> None:
        self.cells = cells
        self.row = row
        self.source = source
        self.problems: list[FormulaProblem] = []
        #: The row's id, once read (also for a broken row).
        self.id = ""
        self._bounds: tuple[float | None, float | None] | None = None

    def problem(self, column: str, message: str, **extra: Any) -> None:
        self.problems.append(
            FormulaProblem(message, source=self.source, row=self.row, column=column, **extra)
        )

    def required(self, column: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            self.problem(column, f"the {column} is empty")
        return value

    def build(self) -> _Row | None:
        code, name = self.required("code"), self.required("name")
        formula = self.formula()
        direction = self.choice("direction", [d.value for d in Direction], required=True)
        tier = self.choice("tier", [t.value for t in Tier]) or tier_of_code(code) or Tier.ADVANCED
        replaces = self.flag("replaces")
        ind_id = self.id = self.identifier(name)
        bounds = self.bounds()
        if self.problems or formula is None or direction is None:
            return None
        dimension = _DIMENSIONS.get(canonical_key(self.cells.get("dimension", "")).lower())
        dimension = dimension or self.cells.get("dimension") or LOCAL_DIMENSION
        subdimension = self.cells.get("subdimension") or (
            LOCAL_DIMENSION if dimension == LOCAL_DIMENSION else dimension
        )
        origin = f"{self.source}, row {self.row}"
        formula = replace(formula, origin=origin)
        function = formula_function(ind_id, formula, self.cells.get("definition", ""))
        unit = self.cells.get("unit", "")
        decorated = indicator(
            code,
            name=name,
            unit=unit,
            dimension=dimension,
            subdimension=subdimension,
            category=self.cells.get("category") or subdimension,
            direction=direction,
            tier=tier,
            sdg=[s.strip() for s in re.split(r"[,;]", self.cells.get("sdg", "")) if s.strip()],
            replaces=replaces,
            bounds=bounds,
        )(function)
        return _Row(self.row, code, ind_id, formula, decorated, replaces)

    def bounds(self) -> tuple[float | None, float | None]:
        """The ``minimum`` and ``maximum`` cells, each the unit's bound when empty (read once)."""
        if self._bounds is None:
            self._bounds = self._read_bounds()
        return self._bounds

    def _read_bounds(self) -> tuple[float | None, float | None]:
        found: list[float | None] = list(unit_bounds(self.cells.get("unit", "")))
        for i, column in enumerate(("minimum", "maximum")):
            raw = self.cells.get(column, "")
            if not raw:
                continue
            if raw.lower() == "none":
                found[i] = None
                continue
            cell = parse_cell(raw)
            if cell.status != 0 or not math.isfinite(cell.value):
                self.problem(column, f"the {column} {raw!r} is not a number or none")
            else:
                found[i] = cell.value
        low, high = found
        if low is not None and high is not None and low > high:
            self.problem("maximum", f"the maximum {high:g} is below the minimum {low:g}")
        return low, high

    def formula(self) -> Formula | None:
        text = self.required("formula")
        if not text:
            return None
        try:
            return parse_formula(text)
        except FormulaError as error:
            for p in error.problems:
                self.problems.append(replace(p, source=self.source, row=self.row, column="formula"))
            return None

    def choice(self, column: str, allowed: Sequence[str], *, required: bool = False) -> str | None:
        value = self.cells.get(column, "").lower()
        if not value:
            if required:
                self.problem(column, f"the {column} is empty: write {' or '.join(allowed)}")
            return None
        if value not in allowed:
            self.problem(column, f"{column} {value!r} is not one of {', '.join(allowed)}")
            return None
        return value

    def flag(self, column: str) -> bool:
        value = self.cells.get(column, "").lower()
        if value not in _YES | _NO:
            self.problem(column, f"{column} {value!r} is not yes or no")
        return value in _YES

    def identifier(self, name: str) -> str:
        given = self.cells.get("id", "")
        ind_id = given or _snake_case(name)
        if ind_id and not is_identifier(ind_id):
            self.problem(
                "id",
                f"the id {ind_id!r} must be lower_snake_case (letters, digits, _), "
                f"e.g. {_snake_case(ind_id) or 'my_indicator'!r}",
            )
        return ind_id

    def target(self) -> Target | None:
        raw = self.cells.get("target", "")
        if not raw:
            return None
        cell = parse_cell(raw)
        code = self.cells.get("code", "")
        source = self.cells.get("target_source") or f"{self.source}, row {self.row}"
        if cell.status != 0 or not math.isfinite(cell.value):
            self.problem("target", f"the target {raw!r} is not a number, yes or no")
            return None
        direction = "yes/no" if raw.lower() in ("yes", "no") else ""
        unit = self.cells.get("unit", "")
        scored = direction or ("yes/no" if unit.lower() == "yes/no" else "")
        scored = scored or self.cells.get("direction", "").lower()
        low, high = self.bounds()
        lower, upper = -math.inf if low is None else low, math.inf if high is None else high
        problem = target_problem(cell.value, scored, lower, upper, unit)
        if problem is not None:
            self.problem(
                "target",
                f"{problem}: give a target its values can reach, or leave the cell empty "
                "(not benchmarked)",
            )
            return None
        return Target(code, cell.value, direction, "local", source)


def _duplicates(rows: Sequence[_Row], source: str) -> list[FormulaProblem]:
    problems = []
    for column, key in (("code", lambda r: canonical_key(r.code)), ("id", lambda r: r.id)):
        first: dict[str, _Row] = {}
        for row in rows:
            earlier = first.setdefault(key(row), row)
            if earlier is not row:
                value = getattr(row, column)
                problems.append(
                    FormulaProblem(
                        f"the {column} {value!r} is also used by row {earlier.row}: each row "
                        f"needs its own {column}",
                        source=source,
                        row=row.row,
                        column=column,
                    )
                )
    return problems


def _circles(rows: Sequence[_Row], source: str, most: int = 10) -> list[FormulaProblem]:
    """Rows whose formulas use each other in a circle, each circle printed in order."""
    import networkx as nx  # only for a table being read: scoring never needs it

    by_id = {row.id: row for row in rows}
    graph: nx.DiGraph = nx.DiGraph()
    for row in rows:
        graph.add_node(row.id)
        graph.add_edges_from((row.id, name) for name in row.formula.names if name in by_id)
    problems = []
    for cycle in islice(nx.simple_cycles(graph), most):
        start = min(cycle, key=lambda i: by_id[i].row)
        at = cycle.index(start)
        ordered = [*cycle[at:], *cycle[:at], start]
        path = " -> ".join(f"{i} (row {by_id[i].row})" for i in ordered)
        problems.append(
            FormulaProblem(
                f"circular reference: {path}: a formula cannot use its own result, directly or "
                "through other rows",
                source=source,
                row=by_id[start].row,
                column="formula",
                names=tuple(ordered),
            )
        )
    return problems
