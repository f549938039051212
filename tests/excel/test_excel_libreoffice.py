"""The data-collection workbook computed by a real spreadsheet: generated workbooks are filled,
recalculated by LibreOffice headless, and every value, status, % of target, points, band and
roll-up is compared with what ``u4ssc score`` gives for the same filled workbook.

LibreOffice comes from Debian's ``libreoffice-calc-nogui`` package (``.ci/run`` installs it); the
test is skipped, saying so, where ``soffice`` is absent. One ``soffice`` run recalculates every
workbook, so the module costs a few seconds.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from excel_cases import EXAMPLES, NO_SOFFICE, SOFFICE, city, convert, type_inputs

from u4ssc.cli import cli
from u4ssc.core import Engine, Status, default_engine
from u4ssc.core.scoring import PCT_DECIMALS
from u4ssc.excel_addin.convert import STATUS_SHORT
from u4ssc.excel_addin.template import ROLLUP_SHEETS, build_workbook

openpyxl = pytest.importorskip("openpyxl")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
SHORT = {status.label: text for status, text in STATUS_SHORT.items()}


@dataclass
class Case:
    """One filled workbook: the engine it was generated from, and the untranslated KPIs."""

    engine: Engine
    filled: Path
    untranslated: set[str]
    recalculated: Path | None = None
    _found: dict[str, Any] = field(default_factory=dict)

    @property
    def workbook(self) -> Any:
        """The workbook as LibreOffice recalculated it (cached values)."""
        if "workbook" not in self._found:
            self._found["workbook"] = openpyxl.load_workbook(self.recalculated, data_only=True)
        return self._found["workbook"]

    @property
    def scored(self) -> list[dict[str, Any]]:
        """The rows ``u4ssc score FILLED.xlsx --format json`` prints (for the official engine;
        the same call through the case's own engine otherwise)."""
        if "scored" not in self._found:
            if self.engine is default_engine():
                found = CliRunner().invoke(cli, ["score", str(self.filled), "--format", "json"])
                assert found.exit_code == 0, found.output
                self._found["scored"] = json.loads(found.stdout)["rows"]
            else:
                self._found["scored"] = list(self.result.records())
        return self._found["scored"]

    @property
    def result(self) -> Any:
        """The engine's result for the filled workbook."""
        if "result" not in self._found:
            self._found["result"] = self.engine.score(self.filled)
        return self._found["result"]


def _fill(engine: Engine, path: Path, city: str, year: int, values: dict[str, Any]) -> Case:
    """Generate the workbook of ``engine`` and type ``values`` into its Inputs sheet."""
    workbook, report = build_workbook(engine)
    type_inputs(workbook, city, year, values)
    workbook.save(path)
    untranslated = {message.split(" (")[0] for message in report.untranslated}
    return Case(engine, path, untranslated)


def _reorder(case: Case, path: Path, order: Callable[[list[int], Any], list[int]]) -> Case:
    """The filled workbook of ``case`` with the rows of its Inputs table reordered as a
    spreadsheet sort moves them: each row's formulas follow it, their references shifted."""
    from openpyxl.formula.translate import Translator

    workbook = openpyxl.load_workbook(case.filled)
    sheet = workbook["Inputs"]
    rows = list(range(6, sheet.max_row + 1))
    cells = {r: [(c.coordinate, c.value) for c in sheet[r]] for r in rows}
    for new, old in zip(rows, order(rows, sheet), strict=True):
        for column, (origin, value) in enumerate(cells[old], start=1):
            if isinstance(value, str) and value.startswith("="):
                target = sheet.cell(new, column).coordinate
                value = Translator(value, origin=origin).translate_formula(target)
            sheet.cell(new, column).value = value
    workbook.save(path)
    return Case(case.engine, path, case.untranslated)


def _typed_over(case: Case, path: Path) -> Case:
    """The filled workbook of ``case`` with a number and ``NR`` typed over two KPI formulas."""
    workbook = openpyxl.load_workbook(case.filled)
    kpis = workbook["KPIs"]
    rows = {kpis.cell(r, 1).value: r for r in range(5, kpis.max_row + 1)}
    kpis[f"H{rows['EC: ICT: ICT: 1C']}"] = 45
    kpis[f"H{rows['EN: EN: WS: 2C']}"] = "NR"
    workbook.save(path)
    return Case(case.engine, path, case.untranslated)


def _percentages(case: Case, path: Path) -> Case:
    """Final values typed as Excel stores them: "97 %" in a %-formatted cell is 0.97; 45 in a
    cell whose format a paste replaced (General) is 45."""
    workbook = openpyxl.load_workbook(case.filled)
    sheet = workbook["Inputs"]
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    assert sheet[f"D{rows['EC: ICT: ICT: 1C']}"].number_format.endswith("%")
    sheet[f"D{rows['EC: ICT: ICT: 1C']}"] = 0.97
    plain = sheet[f"D{rows['EC: ICT: ICT: 2C']}"]
    plain.value, plain.number_format = 45, "General"
    workbook.save(path)
    return Case(case.engine, path, case.untranslated)


#: The same typed cells for the workbook and the engine, per kind of item. Numbers typed as text
#: ("71,6") are invalid to both: the workbook's formulas count numbers only (docs/excel.md).
_TEXTS = ["71,6", "1 234", "97,5 %", "12", "NR", "nr", "n.r.", "n/r", "not reported", "None",
          "null", "  ", "N/A", "n/a", "N.A.", "na", "NA: no metro", "N/A: no station",
          "Not applicable", "N/A (closed)", "N/Ax", "name", "n/ab", "maybe", "yes-ish"]  # fmt: skip
TYPED: dict[str, list[Any]] = {
    "count": [3.0, 0.0, -2.0, 1e9, 0.97, *_TEXTS],
    "amount": [5.5, 0.0, -0.1, *_TEXTS],
    "yes/no": ["yes", "no", "Y", "n", "TRUE", "false", "1", "0", 1.0, 0.0, 0.5, 2.0, *_TEXTS],
}


def _typed_cells(engine: Engine, work: Path) -> dict[str, Case]:
    """Workbooks holding every cell of TYPED in items of its kind, each value cell's data
    validation rule copied into a spare column (P), so that a recalculation shows whether the
    spreadsheet would accept what was typed."""
    from openpyxl.formula.translate import Translator

    rows_of: dict[str, list[str]] = {}
    for name, item in engine.catalogue.items.items():
        rows_of.setdefault(str(item.kind), []).append(name)
    cases = {}
    for part in range(max(-(-len(v) // len(rows_of[k])) for k, v in TYPED.items())):
        workbook, _ = build_workbook(engine)
        sheet = workbook["Inputs"]
        sheet["B2"], sheet["B3"] = "Typed", 2024
        row = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
        checks = workbook["Inputs"].data_validations.dataValidation
        typed = {}
        for kind, values in TYPED.items():
            names = rows_of[kind]
            chunk = values[part * len(names) : (part + 1) * len(names)]
            for name, value in zip(names, chunk, strict=False):
                sheet.cell(row[name], 4, value)
                typed[name] = value
        for check in checks:
            if check.type != "custom":
                continue
            origin = f"D{min(r.min_row for r in check.sqref.ranges)}"
            for cells in check.sqref.ranges:
                for r, _ in cells.cells:
                    rule = Translator(f"={check.formula1}", origin).translate_formula(f"D{r}")
                    sheet.cell(r, 16, rule)
        path = work / f"typed-cells-{part}.xlsx"
        workbook.save(path)
        case = Case(engine, path, set())
        case._found["typed"] = typed
        cases[f"typed-cells-{part}"] = case
    return cases


def _shuffled(rows: list[int], sheet: Any) -> list[int]:
    return random.Random(14).sample(rows, len(rows))


def _by_description(rows: list[int], sheet: Any) -> list[int]:
    return sorted(rows, key=lambda r: str(sheet.cell(r, 2).value))


def _recalculate(cases: dict[str, Case], work: Path) -> None:
    """Open and save every workbook once in LibreOffice: it recalculates them on load."""
    found = convert([case.filled for case in cases.values()], "xlsx", work / "recalculated")
    for case, recalculated in zip(cases.values(), found, strict=True):
        case.recalculated = recalculated


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    import arithmetic

    work = tmp_path_factory.mktemp("workbooks")
    official = default_engine()
    awkward = dict(city("Aster", 2022))
    awkward.update(
        households=1000.0,
        fixed_broadband_subscription_count=396.0,  # exactly 66 % of the 60 % target: 3 points
        households_with_internet="many",  # text in a number cell
        water_meters_total=0.0,  # a zero denominator
        population_covered_3g=-3.0,  # below the minimum
        pm25_annual_mean="#N/A",  # an Excel error
        pm10_annual_mean="NR",
        so2_annual_mean="n/a",
        o3_annual_mean="N.A.: no ozone station",  # an N/A word ending in a stop
        urban_plan_compact="no",
        urban_plan_connected=True,
        **{"EC: ICT: ICT: 5C": "N/A: no public Wi-Fi", "EC: ICT: PS: 2A": 14.0},
    )
    toy = Engine.load(plugins=[("arithmetic", arithmetic)], entry_points=False)
    local = Engine.load(indicator_tables=[EXAMPLES / "local-indicators.csv"])
    found = {
        "brindle": _fill(
            official, work / "brindle.xlsx", "Brindle Bay", 2023, city("Brindle Bay", 2023)
        ),
        "dunmere": _fill(official, work / "dunmere.xlsx", "Dunmere", 2024, city("Dunmere", 2024)),
        "awkward": _fill(official, work / "awkward.xlsx", "Aster", 2022, awkward),
        # A city's local indicators from a formula table: where(), comparisons, KPIs of KPIs.
        "local": _fill(local, work / "local.xlsx", "Dunmere", 2023, city("Dunmere", 2023)),
        "arithmetic": _fill(
            toy,
            work / "arithmetic.xlsx",
            "Toy",
            2024,
            {"a": 3.0, "b": 4.0, "c": 5.0, "flag": "yes", "share": 50.0},
        ),
        "arithmetic-gaps": _fill(
            toy,
            work / "arithmetic-gaps.xlsx",
            "Toy",
            2025,
            {"a": -2.0, "b": 0.0, "c": 5.0, "flag": "no", "share": "NR"},
        ),
    }
    # Sorting or shuffling the Inputs rows changes nothing: each KPI finds its inputs by id.
    found["shuffled"] = _reorder(found["awkward"], work / "shuffled.xlsx", _shuffled)
    found["sorted"] = _reorder(found["brindle"], work / "sorted.xlsx", _by_description)
    found["typed"] = _typed_over(found["brindle"], work / "typed.xlsx")
    found["percent"] = _percentages(found["brindle"], work / "percent.xlsx")
    found.update(_typed_cells(official, work))
    _recalculate(found, work)
    return found


def _table(sheet: Any, header_row: int) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[header_row]]
    rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    return [dict(zip(header, row, strict=False)) for row in rows if any(row[:3])]


def _same_number(got: Any, expected: float | None) -> bool:
    if expected is None:
        return got in (None, "")
    return isinstance(got, (int, float)) and math.isclose(got, expected, rel_tol=1e-12)


def _shown(value: Any) -> Any:
    """A workbook's exact percentage as u4ssc's tables show it (rounded to 2 decimals)."""
    return round(value, PCT_DECIMALS) if isinstance(value, (int, float)) else value


@pytest.mark.parametrize(
    "name",
    [
        "brindle",
        "dunmere",
        "awkward",
        "local",
        "arithmetic",
        "arithmetic-gaps",
        "shuffled",
        "sorted",
        "percent",
    ],
)
def test_the_workbook_computes_what_u4ssc_score_computes(cases, name):
    case = cases[name]
    kpis = {row["id"]: row for row in _table(case.workbook["KPIs"], 4)}
    scored = case.scored
    assert len(kpis) == len(scored) == len(case.engine.outputs)
    for output, expected in zip(case.engine.outputs, scored, strict=True):
        got = kpis[output.id]
        if output.indicator.code in case.untranslated:
            assert got["status"] in ("error", "not reported"), output.id
            continue
        where = f"{name}: {output.id}: workbook {got}, u4ssc {expected}"
        assert got["status"] == expected["status"], where
        if expected["status"] in ("computed", "reported"):
            assert _same_number(got["value"], expected["value"]), where
        else:
            assert got["value"] == SHORT[expected["status"]], where
        assert _same_number(_shown(got["% of target"]), expected["pct_of_target"]), where
        assert (got["points"] or None) == expected["points"], where
        assert (got["band"] or "") == expected["band"], where


@pytest.mark.parametrize(
    "name", ["brindle", "awkward", "local", "arithmetic-gaps", "shuffled", "sorted"]
)
def test_the_workbook_rolls_up_like_u4ssc(cases, name):
    case = cases[name]
    result = case.result
    for level, title in ROLLUP_SHEETS.items():
        rows = _table(case.workbook[title], 4)
        expected = result.rollup_records(level)
        if level == "dimension":
            expected += result.rollup_records("overall")
        assert len(rows) == len(expected), title
        for got, exp in zip(rows, expected, strict=True):
            where = f"{name}: {title}: workbook {got}, u4ssc {exp}"
            assert got["dimension"] == exp["dimension"], where
            assert got["points"] == exp["points"], where
            assert got["scored"] == exp["scored"], where
            assert got["total"] == exp["total"], where
            assert _same_number(_shown(got["%"]), exp["pct"]), where
            assert got["band"] == exp["band"], where
            assert _same_number(got["coverage %"], exp["coverage_pct"]), where


def test_the_reordered_workbooks_are_really_reordered(cases):
    """The shuffled and sorted cases moved the rows (else they would prove nothing)."""
    for name, source in (("shuffled", "awkward"), ("sorted", "brindle")):
        moved = openpyxl.load_workbook(cases[name].filled)["Inputs"]
        first = openpyxl.load_workbook(cases[source].filled)["Inputs"]
        ids = [c.value for c in moved["A"][5:]]
        before = [c.value for c in first["A"][5:]]
        assert sorted(ids, key=str) == sorted(before, key=str), name
        assert sum(a == b for a, b in zip(ids, before, strict=True)) < len(ids) / 10, name


def test_97_percent_typed_is_97_percent_in_the_workbook_and_the_engine(cases):
    kpis = {row["id"]: row for row in _table(cases["percent"].workbook["KPIs"], 4)}
    scored = {r["code"]: r for r in cases["percent"].scored if not r["data_point"]}
    for code, shown in (("EC: ICT: ICT: 1C", 97.0), ("EC: ICT: ICT: 2C", 45.0)):
        assert kpis[code]["status"] == scored[code]["status"] == "reported"
        assert math.isclose(kpis[code]["value"], shown, rel_tol=1e-12), kpis[code]
        assert math.isclose(scored[code]["value"], shown, rel_tol=1e-12), scored[code]


def test_the_workbook_and_the_engine_read_typed_cells_alike(cases):
    """One set of rules: for every typed cell, the workbook's status column, its data
    validation and the engine's cell parser (with the item's bounds) agree."""
    from u4ssc.core.readers import read_table
    from u4ssc.core.values import parse_cell

    engine, seen = default_engine(), 0
    for name, case in cases.items():
        if not name.startswith("typed-cells"):
            continue
        sheet = case.workbook["Inputs"]
        row = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
        read = read_table(case.filled).set_index("item")["value"]  # as `u4ssc score` reads it
        for item_name, typed in case._found["typed"].items():
            item = engine.catalogue.items[item_name]
            cell = parse_cell(read[item_name], item)
            status = cell.status
            if status == Status.COMPUTED and item.violation(cell.value):
                status = Status.INVALID
            expected = "ok" if status == Status.COMPUTED else status.label
            got = sheet.cell(row[item_name], 14).value
            accepted = sheet.cell(row[item_name], 16).value
            where = f"{item.kind} {item_name} typed {typed!r}: engine {expected}, workbook {got}"
            assert got == expected, where
            whole = (
                item.kind != "count" or float(typed) == int(typed)
                if isinstance(typed, float)
                else True
            )
            assert accepted is ((status != Status.INVALID) and whole), f"{where}, check {accepted}"
            seen += 1
    assert seen == sum(len(v) for v in TYPED.values())


def test_score_reports_kpi_formulas_typed_over_in_a_saved_workbook(cases):
    """Typed over, then saved by a spreadsheet: u4ssc score names the two cells (and raises no
    false alarm on a workbook the spreadsheet saved untouched)."""

    def replaced(path: Path) -> list[str]:
        found = CliRunner().invoke(cli, ["score", str(path), "--format", "json"])
        assert found.exit_code == 0, found.output
        return [line for line in found.stderr.splitlines() if "formula here was replaced" in line]

    typed = replaced(cases["typed"].recalculated)
    kpis = {row["id"]: row for row in _table(cases["typed"].workbook["KPIs"], 4)}
    assert kpis["EC: ICT: ICT: 1C"]["value"] == 45  # what the workbook now shows
    assert len(typed) == 2, typed
    assert "KPIs!H5: " in typed[0]
    assert "replaced by 45" in typed[0]
    assert "replaced by 'NR'" in typed[1]
    assert replaced(cases["brindle"].recalculated) == []


def test_the_awkward_inputs_are_really_awkward(cases):
    """The cases cover what they claim: a band edge, every status, an untranslatable formula."""
    awkward = cases["awkward"].scored
    by_id = {(r["code"] + (f": {r['data_point']}" if r["data_point"] else "")): r for r in awkward}
    assert by_id["EC: ICT: ICT: 2C"]["points"] == 3  # 39.6 of 60: exactly 66 %
    statuses = {r["status"] for r in awkward}
    assert {"computed", "reported", "not reported", "not applicable", "invalid", "error"} <= (
        statuses
    )
    assert cases["arithmetic"].untranslated == {"AR: OP: MX: 7A", "AR: OP: MX: 8A"}
    local = {r["code"]: r for r in cases["local"].scored if r["code"].startswith("LOCAL")}
    assert cases["local"].untranslated == set()
    assert local["LOCAL: ICT: 3"]["status"] == "computed"  # where(...) of two KPIs
    assert local["LOCAL: ICT: 2"]["points"] is not None  # a KPI of a KPI, scored
    toy = cases["arithmetic"].result
    directions = set(toy.scores.directions)
    assert {"higher", "lower", "approach", "yes/no"} <= directions
