"""Hostile inputs (issue 13, items 4–8 and the input side of 10), each run through the CLI.

Every case asserts the exit code, a message naming what is wrong, where and how to fix it, no
traceback (the ``user`` fixture fails on one), and that every input city-year and every KPI
comes out with a value or an explicit status and reason, or that the run refuses.
"""

from __future__ import annotations

import csv
import math
import struct
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import assert_told

from u4ssc.core import Status
from u4ssc.core.readers import MAX_XLSX_CELLS, MAX_XLSX_UNPACKED

EXAMPLE = Path(__file__).parents[2] / "examples" / "cities.csv"


def example_rows() -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(EXAMPLE.open(encoding="utf-8")))
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], sep: str = ",") -> Path:
    lines = [",".join(header), *(sep.join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scored(out: Path, official: object, city_years: int) -> pd.DataFrame:
    """The long output: every city-year once per scored value, each with a value or a status and
    a reason."""
    frame = pd.read_csv(out, keep_default_na=False, dtype=str)
    outputs = len(official.outputs)  # type: ignore[attr-defined]
    assert len(frame) == city_years * outputs
    assert (frame.groupby(["city", "year"], dropna=False).size() % outputs == 0).all()
    without = frame[frame["value"] == ""]
    assert without["status"].isin(["not reported", "not applicable", "invalid", "error"]).all()
    assert (without["reason"] != "").all()
    return frame


# -- item 4: an xlsx formula without a saved result ---------------------------------------------


def test_formula_without_a_saved_result_names_sheet_and_cell(user, official, tmp_path):
    path = tmp_path / "calc.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["city", "year", "households", "households_with_internet"])
    sheet.append(["Aster", 2024, 1000, "=C2*0.8"])  # openpyxl never calculates: no saved result
    book.save(path)

    run = user("validate", path)
    assert_told(run, 1, "calc.xlsx", "row 1", "sheet 'Data', cell D2", "=C2*0.8", "recalculate")

    out = tmp_path / "out.csv"
    run = user("score", path, "-o", out)
    assert_told(run, 0, "cell D2", "open and save the workbook in Excel")
    frame = scored(out, official, 1)
    internet = frame[frame["reason"].str.contains("formula without a saved result")]
    assert len(internet)
    assert (internet["status"] == "invalid").all()


def test_a_formula_without_a_saved_result_in_the_data_collection_workbook(
    user, official, tmp_path
):
    path = tmp_path / "aster.xlsx"
    assert user("template", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    inputs = book["Inputs"]
    inputs["B2"], inputs["B3"] = "Aster", 2024
    assert inputs["A6"].value == "households_with_internet"
    inputs["D6"] = "=D7*0.8"  # openpyxl saves no result
    book.save(path)
    where = "aster.xlsx, cell Inputs!D6, column 'households_with_internet'"
    assert_told(user("validate", path), 1, where, "formula without a saved result", "recalculate")
    out = tmp_path / "out.csv"
    assert_told(user("score", path, "-o", out), 0, where, "open and save the workbook in Excel")
    frame = scored(out, official, 1)
    internet = frame[frame["code"] == "EC: ICT: ICT: 1C"]
    assert internet["status"].tolist() == ["invalid"]
    assert "cell D6: formula without a saved result" in internet["reason"].iloc[0]


# -- item 5: NaN typed in a cell ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["NaN", "nan", "-nan", "NAN", "+NaN"])
def test_nan_typed_in_a_cell_is_said(user, official, tmp_path, typed):
    header, rows = example_rows()
    at = header.index("households_with_internet")
    rows = rows[:2]
    rows[1][at] = typed
    path = write_csv(tmp_path / "nan.csv", header, rows)

    run = user("validate", path)
    assert_told(
        run, 0, "warning", "nan.csv, row 2", "'households_with_internet'", "NaN", "leave the cell"
    )
    out = tmp_path / "out.csv"
    assert_told(user("score", path, "-o", out), 0, "NaN is not a value")
    scored(out, official, 2)

    # The one-city path says the same.
    result = official.score_one({"city": "Aster", "households_with_internet": typed})
    (problem,) = [p for p in result.problems if p.column == "households_with_internet"]
    assert (problem.severity, problem.value) == ("warning", typed)


@pytest.mark.parametrize("suffix", [".json", ".parquet"])
def test_a_nan_number_in_json_or_parquet_is_said(user, official, tmp_path, suffix):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / f"nan{suffix}"
    if suffix == ".json":
        path.write_text('[{"city": "Aster", "year": 2024, "households": NaN}]')
    else:
        pq.write_table(
            pa.table({"city": ["Aster"], "households": pa.array([math.nan], pa.float64())}), path
        )
    run = user("validate", path)
    assert_told(run, 0, f"nan{suffix}, row 1, column 'households'", "NaN is not a value")
    assert "leave the cell empty" in run.text
    out = tmp_path / "out.csv"
    assert_told(user("score", path, "-o", out), 0, f"nan{suffix}, row 1", "NaN is not a value")
    frame = scored(out, official, 1)
    internet = frame[frame["code"] == "EC: ICT: ICT: 1C"]
    assert internet["status"].tolist() == ["not reported"]
    assert "households" in internet["reason"].iloc[0]


# -- item 6: a row whose cells do not match the header --------------------------------------------


@pytest.mark.parametrize("chunks", [[], ["--chunk-rows", "2"]])
def test_rows_written_with_another_delimiter_are_errors(user, official, tmp_path, chunks):
    header, rows = example_rows()
    path = write_csv(tmp_path / "mixed.csv", header, rows[:1])
    with path.open("a", encoding="utf-8") as file:
        file.write("\n".join(";".join(r) for r in rows[1:4]) + "\n")

    run = user("validate", path, *chunks)
    assert_told(run, 1, "mixed.csv, row 2: line 3 ", "mixed.csv, row 4: line 5 ", "one delimiter")
    assert "3 error(s)" in run.stdout

    out = tmp_path / "out.csv"
    run = user("score", path, "-o", out, *chunks)
    assert_told(run, 0, "row 3", "the header has 150")
    frame = scored(out, official, 4)
    broken = frame[frame["city"].str.contains(";")]
    assert len(broken) == 3 * len(official.outputs)
    assert (broken["status"] == "invalid").all()
    assert broken["reason"].str.contains("uses ';' where the header uses ','").all()


def test_a_short_row_is_an_error_but_a_missing_unnamed_trailing_cell_is_not(user, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(
        'city,year,households,\nAster,2024,100\n\n"Brindle\nBay",2024\n', encoding="utf-8"
    )
    run = user("validate", path)
    assert_told(run, 1, "short.csv, row 2: line 4 has 2 cell(s) but the header has 4", "add the")
    assert "row 1" not in run.stdout


def test_a_row_with_more_cells_than_the_header_refuses_the_file(user, tmp_path):
    """A stray delimiter shifts every cell after it, so no cell of the file can be trusted."""
    header, rows = example_rows()
    rows = [list(rows[0]), list(rows[1])]
    rows[1][5] += ",7"  # one more cell
    path = write_csv(tmp_path / "long.csv", header, rows)
    out = tmp_path / "out.csv"
    for command in (("validate", path), ("score", path, "-o", out)):
        run = user(*command)
        assert_told(
            run, 4, "long.csv: line 3 (row 2) has 151 cells but the header has 150",
            "remove the extra cells", "or quote cells",
        )  # fmt: skip
    assert not out.exists()


# -- item 7: bad years ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "chunks"), [("wide", []), ("long", []), ("wide", ["--chunk-rows", "2"])]
)
def test_bad_years_are_echoed_and_never_merge_rows(user, official, tmp_path, layout, chunks):
    """Echoed as typed in every mode: a chunk of numbers only (``1e20``, ``2023``) must not be
    read as floats and echo ``1e+20``."""
    header, rows = example_rows()
    typed = ["twenty", "2020.5", "1e20", "2023"]
    rows = [[rows[0][0], year, *rows[0][2:]] for year in typed]
    path = write_csv(tmp_path / "years.csv", header, rows)
    if layout == "long":
        wide = pd.read_csv(path, dtype=str, keep_default_na=False)
        long = wide.melt(["city", "year"], var_name="item", value_name="value")
        long.sort_values(["year"], kind="stable").to_csv(path, index=False)

    run = user("validate", path, *chunks)
    assert_told(run, 1, "'2020.5'", "'twenty'", "'1e20'", "column 'year'", "four digits")
    assert "appears in" not in run.text  # distinct bad years are not duplicates

    out = tmp_path / "out.csv"
    run = user("score", path, "-o", out, *chunks)
    assert_told(run, 0, "not a 4-digit year")
    frame = scored(out, official, 4)  # four city-years: none merged
    bad = frame[frame["year"] == ""]
    assert (bad["status"] == "invalid").all()
    for year in typed[:3]:
        assert bad["reason"].str.contains(f"year {year!r}").sum() == len(official.outputs)
    assert (frame[frame["year"] == "2023"]["status"] != "invalid").any()


def test_a_bad_year_on_the_one_city_path_breaks_its_values(official):
    result = official.score_one({"city": "Aster", "year": "twenty", "households": 1000})
    assert {p.rule for p in result.problems} >= {"year"}
    code = result.outputs[0].id
    assert result.status(code) == Status.INVALID
    assert "year 'twenty'" in result.reason(code)
    assert math.isnan(result.value(code))


# -- item 8: no city-year, rows without a city ----------------------------------------------------


def test_a_header_only_file_says_no_city_year_was_found(user, tmp_path):
    header, _ = example_rows()
    path = write_csv(tmp_path / "empty.csv", header, [])
    for command in ("score", "validate"):
        run = user(command, path)
        assert_told(run, 4, "empty.csv", "no city-year was found", "add one row per city")
    run = user("score", path, "--chunk-rows", "5", "-o", tmp_path / "out.csv")
    assert_told(run, 4, "no city-year was found")
    assert not (tmp_path / "out.csv").exists()


def test_a_blank_workbook_says_no_city_year_was_found(user, tmp_path):
    book = tmp_path / "blank.xlsx"
    assert user("template", book).exit_code == 0
    run = user("score", book, "-o", tmp_path / "out.csv")
    assert_told(run, 4, "blank.xlsx", "no city-year was found", "City cell of the Inputs sheet")


def test_a_workbook_without_a_year_says_so(user, official, tmp_path):
    path = tmp_path / "filled.xlsx"
    assert user("template", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    book["Inputs"]["B2"] = "Aster"
    book.save(path)
    run = user("validate", path)
    assert_told(run, 0, "no year given", "fill the year column")
    out = tmp_path / "out.csv"
    run = user("score", path, "-o", out)
    assert_told(run, 0, "filled.xlsx, cell Inputs!B3", "no year given", "fill the year column")
    frame = scored(out, official, 1)
    assert set(frame["city"]) == {"Aster"}
    assert set(frame["year"]) == {""}


def test_a_workbook_with_a_year_but_no_city_is_refused(user, tmp_path):
    path = tmp_path / "yearly.xlsx"
    assert user("template", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    book["Inputs"]["B3"] = 2024
    book["Inputs"]["D6"] = 812  # households_with_internet
    book.save(path)
    out = tmp_path / "out.csv"
    for command in (("score", path, "-o", out), ("validate", path)):
        run = user(*command)
        assert_told(run, 4, "yearly.xlsx", "names a city", "City cell of the Inputs sheet")
    assert not out.exists()


def test_a_row_without_a_city_is_refused(user, official, tmp_path):
    header, rows = example_rows()
    rows = rows[:3]
    rows[1][0] = "  "
    path = write_csv(tmp_path / "nameless.csv", header, rows)
    run = user("validate", path)
    assert_told(run, 1, "nameless.csv, row 2, column 'city'", "fill the city column")
    assert "error: " in run.stdout

    out = tmp_path / "out.csv"
    assert_told(user("score", path, "-o", out), 0, "no city name")
    frame = scored(out, official, 3)
    nameless = frame[frame["city"] == ""]
    assert len(nameless) == len(official.outputs)
    assert (nameless["status"] == "invalid").all()
    assert nameless["reason"].str.contains("no city name").all()


# -- item 10: resource limits ---------------------------------------------------------------------


def small_book(path: Path, rows: int, width: int = 3) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["city", "year", *[f"households_{i}" for i in range(width - 2)]])
    for i in range(rows):
        sheet.append([f"City {i}", 2024, *[1000] * (width - 2)])
    book.save(path)
    return path


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(
    user, tmp_path, monkeypatch
):
    assert MAX_XLSX_UNPACKED == 1 << 30
    # A zip bomb in miniature: a sheet of one row repeated, some 10 kB that unpack to 7.8 MB,
    # against a limit lowered to 1 MB (the default, 1 GiB, works the same way).
    plain = small_book(tmp_path / "plain.xlsx", 1)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as bomb:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>City</t></is></c></row>'
                data = data.replace(b"</sheetData>", row * 120_000 + b"</sheetData>")
            bomb.writestr(part.filename, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    assert path.stat().st_size < 100_000
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > 7_000_000
    monkeypatch.setenv("U4SSC_MAX_XLSX_MB", "1")
    run = user("score", path, "-o", tmp_path / "out.csv")
    assert_told(run, 4, "bomb.xlsx unpacks to", "the limit of 1 MB", "U4SSC_MAX_XLSX_MB", "CSV")


def test_a_workbook_whose_zip_lies_about_its_sizes_cannot_be_read(user, tmp_path):
    path = small_book(tmp_path / "liar.xlsx", 2_000)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # the central directory: declare the sheet 100 bytes long
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, 100)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo(name.decode()).file_size == 100
    run = user("score", path, "-o", tmp_path / "out.csv")
    assert_told(run, 4, "liar.xlsx")


def test_a_sheet_over_the_cell_limit_is_refused(user, tmp_path, monkeypatch):
    assert MAX_XLSX_CELLS == 20_000_000
    path = small_book(tmp_path / "wide.xlsx", 50, width=10)
    monkeypatch.setenv("U4SSC_MAX_XLSX_CELLS", "100")
    run = user("validate", path)
    assert_told(run, 4, "sheet 'Data' of", "more than 100 cells", "U4SSC_MAX_XLSX_CELLS")


def test_a_huge_first_row_cell_names_line_column_and_fix(user, tmp_path):
    header, rows = example_rows()
    row = list(rows[0])
    row[2] = "x" * (1 << 20)
    path = write_csv(tmp_path / "huge.csv", header, [row])
    run = user("score", path, "-o", tmp_path / "out.csv")
    assert_told(run, 4, "huge.csv: line 2, column 3", "'households_with_internet'", "quote")


def test_an_unclosed_quote_names_where_the_cell_starts(user, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('city,year,households\nAster,2024,"12\n' + "Brindle,2024,5\n" * 20_000)
    run = user("validate", path)
    assert_told(run, 4, "quote.csv: line 2, column 3 ('households')", "close the quote")


def test_a_huge_cell_further_down_is_an_invalid_cell_quoted_short(user, official, tmp_path):
    header, rows = example_rows()
    rows = rows[:2]
    rows[1][2] = "x" * (1 << 20)
    path = write_csv(tmp_path / "huge.csv", header, rows)
    run = user("validate", path)
    assert_told(run, 1, "huge.csv, row 2, column 'households_with_internet'", "characters)")
    assert len(run.text) < 5_000


def test_score_names_the_workbook_cell_holding_a_number_typed_as_text(user, tmp_path):
    from u4ssc.core import default_engine
    from u4ssc.excel_addin.template import build_workbook

    workbook, _ = build_workbook(default_engine())
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = "Aster", 2023
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    sheet.cell(rows["households"], 4, "71,6")
    workbook.save(tmp_path / "typed.xlsx")
    run = user("score", tmp_path / "typed.xlsx", "-o", tmp_path / "out.csv")
    assert f"cell Inputs!D{rows['households']}, column 'households': the text '71,6'" in run.text
    assert "type the number itself" in run.text
