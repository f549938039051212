"""The data-collection workbook as written: sheets, formulas traced from the indicators, targets
and bands from the engine, validation and formatting; and the ``u4ssc template`` command.

Whether the formulas compute the right numbers is checked in a real spreadsheet by
``test_excel_libreoffice.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from u4ssc.cli import cli
from u4ssc.core import Bands, Engine, default_engine
from u4ssc.core.scoring import benchmark_of, direction_of
from u4ssc.core.values import MISSING_TEXTS
from u4ssc.excel_addin.template import (
    DATA_QUALITY_LEVELS,
    INPUT_HEADERS,
    KPI_HEADERS,
    build_workbook,
    write_template,
)

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def official():
    engine = default_engine()
    workbook, report = build_workbook(engine)
    return engine, workbook, report


def _rows(sheet, header_row):
    header = [c.value for c in sheet[header_row]]
    return [
        dict(zip(header, row, strict=False))
        for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)
        if row[0] is not None
    ]


def test_the_sheets_and_their_order(official):
    _, workbook, _ = official
    assert workbook.sheetnames == [
        "About",
        "Inputs",
        "KPIs",
        "Targets",
        "Categories",
        "Sub-dimensions",
        "Dimensions",
        "Verification",
        "Questions",
        "Lists",
        "Lookup",
    ]
    assert workbook["Lists"].sheet_state == "hidden"
    assert workbook["Lookup"].sheet_state == "hidden"
    assert workbook.calculation.fullCalcOnLoad is True
    assert workbook["Inputs"].freeze_panes == "B6"
    assert workbook["KPIs"].freeze_panes == "C5"


def test_inputs_list_every_item_then_every_reported_value(official):
    engine, workbook, report = official
    rows = _rows(workbook["Inputs"], 5)
    assert [c.value for c in workbook["Inputs"][5]] == list(INPUT_HEADERS)
    ids = [r["id"] for r in rows]
    assert ids == [*engine.catalogue.items, *(o.id for o in engine.outputs)]
    assert report.inputs == len(engine.catalogue.items)
    population = rows[ids.index("population")]
    assert population["unit"] == "inhabitants"
    assert population["minimum"] == 0
    assert population["maximum"] is None  # no upper bound
    assert population["status code"].startswith("=IF(ISERROR(D")
    plan = rows[ids.index("urban_plan_compact")]
    assert (plan["kind"], plan["minimum"], plan["maximum"]) == ("yes/no", 0, 1)
    assert workbook["Inputs"]["A2"].value == "City"
    assert workbook["Inputs"]["A3"].value == "Reporting year"


def test_the_status_formula_reads_the_parser_s_texts(official):
    _, workbook, _ = official
    formula = workbook["Inputs"]["M6"].value
    for text in ('"nr"', '"not reported"', '"n/a"', '"not applicable"', "ISNA(D6)", "J6", "K6"):
        assert text in formula
    assert '"yes"' in formula
    assert '"no"' in formula


def test_every_data_item_has_a_workbook_name_for_its_number_found_by_id(official):
    """Each name points at the Lookup cell that finds the item's row by its id (MATCH), never
    at a fixed Inputs cell that a sort would move."""
    engine, workbook, _ = official
    lookup = workbook["Lookup"]
    for name in engine.catalogue.items:
        defined = workbook.defined_names[name]
        sheet, cell = defined.attr_text.split("!")
        assert sheet == "Lookup"
        row = lookup[cell.replace("$", "")].row
        assert lookup[cell.replace("$", "")].column_letter == "C"  # number
        assert lookup[f"A{row}"].value == name
        assert lookup[f"C{row}"].value == f'=IFERROR(INDEX(Inputs!$L:$L,B{row}),"")'
    assert not any("Inputs!$" in str(d.attr_text) for d in workbook.defined_names.values())


def test_kpi_formulas_are_traced_from_the_indicator_functions(official):
    engine, workbook, report = official
    rows = {r["id"]: r for r in _rows(workbook["KPIs"], 4)}
    assert [c.value for c in workbook["KPIs"][4]] == list(KPI_HEADERS)
    assert list(rows) == [o.id for o in engine.outputs]
    assert report.untranslated == []
    # Blank, not #VALUE!, while an input is missing (the status says which).
    traced = {k: r["formula value"].removeprefix("=IFERROR(") for k, r in rows.items()}
    assert traced["EC: ICT: ICT: 1C"] == 'households_with_internet/households*100,"")'
    assert traced["EC: ICT: ICT: 3C"] == (
        'wireless_broadband_subscription_count/(population/100000),"")'
    )
    assert traced["EN: EN: WS: 2C"] == 'water_consumed_total*1000/365/population,"")'
    assert traced["EC: ICT: ICT: 4C: 4G"] == 'population_covered_4g/population*100,"")'
    assert all(r["formula value"].startswith("=IFERROR(") for r in rows.values())
    # A data point depends only on its own inputs: the 3G point never waits for 4G.
    lookup = {r[0].value: r[0].row for r in workbook["Lookup"].iter_rows(min_row=2)}
    cells = set(re.findall(r"Lookup!\$D\$(\d+)", rows["EC: ICT: ICT: 4C: 3G"]["status code"]))
    expected = {"EC: ICT: ICT: 4C: 3G", "population_covered_3g", "population"}
    assert cells == {str(lookup[name]) for name in expected}


def test_targets_and_directions_are_the_engine_s(official):
    engine, workbook, _ = official
    rows = {r["id"]: r for r in _rows(workbook["Targets"], 4)}
    for output in engine.outputs:
        target = engine.target_set.get(output.id)
        assert rows[output.id]["target"] == benchmark_of(target)
        assert rows[output.id]["direction"] == direction_of(output, target)
    assert rows["EC: ICT: ICT: 2C"]["target"] == 60
    assert rows["EC: ICT: ICT: 2C"]["kind"] == "official"
    assert rows["EC: I: UP: 2A: compact"]["direction"] == "yes/no"


def test_points_and_bands_follow_the_engine_s_bands():
    engine = Engine.load()
    engine.bands = Bands(edges=(25.0, 50.0, 90.0), lower_rule="linear")
    workbook, _ = build_workbook(engine)
    kpis = workbook["KPIs"]
    assert ">=90,4" in kpis["M5"].value
    assert ">=25,2" in kpis["M5"].value
    assert "ROUND(L5,9)" in kpis["M5"].value
    assert '"≥90 %"' in kpis["N5"].value
    assert "200-H5/J5*100" in kpis["L5"].value
    assert '"≥90 %"' in workbook["Categories"]["G5"].value


def test_rollup_sheets_hold_every_group_and_the_overall_score(official):
    engine, workbook, _ = official
    result = engine.score_one({})
    for level, title in (("category", "Categories"), ("subdimension", "Sub-dimensions")):
        rows = _rows(workbook[title], 4)
        assert len(rows) == len(result.rollup(level))
    dimensions = _rows(workbook["Dimensions"], 4)
    assert [r["dimension"] for r in dimensions] == [
        "Economy",
        "Environment",
        "Society and Culture",
        "all",
    ]
    assert dimensions[-1]["points"] == "=D5+D6+D7"
    assert dimensions[0]["scored"].startswith("=SUMPRODUCT((KPIs!$C$5:$C$116=$A5)")


def test_validation_and_formatting_are_in_place(official):
    _, workbook, _ = official
    inputs = workbook["Inputs"]
    checks = inputs.data_validations.dataValidation
    kinds = sorted(check.type for check in checks)
    assert kinds[-2:] == ["list", "whole"]
    assert set(kinds[:-2]) == {"custom"}  # one value check per kind of item and bounds
    custom = [check for check in checks if check.type == "custom"]
    assert all(len(check.formula1) <= 255 for check in custom)  # the spreadsheet limit
    assert str(custom[0].sqref).startswith("D6:D")
    # Every value cell has exactly one check; counts take whole numbers only; a share is
    # checked as the percentage it shows.
    cells = [c for check in custom for r in check.sqref.ranges for c in r.cells]
    assert len(cells) == len(set(cells)) == inputs.max_row - 6
    by_prompt = {check.prompt.split(";")[0]: check for check in custom}
    assert "INT(D6)=D6" in by_prompt["A whole number"].formula1
    assert "MATCH(TRIM(D6),u4ssc_nr,0)" in by_prompt["A whole number"].formula1
    assert workbook.defined_names["u4ssc_nr"].attr_text == "Lists!$C$2:$C$8"
    nr = [workbook["Lists"].cell(r, 3).value for r in range(2, 9)]
    assert set(nr) == MISSING_TEXTS - {""}  # the engine's own texts
    percent = by_prompt["A percentage: type 97 % (or 97 in this %-formatted cell)"]
    first = min(r.min_row for r in percent.sqref.ranges)
    assert f"AND(D{first}*100>=0)" in percent.formula1
    assert inputs[f"D{first}"].number_format == "0.0#%"
    assert inputs["D6"].number_format == "General"  # population: a count
    levels = [workbook["Lists"].cell(r, 1).value for r in range(2, 8)]
    assert tuple(levels) == DATA_QUALITY_LEVELS
    assert len(workbook["KPIs"].conditional_formatting) >= 2
    assert workbook["KPIs"]["H5"].number_format == "#,##0.00"


def test_a_formula_without_spreadsheet_form_is_reported_and_marked():
    import arithmetic

    engine = Engine.load(plugins=[("arithmetic", arithmetic)], entry_points=False)
    workbook, report = build_workbook(engine)
    assert len(report.untranslated) == 2
    assert "AR: OP: MX: 7A (branching_in_python, plugin arithmetic)" in report.untranslated[0]
    assert "decides on a value" in report.untranslated[0]
    assert "numpy floor has no spreadsheet equivalent" in report.untranslated[1]
    rows = {r["id"]: r for r in _rows(workbook["KPIs"], 4)}
    assert rows["AR: OP: MX: 7A"]["formula value"] == '=""'
    row = next(c.row for c in workbook["KPIs"]["A"] if c.value == "AR: OP: MX: 7A")
    assert "no spreadsheet form" in workbook["KPIs"][f"H{row}"].comment.text
    assert rows["AR: OP: MX: 5A"]["formula value"] == (
        '=IFERROR(KPIs!$H$5/100+KPIs!$H$9*share/100,"")'
    )
    assert workbook.defined_names["u4ssc_c"].attr_text == "Lookup!$C$4"  # "c" reads like a cell
    assert workbook["Lookup"]["A4"].value == "c"
    assert workbook["Lookup"]["B4"].value == '=IFERROR(MATCH(A4,Inputs!$A:$A,0),"")'


def test_targets_and_local_indicators_from_files(tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text("code,target\nEC: ICT: ICT: 5C,500\n", encoding="utf-8")
    out = tmp_path / "local.xlsx"
    local = Path(__file__).resolve().parents[2] / "examples" / "local-indicators.csv"
    args = ["template", str(out), "--targets", str(targets), "--indicators", str(local)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert "inputs, 116 KPI values" in done.output
    workbook = openpyxl.load_workbook(out)
    rows = {r["id"]: r for r in _rows(workbook["Targets"], 4)}
    assert (rows["EC: ICT: ICT: 5C"]["target"], rows["EC: ICT: ICT: 5C"]["kind"]) == (500, "user")
    assert rows["LOCAL: ICT: 2"]["target"] == 5
    kpis = {r["id"]: r for r in _rows(workbook["KPIs"], 4)}
    assert kpis["LOCAL: ICT: 2"]["formula value"] == '=IFERROR(100-KPIs!$H$5,"")'
    missing = CliRunner().invoke(cli, ["template", str(out), "--force", "--targets", "no.csv"])
    assert missing.exit_code == 4
    assert "target file 'no.csv' does not exist" in missing.output


def test_write_template_saves_a_workbook_that_opens(tmp_path):
    path = tmp_path / "t.xlsx"
    report = write_template(path)
    assert report.path == path
    assert openpyxl.load_workbook(path)["KPIs"]["A5"].value == "EC: ICT: ICT: 1C"


def test_the_template_command(tmp_path):
    runner = CliRunner()
    out = tmp_path / "collect.xlsx"
    first = runner.invoke(cli, ["template", str(out)])
    assert first.exit_code == 0
    assert "inputs, 112 KPI values" in first.output
    again = runner.invoke(cli, ["template", str(out)])
    assert again.exit_code == 5
    assert "pass --force to overwrite it" in again.output
    assert runner.invoke(cli, ["template", str(out), "--force"]).exit_code == 0
    wrong = runner.invoke(cli, ["template", str(tmp_path / "collect.csv")])
    assert wrong.exit_code == 5
    assert "the workbook must end in .xlsx" in wrong.output
    missing = runner.invoke(cli, ["template", str(tmp_path / "no" / "dir.xlsx")])
    assert missing.exit_code == 5
    assert "cannot write" in missing.output
    assert "Traceback" not in missing.output


def test_score_messages_name_the_sheet_cell_of_a_workbook(tmp_path):
    """A problem in a filled workbook names the cell the user sees (``Inputs!D97``), not the
    row of the table read from it."""
    path = tmp_path / "filled.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = "Aster", 2024
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    sheet.cell(rows["households"], 4, "many")
    sheet.cell(rows["population"], 4, 1000)
    sheet.cell(rows["population"], 7, "excellent")  # not a data-quality level
    workbook.save(path)
    found = CliRunner().invoke(cli, ["score", str(path), "--format", "json"])
    assert f"cell Inputs!D{rows['households']}, column 'households'" in found.stderr
    assert f"cell Inputs!G{rows['population']}, column 'quality'" in found.stderr
    assert f"row {rows['households'] - 5}" not in found.stderr


def test_two_template_runs_write_the_same_bytes(tmp_path):
    """Fixed zip timestamps and document dates: the workbook is reproducible, like score's
    outputs (the runs are a second apart, so a clock in the file would show)."""
    import time
    import zipfile

    runner = CliRunner()
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert runner.invoke(cli, ["template", str(first)]).exit_code == 0
    time.sleep(1.1)
    assert runner.invoke(cli, ["template", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_sheets_are_protected_and_only_input_cells_take_typing(official):
    _, workbook, _ = official
    for ws in workbook.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title  # no password: documented in docs/excel.md
        assert ws.protection.sort is False  # sorting stays allowed
    inputs, kpis = workbook["Inputs"], workbook["KPIs"]
    for cell in ("B2", "B3", "D6", "E6", "F6", "G6", "H6"):
        assert inputs[cell].protection.locked is False, cell
    for cell in ("A6", "C6", "L6", "M6", "N6"):
        assert inputs[cell].protection.locked is not False, cell
    assert all(c.protection.locked is not False for line in kpis["A5:R116"] for c in line)
    assert workbook["Targets"]["D5"].protection.locked is not False


def test_score_warns_about_a_kpi_formula_typed_over(tmp_path):
    path = tmp_path / "typed.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    kpis = workbook["KPIs"]
    rows = {kpis.cell(r, 1).value: r for r in range(5, kpis.max_row + 1)}
    kpis[f"H{rows['EC: ICT: ICT: 1C']}"] = 45
    kpis[f"I{rows['EC: ICT: ICT: 3C']}"] = "NR"
    kpis[f"R{rows['EC: ICT: ICT: 3C']}"] = "=1+1"  # another formula is no formula of u4ssc
    workbook["Inputs"]["B2"], workbook["Inputs"]["B3"] = "Aster", 2024
    workbook.save(path)
    inputs = workbook["Inputs"]
    final = next(
        r for r in range(6, inputs.max_row + 1) if inputs.cell(r, 1).value == "EC: ICT: ICT: 1C"
    )
    found = CliRunner().invoke(cli, ["score", str(path), "--format", "json"])
    replaced = [line for line in found.stderr.splitlines() if "formula here was replaced" in line]
    assert len(replaced) == 3, found.stderr
    assert f"cell KPIs!H{rows['EC: ICT: ICT: 1C']}: " in replaced[0]
    assert f"final value in Inputs!D{final} instead" in replaced[0]
    assert "replaced by 'NR'" in replaced[1]
    assert "replaced by '=1+1'" in replaced[2]
    clean = tmp_path / "clean.xlsx"
    write_template(clean)
    named = openpyxl.load_workbook(clean)
    named["Inputs"]["B2"], named["Inputs"]["B3"] = "Aster", 2024
    named.save(clean)
    untouched = CliRunner().invoke(cli, ["score", str(clean), "--format", "json"])
    assert "formula here was replaced" not in untouched.stderr


def test_score_reads_a_percent_formatted_cell_as_what_it_shows(tmp_path):
    path = tmp_path / "percent.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = "Aster", 2024
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    sheet[f"D{rows['EC: ICT: ICT: 1C']}"] = 0.97  # "97 %" as Excel stores it
    sheet[f"D{rows['EC: ICT: ICT: 2C']}"] = 45
    sheet[f"D{rows['EC: ICT: ICT: 2C']}"].number_format = "General"
    workbook.save(path)
    records = default_engine().score(path).records()
    values = {r["code"]: r["value"] for r in records if not r["data_point"]}
    assert values["EC: ICT: ICT: 1C"] == pytest.approx(97.0)
    assert values["EC: ICT: ICT: 2C"] == 45.0
