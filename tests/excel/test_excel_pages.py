"""How the data-collection workbook looks and prints, checked in LibreOffice: no error values in
an empty or a half-filled workbook, one named font, headers and numbers that fit their columns,
wrapped texts that get their height, and pages exported to PDF that are landscape, fitted to the
width, one section per dimension, with the header repeated; and the chart of category scores.

Widths are measured here with the real metrics of DejaVu Sans (matplotlib's font, the one
LibreOffice draws Arial with on this machine), not with the estimate the workbook is built with.
"""

from __future__ import annotations

import functools
import itertools
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import readme_picture
from excel_cases import NO_SOFFICE, SOFFICE, city, convert, type_inputs

from u4ssc.core import default_engine
from u4ssc.excel_addin.layout import FONT
from u4ssc.excel_addin.template import CHART_TITLE, ROLLUP_SHEETS, build_workbook

openpyxl = pytest.importorskip("openpyxl")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
#: The sheets a user sees, with the row of their table's header.
TABLES = {
    "Inputs": 5,
    "KPIs": 4,
    "Targets": 4,
    **dict.fromkeys(ROLLUP_SHEETS.values(), 4),
    "Verification": 4,
    "Questions": 4,
}
ROOT = Path(__file__).resolve().parents[2]
ERRORS = ("#VALUE!", "#N/A", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "Err:")


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """The official workbook empty, half-filled and filled (Dunmere 2023), as typed (``…-typed``),
    recalculated by LibreOffice, and the filled one exported to PDF."""
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    work = tmp_path_factory.mktemp("pages")
    engine = default_engine()
    values = city("Dunmere", 2023)
    half = {k: v for i, (k, v) in enumerate(values.items()) if i % 2}
    typed = {}
    for name, filling in (("empty", {}), ("half", half), ("filled", values)):
        workbook, _ = build_workbook(engine)
        type_inputs(workbook, "Dunmere", 2023, filling)
        typed[name] = work / f"{name}.xlsx"
        workbook.save(typed[name])
    found = {f"{name}-typed": path for name, path in typed.items()}
    recalculated = convert(typed.values(), "xlsx", work / "recalculated")
    found.update(zip(typed, recalculated, strict=True))
    (found["pdf"],) = convert([typed["filled"]], "pdf", work / "pdf")
    return found


# -- what a cell shows -----------------------------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("name", ["empty", "half", "filled"])
def test_no_cell_evaluates_to_an_error(workbooks, name):
    """Blank or a status text where an input is missing, never #VALUE! (column R of the KPIs
    sheet showed it in every row of an empty workbook)."""
    workbook = openpyxl.load_workbook(workbooks[name], data_only=True)
    errors = [
        f"{ws.title}!{cell.coordinate}: {cell.value}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "e" or (isinstance(cell.value, str) and cell.value.startswith(ERRORS))
    ]
    assert errors == []
    kpis = workbook["KPIs"]
    statuses = {kpis.cell(r, 9).value for r in range(5, kpis.max_row + 1)}
    assert "not reported" in statuses  # the empty cells say why instead
    if name == "filled":
        assert "computed" in statuses


def test_every_cell_and_style_names_the_one_font(tmp_path):
    """Every font of the workbook is Arial, named: no unnamed font falls back to a serif."""
    workbook, _ = build_workbook(default_engine())
    unnamed = [
        f"{ws.title}!{cell.coordinate}: {cell.font.name}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.font.name != FONT
    ]
    assert unnamed == []
    path = tmp_path / "fonts.xlsx"
    workbook.save(path)
    saved = openpyxl.load_workbook(path)
    assert {font.name for font in saved._fonts} == {FONT}  # the default font too
    assert {style.font.name for style in saved._named_styles} == {FONT}


# -- widths and heights, measured with the font's real metrics -------------------------------------


@functools.cache
def _face(bold: bool) -> Any:
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    weight = "bold" if bold else "normal"
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight=weight))
    assert "DejaVuSans" in path, (matplotlib.__version__, path)
    face = FT2Font(path)
    face.set_size(10, 72)  # 10 points, in points
    return face


def _points(text: str, bold: bool = False) -> float:
    """The width of ``text`` at 10 points, in points: the sum of its characters' advances."""
    face = _face(bold)
    return sum(face.load_char(ord(char)).linearHoriAdvance for char in text) / 65536


def _room(ws: Any, letter: str) -> float:
    """The points a column gives its text: its width in digits 0, less a digit of margins."""
    width = ws.column_dimensions[letter].width or 8.43
    return (width - 1) * _points("0")


def _lines(text: str, room: float, bold: bool = False) -> int:
    """Lines of ``text`` wrapped at word boundaries into ``room`` points."""
    lines = 0
    for paragraph in str(text).split("\n"):
        line = ""
        lines += 1
        for word in paragraph.split(" "):
            if line and _points(f"{line} {word}", bold) > room:
                lines += 1
                line = word
            else:
                line = f"{line} {word}".strip()
    return lines


@pytest.fixture(scope="module")
def official():
    workbook, _ = build_workbook(default_engine())
    return workbook


@pytest.mark.parametrize("title", list(TABLES))
def test_headers_fit_their_columns_and_their_row(official, title):
    """No cut-off header ("% of targe"): each word of a header fits its column, and the wrapped
    header fits the height of its row."""
    ws, row = official[title], TABLES[title]
    height = ws.row_dimensions[row].height or 12.75
    for cell in ws[row]:
        if cell.value is None:
            continue
        room = _room(ws, cell.column_letter)
        for word in str(cell.value).split():
            assert _points(word, bold=True) <= room, f"{title}!{cell.coordinate} {word!r}"
        lines = _lines(cell.value, room, bold=True)
        assert lines * 11.7 <= height, f"{title}!{cell.coordinate}: {lines} lines in {height} pt"


@pytest.mark.parametrize(("title", "letters"), [("Inputs", "ABC"), ("KPIs", "ABCDEG")])
def test_texts_fit_their_columns_and_wrapped_ones_their_rows(official, title, letters):
    """Ids and other unwrapped texts fit their column; wrapped descriptions and names get the
    height of all their lines, so that they do not overlap the next row."""
    ws, header = official[title], TABLES[title]
    checked = 0
    for line in ws.iter_rows(min_row=header + 1):
        for cell in line:
            if cell.column_letter not in letters or not isinstance(cell.value, str):
                continue
            if cell.value.startswith("="):
                continue
            room = _room(ws, cell.column_letter)
            where = f"{title}!{cell.coordinate} {cell.value!r}"
            if cell.alignment.wrap_text:
                height = ws.row_dimensions[cell.row].height or 12.75
                assert _lines(cell.value, room) * 11.7 <= height, where
            else:
                assert _points(cell.value) <= room, where
            checked += 1
    assert checked > 100


def _shown(value: float, number_format: str) -> str:
    if number_format.endswith("%"):
        return f"{value * 100:,.2f} %"
    if "#,##0.00" in number_format:
        return f"{value:,.2f}"
    if number_format == "0.0":
        return f"{value:.1f}"
    return f"{value:.10g}"


@needs_soffice
def test_numbers_fit_their_columns_in_a_filled_workbook(workbooks):
    """No ``###``: every number LibreOffice computed fits its column as formatted."""
    workbook = openpyxl.load_workbook(workbooks["filled"], data_only=True)
    numbers = 0
    for title, header in TABLES.items():
        ws = workbook[title]
        for line in ws.iter_rows(min_row=header + 1):
            for cell in line:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    text = _shown(cell.value, cell.number_format)
                    room = _room(ws, cell.column_letter)
                    assert _points(text) <= room, f"{title}!{cell.coordinate} {text}"
                    numbers += 1
    assert numbers > 500


# -- printing ------------------------------------------------------------------------------------


def test_each_sheet_is_set_up_to_print(official):
    engine = default_engine()
    kpis = official["KPIs"]
    for title in ["About", *TABLES]:
        ws = official[title]
        assert ws.page_setup.orientation == "landscape", title
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4), title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, title
        high = 1 if title == "About" else 0  # the About sheet on one page
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, high), title
        if title in TABLES and title != "Dimensions":
            assert ws.print_title_rows == f"${TABLES[title]}:${TABLES[title]}", title
    # The columns a statistician fills, and the KPIs up to their band (docs/excel.md).
    inputs = official["Inputs"]
    assert inputs.print_area == f"'Inputs'!$A$1:$H${inputs.max_row}"
    assert inputs["H5"].value == "comment"
    assert kpis.print_area == f"'KPIs'!$A$1:$N${kpis.max_row}"
    assert kpis["N4"].value == "band"
    # One section per dimension: a page break after the last KPI of each dimension but the last.
    dimensions = [kpis.cell(r, 3).value for r in range(5, 5 + len(engine.outputs))]
    ends = [r for r, (a, b) in enumerate(itertools.pairwise(dimensions), 5) if a != b]
    assert [b.id for b in kpis.row_breaks.brk] == ends
    assert len(ends) == 2


def _pages(pdf: Path) -> list[tuple[str, float, float, str]]:
    """Each page of the PDF: its sheet (from the page header), width, height and text."""
    pypdf = pytest.importorskip("pypdf")
    pages = []
    for page in pypdf.PdfReader(pdf).pages:
        text = page.extract_text()
        found = re.match(r"U4SSC data collection: (.+)", text)
        assert found, text[:200]
        box = page.mediabox
        pages.append((found.group(1).strip(), float(box.width), float(box.height), text))
    return pages


def _bare(text: Any) -> str:
    """Text without its spaces and line breaks: the PDF's text runs wrapped cells together."""
    return "".join(str(text).split())


@needs_soffice
def test_the_filled_workbook_prints_fitted_to_the_page_width(workbooks):
    """Exported to PDF by LibreOffice: every page is landscape A4; every page of a table shows
    every header of its printed columns (a column cut off onto a page of its own would be missing
    from the others), every row's id is printed, each KPIs page holds one dimension, and the
    whole workbook takes few pages (it took 75 before)."""
    pages = _pages(workbooks["pdf"])
    assert {(round(w), round(h)) for _, w, h, _ in pages} == {(842, 595)}
    by_sheet: dict[str, list[str]] = {}
    for sheet, _, _, text in pages:
        by_sheet.setdefault(sheet, []).append(text)
    assert list(by_sheet) == ["About", *TABLES]
    workbook = openpyxl.load_workbook(workbooks["filled-typed"])
    for title, header in TABLES.items():
        if title == "Dimensions":
            continue
        ws = workbook[title]
        last = ws.print_area.split(":")[-1].strip("$0123456789")
        headers = [c.value for c in ws[header] if c.column_letter <= last or len(last) > 1]
        for number, text in enumerate(by_sheet[title], start=1):
            missing = [h for h in headers if _bare(h) not in _bare(text)]
            assert missing == [], f"{title} page {number} lacks the columns {missing}"
        printed = _bare(" ".join(by_sheet[title]))
        ids = [c.value for c in ws["A"][header:] if c.value]
        assert [i for i in ids if _bare(i) not in printed] == [], title
    dimensions = ("Economy", "Environment", "Society and Culture")
    shown = [[d for d in dimensions if _bare(d) in _bare(t)] for t in by_sheet["KPIs"]]
    assert all(len(found) == 1 for found in shown), shown
    assert [found[0] for found in shown] == sorted(
        (found[0] for found in shown), key=dimensions.index
    )
    counts = {sheet: len(texts) for sheet, texts in by_sheet.items()}
    assert counts["About"] == 1
    assert counts["Dimensions"] == 2  # the table, then the chart
    assert 3 <= counts["KPIs"] <= 8
    assert len(pages) <= 40, counts


# -- the picture ---------------------------------------------------------------------------------


def test_the_chart_draws_every_category_s_roll_up_cell(official):
    """The bar chart under the Dimensions table reads the % cell of every row of the Categories
    sheet, labelled by its category."""
    (chart,) = official["Dimensions"]._charts
    categories = official["Categories"]
    header = {c.value: c.column_letter for c in categories[4]}
    last = 4 + len(default_engine().score_one({}).rollup("category"))
    assert categories.max_row == last
    (series,) = chart.series
    assert series.val.numRef.f == f"'Categories'!${header['%']}$5:${header['%']}${last}"
    category = header["category"]
    assert series.cat.strRef.f == f"'Categories'!${category}$5:${category}${last}"
    assert all(
        str(categories[f"{header['%']}{r}"].value).startswith("=IF(") for r in range(5, last)
    )
    assert chart.title.tx.rich.p[0].r[0].t == CHART_TITLE


@needs_soffice
def test_the_chart_is_printed_with_the_city_s_category_scores(workbooks):
    pages = [text for sheet, _, _, text in _pages(workbooks["pdf"]) if sheet == "Dimensions"]
    chart = " ".join(pages[-1].split())
    assert _bare(CHART_TITLE) in _bare(chart)
    recalculated = openpyxl.load_workbook(workbooks["filled"], data_only=True)["Categories"]
    scores = [recalculated.cell(r, 6).value for r in range(5, recalculated.max_row + 1)]
    shown = [f"{s:.1f}" for s in scores if isinstance(s, (int, float))]
    assert len(shown) >= 10
    assert all(score in chart.split() for score in shown), (shown, chart)


def test_the_readme_shows_the_picture_of_the_filled_workbook():
    readme_picture("workbook.png")
    assert "python docs/make_screenshots.py workbook" in (ROOT / "README.md").read_text("utf-8")


@needs_soffice
@pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed (no pdftoppm): .ci/run installs it to draw the "
    "README's picture of the workbook",
)
def test_the_script_draws_the_first_kpis_page_of_the_filled_workbook(tmp_path):
    import make_screenshots

    pypdf = pytest.importorskip("pypdf")
    png = make_screenshots.workbook_picture(tmp_path)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = (int.from_bytes(png[at : at + 4], "big") for at in (16, 20))
    assert (width, height) == (round(841.89 * 160 / 72), round(595.3 * 160 / 72))  # landscape
    pages = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "dunmere-2023.pdf").pages]
    kpis = next(text for text in pages if "data collection: KPIs" in text)
    assert "Dunmere (synthetic)" in kpis
    assert "Household Internet Access" in kpis
