"""Reading Excel files: a filled data-collection workbook is read from its Inputs sheet as a long
table; any other workbook from its first sheet; text cells reach the cell parser as typed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from u4ssc.core import Status, default_engine
from u4ssc.core.readers import read_table
from u4ssc.core.values import parse_cell

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A generated workbook, filled as a statistician would fill it."""
    from u4ssc.excel_addin.template import build_workbook

    workbook, _ = build_workbook(default_engine())
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = "Aster", 2023
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    typed = {
        "households_with_internet": (812, "census 2021", "accurate measurement", ""),
        "households": (1000, "census 2021", "accurate measurement", "rounded"),
        "population": ("N/A", None, None, None),
        "commuters_para_transport": ("N/A: no para-transport", None, None, None),
        "urban_plan_compact": ("yes", None, None, None),
        # 48.5 % typed into its %-formatted cell: Excel stores 0.485.
        "EC: ICT: ICT: 2C": (0.485, "operator survey", "personal estimate", None),
    }
    for name, (value, source, quality, comment) in typed.items():
        for column, cell in zip((4, 6, 7, 8), (value, source, quality, comment), strict=True):
            sheet.cell(rows[name], column, cell)
    path = tmp_path_factory.mktemp("workbook") / "filled.xlsx"
    workbook.save(path)
    return path


def test_a_filled_workbook_is_read_as_a_long_table(filled):
    table = read_table(filled)
    assert list(table.columns) == ["city", "year", "item", "value", "source", "quality", "comment"]
    assert set(table["city"]) == {"Aster"}
    assert set(table["year"]) == {2023}
    engine = default_engine()
    assert len(table) == len(engine.catalogue.items) + len(engine.outputs)  # no section titles
    row = table.set_index("item").loc["households"]
    assert (row["value"], row["source"], row["quality"]) == (
        1000,
        "census 2021",
        "accurate measurement",
    )
    assert table.set_index("item").loc["population", "value"] == "N/A"  # as typed


def test_a_filled_workbook_scores_like_the_same_values_given_directly(filled):
    engine = default_engine()
    result = engine.score(filled)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.city[0] == "Aster"
    assert result.year[0] == 2023
    assert result.value("EC: ICT: ICT: 1C") == 81.2
    assert result.status("EC: ICT: ICT: 2C") == Status.REPORTED
    assert result.status("EC: ICT: ICT: 3C") == Status.NOT_APPLICABLE  # population is N/A
    para = "EC: I: T: 4A: para_transport"
    assert result.status(para) == Status.NOT_APPLICABLE
    assert "no para-transport" in result.reason(para)
    assert result.value("EC: I: UP: 2A: compact") == 1.0
    direct = engine.score_one(
        {
            "households_with_internet": 812,
            "households": 1000,
            "population": "N/A",
            "commuters_para_transport": "N/A: no para-transport",
            "urban_plan_compact": "yes",
            "EC: ICT: ICT: 2C": 48.5,
        }
    )
    for output in engine.outputs:
        assert result.status(output.id) == direct.status(output.id)
        both = result.value(output.id), direct.value(output.id)
        assert both[0] == both[1] or all(math.isnan(v) for v in both)


def test_an_inputs_sheet_without_id_and_value_headers_is_an_ordinary_first_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.append(["city", "year", "households", "population"])
    first.append(["Aster", 2023, 1000, "NA"])
    workbook.create_sheet("Inputs").append(["some", "other", "table"])
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert list(table.columns) == ["city", "year", "households", "population"]
    assert table.loc[0, "population"] == "NA"  # not turned into a missing value by pandas
    result = default_engine().score(path)
    assert result.status("EC: ICT: ICT: 3C") == Status.NOT_APPLICABLE


def test_a_named_sheet_is_read_as_it_is(filled):
    table = read_table(filled, sheet="Targets")
    assert "Targets the KPIs sheet scores against" in table.columns[0]


@pytest.mark.parametrize("typed", ["71,6", "1 234", "97,5 %", "12"])
def test_a_number_typed_as_text_is_invalid_as_the_workbook_shows_it(tmp_path, typed):
    """The workbook's formulas count numbers only; the engine reads its cells the same way, and
    says which cell and what to type. The same text in a CSV is read as the number."""
    from u4ssc.excel_addin.template import build_workbook

    engine = default_engine()
    workbook, _ = build_workbook(engine)
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = "Aster", 2023
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    sheet.cell(rows["households"], 4, typed)
    sheet.cell(rows["population"], 4, "N/A: no census")  # statuses as text keep working
    sheet.cell(rows["urban_plan_compact"], 4, "1")  # so does yes as 1 for a yes/no item
    path = tmp_path / "typed.xlsx"
    workbook.save(path)
    table = read_table(path).set_index("item")["value"]
    items = engine.catalogue.items
    cell = parse_cell(table["households"], items["households"])
    assert cell.status is Status.INVALID
    assert f"the text {typed!r} is not a number to Excel" in cell.note
    assert "type the number itself" in cell.note
    assert parse_cell(table["population"], items["population"]).status is Status.NOT_APPLICABLE
    assert parse_cell(table["urban_plan_compact"], items["urban_plan_compact"]).value == 1.0
    if "%" not in typed:  # a count takes no %
        assert parse_cell(typed, items["households"]).status is Status.COMPUTED  # other inputs

