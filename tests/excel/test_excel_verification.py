"""The verifier's round: the workbook's Verification and Questions sheets, filled with openpyxl
as a verifier fills them, read back by ``u4ssc score`` into every output row, the manifest and
the HTML report."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from excel_cases import NO_SOFFICE, SOFFICE, city, convert, type_inputs

from u4ssc.cli import cli
from u4ssc.core import default_engine
from u4ssc.core.result import LONG_COLUMNS
from u4ssc.core.verification import VERIFICATION_COLUMNS
from u4ssc.excel_addin.template import build_workbook
from u4ssc.excel_addin.verification import QUESTION, QUESTION_ROWS, VERIFY

openpyxl = pytest.importorskip("openpyxl")

#: The verifier's entries: (verified, comment, date, reported override) by KPI value.
VERDICTS: dict[str, tuple[Any, ...]] = {
    "EC: ICT: ICT: 1C": ("yes", "census 2021 checked", dt.datetime(2025, 3, 14), None),
    "EC: ICT: ICT: 2C": ("No", "operator figures disagree", "2025-03-15", None),
    # Computed from the inputs, but the verifier finds it was not really reported.
    "EC: ICT: ICT: 3C": (None, "copied from 2019", None, "no"),
    # Not reported in the inputs, but the city sent the figure on paper.
    "EN: EN: AQ: 1C: PM2.5": ("yes", None, dt.date(2025, 3, 16), "yes"),
}
#: Questions raised with the city: (KPI value, question, raised by, raised on, answer, closed).
QUESTIONS = [
    ("EC: ICT: ICT: 2C", "Which operator survey?", "A. Verifier", dt.date(2025, 3, 10), None, None),
    ("EC: ICT: ICT: 2C", "Business lines counted?", "A. Verifier", None, "No, homes only", "yes"),
    ("EC: ICT: ICT: 1C", "Is 2021 the latest census?", "B. Verifier", None, None, "no"),
]


def _rows(sheet: Any, column: str = "A") -> dict[Any, int]:
    return {c.value: c.row for c in sheet[column][4:] if c.value is not None}


def fill(path: Path, *, shuffle: bool = False) -> Path:
    """A workbook filled by a statistician (Brindle Bay 2023, PM2.5 left out) and a verifier."""
    workbook, _ = build_workbook(default_engine())
    values = city("Brindle Bay", 2023)
    values["pm25_annual_mean"] = None
    type_inputs(workbook, "Brindle Bay", 2023, values)
    sheet = workbook["Verification"]
    rows = _rows(sheet)
    for output_id, (verified, comment, date, override) in VERDICTS.items():
        for header, value in (
            ("verified", verified),
            ("verifier comment", comment),
            ("verified on", date),
            ("reported (verifier)", override),
        ):
            sheet[f"{VERIFY[header]}{rows[output_id]}"] = value
    questions = workbook["Questions"]
    for row, entry in enumerate(QUESTIONS, start=5):
        for column, value in zip(QUESTION.headers, entry, strict=True):
            questions[f"{QUESTION[column]}{row}"] = value
    if shuffle:  # the verifier sorted the sheet: the rows are read by their ids
        _shuffle_rows(sheet)
    workbook.save(path)
    return path


def _shuffle_rows(sheet: Any) -> None:
    from openpyxl.formula.translate import Translator

    rows = list(range(5, sheet.max_row + 1))
    cells = {r: [(c.coordinate, c.value) for c in sheet[r]] for r in rows}
    for new, old in zip(rows, random.Random(7).sample(rows, len(rows)), strict=True):
        for column, (origin, value) in enumerate(cells[old], start=1):
            if isinstance(value, str) and value.startswith("="):
                value = Translator(value, origin=origin).translate_formula(
                    sheet.cell(new, column).coordinate
                )
            sheet.cell(new, column).value = value


def score_json(path: Path, *args: str) -> tuple[dict[str, Any], str]:
    found = CliRunner().invoke(cli, ["score", str(path), "--format", "json", *args])
    assert found.exit_code == 0, found.output
    return json.loads(found.stdout), found.stderr


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return fill(tmp_path_factory.mktemp("verified") / "brindle-verified.xlsx")


def test_the_verifier_has_two_sheets_with_unlocked_cells_and_checked_entries():
    workbook, _ = build_workbook(default_engine())
    names = workbook.sheetnames
    assert names.index("Verification") == names.index("Dimensions") + 1
    assert names.index("Questions") == names.index("Verification") + 1
    sheet, questions = workbook["Verification"], workbook["Questions"]
    assert [c.value for c in sheet[4]] == list(VERIFY.headers)
    assert sheet.max_row - 4 == len(default_engine().outputs)
    for ws in (sheet, questions):
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title  # printed to the page width
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$4:$4", ws.title
        assert ws.oddHeader.left.text.endswith("U4SSC data collection: &A"), ws.title
    typed = ("reported (verifier)", "verified", "verifier comment", "verified on")
    for header in VERIFY.headers:
        cell = sheet[f"{VERIFY[header]}5"]
        assert cell.protection.locked is (header not in typed), header
    assert QUESTION_ROWS == 100  # as docs/excel.md says
    for row in (5, 4 + QUESTION_ROWS):
        assert all(
            questions[f"{QUESTION[h]}{row}"].protection.locked is False for h in QUESTION.headers
        )
    checks = {str(c.sqref): c for c in sheet.data_validations.dataValidation}
    last = sheet.max_row
    assert checks[f"I5:I{last}"].formula1 == '"yes,no"'
    assert checks[f"G5:G{last}"].formula1 == '"yes,no"'
    assert checks[f"K5:K{last}"].type == "date"
    asked = {str(c.sqref): c for c in questions.data_validations.dataValidation}
    assert asked[f"A5:A{4 + QUESTION_ROWS}"].formula1 == f"Verification!$A$5:$A${last}"
    assert asked[f"F5:F{4 + QUESTION_ROWS}"].formula1 == '"yes,no"'
    # The value, status and reported flag are looked up on the KPIs sheet by id.
    assert sheet["N5"].value == f"=MATCH($A5,KPIs!$A$5:$A${last},0)"  # not whole columns: slow
    assert sheet["H5"].value == '=IF(TRIM(G5)="",F5,LOWER(TRIM(G5)))'


def test_score_carries_the_verification_into_every_output_row(filled):
    found, stderr = score_json(filled)
    rows = found["rows"]
    assert len(rows) == len(default_engine().outputs)
    assert all(tuple(r)[len(LONG_COLUMNS) :] == VERIFICATION_COLUMNS for r in rows)
    by_id = {r["code"] + (f": {r['data_point']}" if r["data_point"] else ""): r for r in rows}
    one, two = by_id["EC: ICT: ICT: 1C"], by_id["EC: ICT: ICT: 2C"]
    assert (one["verified"], one["verifier_comment"], one["verified_on"]) == (
        "yes",
        "census 2021 checked",
        "2025-03-14",
    )
    assert (two["verified"], two["verified_on"]) == ("no", "2025-03-15")  # any case, ISO text
    assert (one["questions"], one["open_questions"]) == (1, 1)
    assert (two["questions"], two["open_questions"]) == (2, 1)  # one closed
    # The reported flag: yes where the value has a number, unless the verifier set it.
    assert by_id["EC: ICT: ICT: 3C"]["status"] == "computed"
    assert by_id["EC: ICT: ICT: 3C"]["reported"] == "no"
    assert by_id["EN: EN: AQ: 1C: PM2.5"]["status"] == "not reported"
    assert by_id["EN: EN: AQ: 1C: PM2.5"]["reported"] == "yes"
    for output_id, row in by_id.items():
        if output_id not in VERDICTS:
            has_number = row["status"] in ("computed", "reported")
            assert row["reported"] == ("yes" if has_number else "no"), output_id
            assert row["verified"] == row["verifier_comment"] == row["verified_on"] == ""
    counts = found["manifest"]["verification"]
    assert counts["values"] == len(rows)
    assert (counts["verified"], counts["not_verified"]) == (2, 1)
    assert counts["not_checked"] == len(rows) - 3
    assert counts["reported"] == sum(r["reported"] == "yes" for r in rows)
    assert counts["reported_set_by_verifier"] == 2
    assert (counts["questions"], counts["open_questions"]) == (3, 2)
    assert counts["values_with_open_questions"] == 2
    assert "error" not in stderr


def test_a_csv_output_and_its_manifest_hold_the_verification(filled, tmp_path):
    out = tmp_path / "scores.csv"
    found = CliRunner().invoke(cli, ["score", str(filled), "-o", str(out)])
    assert found.exit_code == 0, found.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == (*LONG_COLUMNS, *VERIFICATION_COLUMNS)
    assert rows[0]["verifier_comment"] == "census 2021 checked"
    manifest = json.loads((tmp_path / "scores.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["verification"]["open_questions"] == 2


def test_the_wide_shape_carries_the_verification_of_every_value(filled, tmp_path):
    """`--shape wide` has, after each value's status and points, its verification columns,
    holding what the long rows hold."""
    long, _ = score_json(filled)
    wide_out = tmp_path / "wide.csv"
    found = CliRunner().invoke(cli, ["score", str(filled), "--shape", "wide", "-o", str(wide_out)])
    assert found.exit_code == 0, found.output
    with wide_out.open(encoding="utf-8", newline="") as handle:
        (wide,) = list(csv.DictReader(handle))
    outputs = default_engine().outputs
    assert list(wide)[2:] == [
        name
        for o in outputs
        for name in (o.id, *(f"{o.id} {c}" for c in ("status", "points", *VERIFICATION_COLUMNS)))
    ]
    assert len(long["rows"]) == len(outputs)
    for output, row in zip(outputs, long["rows"], strict=True):
        for column in VERIFICATION_COLUMNS:
            assert wide[f"{output.id} {column}"] == str(row[column]), (output.id, column)
    assert wide["EC: ICT: ICT: 1C verifier_comment"] == "census 2021 checked"
    assert wide["EC: ICT: ICT: 2C open_questions"] == "1"


def test_a_sorted_verification_sheet_reads_the_same(filled, tmp_path):
    shuffled = fill(tmp_path / "shuffled.xlsx", shuffle=True)
    moved = openpyxl.load_workbook(shuffled)["Verification"]
    assert moved["A5"].value != openpyxl.load_workbook(filled)["Verification"]["A5"].value
    assert score_json(shuffled)[0]["rows"] == score_json(filled)[0]["rows"]


def test_inputs_other_than_the_workbook_have_no_verification_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("city,year,households\nAster,2023,1000\n", encoding="utf-8")
    found, _ = score_json(path)
    assert tuple(found["rows"][0]) == LONG_COLUMNS
    assert "verification" not in found["manifest"]


def test_the_report_shows_the_verification_per_kpi_and_in_a_summary(filled, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "report.html"
    found = CliRunner().invoke(cli, ["report", str(filled), "-o", str(out)])
    assert found.exit_code == 0, found.output
    html = out.read_text(encoding="utf-8")
    assert '<a href="#verification">Verification</a>' in html
    summary = html[html.index('<section id="verification">') :]
    summary = summary[: summary.index("</section>")]
    assert "verified: 2</li>" in summary
    assert "not verified: 1</li>" in summary
    assert f"not checked yet: {len(default_engine().outputs) - 3}</li>" in summary
    assert "questions: 3, of which open: 2" in summary
    assert "Which operator survey?" in summary
    assert "No, homes only" in summary
    assert summary.index("Is 2021 the latest census?") < summary.index("Business lines")
    row = html[html.index('id="kpi-ec-ict-ict-2c"') :]
    row = row[: row.index("</tr>")]
    assert "not verified" in row
    assert "on 2025-03-15" in row
    assert "operator figures disagree" in row
    assert "1 open" in row


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_libreoffice_computes_the_reported_flag_and_the_counts_as_u4ssc_score(filled, tmp_path):
    """Recalculated by a real spreadsheet: the reported flag of every value is the engine's, the
    verifier's override wins over the formula, and the question counts agree; also after the
    rows of the Verification sheet were shuffled, as a sort moves them."""
    shuffled = fill(tmp_path / "shuffled.xlsx", shuffle=True)
    saved, moved = convert([filled, shuffled], "xlsx", tmp_path / "recalculated")
    rows, _ = score_json(filled)
    scored = {
        r["code"] + (f": {r['data_point']}" if r["data_point"] else ""): r for r in rows["rows"]
    }
    for path in (saved, moved):
        sheet = openpyxl.load_workbook(path, data_only=True)["Verification"]
        shown = {
            row[0]: dict(zip(VERIFY.headers, row, strict=False))
            for row in sheet.iter_rows(min_row=5, values_only=True)
        }
        assert set(shown) == set(scored)
        for output_id, expected in scored.items():
            got = shown[output_id]
            where = f"{path.name}: {output_id}: workbook {got}, u4ssc {expected}"
            assert got["reported"] == expected["reported"], where
            assert got["status"] == expected["status"], where
            assert got["questions"] == expected["questions"], where
            assert got["open questions"] == expected["open_questions"], where
        # The formula says what the inputs give; the verifier's override wins.
        three, pm25 = shown["EC: ICT: ICT: 3C"], shown["EN: EN: AQ: 1C: PM2.5"]
        assert (three["reported (from the inputs)"], three["reported"]) == ("yes", "no")
        assert (pm25["reported (from the inputs)"], pm25["reported"]) == ("no", "yes")
        summary = f"Verified: 2 of {len(scored)}; not verified: 1; open questions: 2"
        assert sheet["A2"].value == summary
        # Saved by the spreadsheet, the workbook reads back the same (dates stay dates).
        assert score_json(path)[0]["rows"] == rows["rows"]
