"""The guidance in the workbook's cells, checked against the engine's catalogue: each input's note
gives its definition, unit and the KPIs that use it; each KPI's note its definition (the formula's
docstring) and formula in words; the About sheet says how to fill, save and score, with the legend
of the colours the sheets use."""

from __future__ import annotations

import pytest

from u4ssc.core import Engine, default_engine
from u4ssc.excel_addin.template import ABOUT_STEPS, build_workbook, legend

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def official():
    engine = default_engine()
    workbook, _ = build_workbook(engine)
    return engine, workbook


def _rows(sheet, header_row):
    return {
        sheet.cell(r, 1).value: r
        for r in range(header_row + 1, sheet.max_row + 1)
        if sheet.cell(r, 1).value is not None
    }


def _code(output_id: str, engine: Engine) -> str:
    return next(o.indicator.code for o in engine.outputs if o.id == output_id)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_each_input_s_note_gives_its_definition_unit_and_the_kpis_using_it(official):
    engine, workbook = official
    sheet = workbook["Inputs"]
    rows = _rows(sheet, 5)
    for name, item in engine.catalogue.items.items():
        note = sheet.cell(rows[name], 1).comment.text
        assert item.title in note, name
        assert item.description in note, name
        assert f"Unit: {item.unit}" in note, name
        # The KPI values whose formula names the item: all of a single-value KPI's, those data
        # points of a multi-value KPI that read it.
        users = [o for o in engine.outputs if name in o.indicator.inputs]
        used = note.split("Used by: ")[1]
        listed = {o.id for o in engine.outputs if f"{o.id} {o.name}" in used.split("; ")}
        assert listed <= {o.id for o in users}, name
        assert {o.id for o in users if o.point is None} <= listed, name
        assert {o.indicator.code for o in users} == {_code(o, engine) for o in listed}, name
    population = sheet.cell(rows["population"], 1).comment.text
    assert population.count(";") > 20  # the denominator of dozens of KPIs
    no2 = sheet.cell(rows["no2_annual_mean"], 1).comment.text
    assert "ppb (× 1.9)" in no2  # the other units accepted
    internet = sheet.cell(rows["households_with_internet"], 1).comment.text
    assert internet.endswith("Used by: EC: ICT: ICT: 1C Household Internet Access")


def test_a_data_point_lists_only_the_inputs_it_reads(official):
    """The 3G point of a KPI never lists the 4G input as its own."""
    _, workbook = official
    sheet = workbook["Inputs"]
    note = sheet.cell(_rows(sheet, 5)["population_covered_4g"], 1).comment.text
    assert "EC: ICT: ICT: 4C: 4G" in note
    assert "EC: ICT: ICT: 4C: 3G" not in note


def test_each_kpi_s_note_gives_its_definition_and_formula_in_words(official):
    engine, workbook = official
    sheet = workbook["KPIs"]
    rows = _rows(sheet, 4)
    for output in engine.outputs:
        note = sheet.cell(rows[output.id], 2).comment.text
        assert _words(output.indicator.definition) in _words(note), output.id
        formula = note.split("Formula: ")[1].split("\n")[0]
        for name in output.indicator.inputs:
            if name in engine.catalogue.items and name in note.split("Inputs: ")[1]:
                item = engine.catalogue.items[name]
                assert f"{name}: {item.title} ({item.unit})" in note, output.id
        assert formula, output.id
    internet = sheet.cell(rows["EC: ICT: ICT: 1C"], 2).comment.text
    assert "Formula: households_with_internet ÷ households × 100" in internet
    water = sheet.cell(rows["EN: EN: WS: 2C"], 2).comment.text
    assert "Formula: water_consumed_total × 1000 ÷ 365 ÷ population" in water


def test_a_kpi_of_kpis_names_them_and_an_untraceable_one_says_so():
    import arithmetic

    engine = Engine.load(plugins=[("arithmetic", arithmetic)], entry_points=False)
    workbook, _ = build_workbook(engine)
    sheet = workbook["KPIs"]
    rows = _rows(sheet, 4)
    mixed = sheet.cell(rows["AR: OP: MX: 5A"], 2).comment.text
    assert "Formula: [AR: OP: MX: 1C] ÷ 100 + [AR: OP: MX: 4C: sq] × share ÷ 100" in mixed
    assert "Inputs: AR: OP: MX: 1C (a KPI); AR: OP: MX: 4C (a KPI); share: Share (%)" in mixed
    branching = sheet.cell(rows["AR: OP: MX: 7A"], 2).comment.text
    assert "Formula: computed by u4ssc score (no spreadsheet form)" in branching


def test_the_about_sheet_says_how_to_fill_save_and_score(official):
    _, workbook = official
    about = [c.value for (c,) in workbook["About"].iter_rows(max_col=1) if c.value]
    text = "\n".join(map(str, about))
    for heading, steps in ABOUT_STEPS.items():
        assert heading in about
        for number, step in enumerate(steps, start=1):
            assert f"{number}. {step}" in about
    assert "u4ssc score city-2024.xlsx" in text
    assert ".xlsx" in ABOUT_STEPS["How to save it"][0]


def test_the_about_sheet_says_what_a_verifier_fills(official):
    """Every column the verifier types into, on both sheets, is named in the About sheet's
    steps, with the sheet it is on; and those cells are the legend's cells to type into."""
    engine, workbook = official
    typing = next(fill for fill, _, meaning in legend(engine.bands) if meaning.startswith("a cell"))
    verification, questions = ABOUT_STEPS["How to verify it"][:2]
    for sheet, step in (("Verification", verification), ("Questions", questions)):
        assert f"the {sheet} sheet" in step
        headers = [c.value for c in workbook[sheet][4]]
        typed = [
            h
            for h, c in zip(headers, workbook[sheet][5], strict=True)
            if c.fill.fgColor.rgb[-6:] == typing
        ]
        assert len(typed) >= 4, typed
        for header in typed:
            if header not in ("id", "KPI"):
                assert f"'{header}'" in step, (sheet, header)
    about = [c.value for (c,) in workbook["About"].iter_rows(max_col=1) if c.value]
    assert "How to verify it" in about


def test_the_legend_shows_the_colours_the_sheets_use(official):
    engine, workbook = official
    about = workbook["About"]
    shown = {
        c.value: (c.fill.fgColor.rgb[-6:], c.font.color.rgb[-6:] if c.font.color else None)
        for (c,) in about.iter_rows(max_col=1)
        if c.value
    }
    for fill, colour, meaning in legend(engine.bands):
        assert shown[meaning] == (fill, colour), meaning
    inputs, kpis = workbook["Inputs"], workbook["KPIs"]
    assert inputs["D6"].fill.fgColor.rgb[-6:] == shown["a cell you type into"][0]
    assert inputs["L6"].font.color.rgb[-6:] == shown["grey text: computed, do not type"][1]
    assert kpis["A4"].fill.fgColor.rgb[-6:] == shown["a table's header"][0]
    rules = {
        rule.formula[0].split("=")[-1].strip('"'): rule.dxf.fill.fgColor.rgb[-6:]
        for area in kpis.conditional_formatting
        for rule in area.rules
    }
    for label, points in zip(engine.bands.labels, range(1, 5), strict=True):
        meaning = f"band {label}: {points} point{'s' if points > 1 else ''}"
        assert rules[label] == shown[meaning][0], label
    for status in ("not reported", "not applicable", "invalid", "error"):
        assert rules[status] == shown[f"status {status}"][0], status
