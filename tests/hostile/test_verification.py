"""Hostile verifier input (issue 14.7): every unusable cell of the Verification and Questions
sheets is a problem naming its cell and how to fix it; the cell counts as empty and everything
else is scored."""

from __future__ import annotations

import json

from conftest import assert_told

from u4ssc.excel_addin.template import build_workbook
from u4ssc.excel_addin.verification import QUESTION, VERIFY


def test_bad_verifier_cells_are_named_by_cell_and_read_as_empty(user, official, tmp_path):
    workbook, _ = build_workbook(official)
    workbook["Inputs"]["B2"], workbook["Inputs"]["B3"] = "Aster", 2024
    sheet, questions = workbook["Verification"], workbook["Questions"]
    sheet[f"{VERIFY['verified']}5"] = "maybe"  # not in the list
    sheet[f"{VERIFY['verified on']}5"] = "next week"  # not a date
    lost = sheet[f"{VERIFY['verified on']}6"]
    lost.value, lost.number_format = 45731, "General"  # a paste replaced the date format
    sheet[f"{VERIFY['reported (verifier)']}6"] = True  # not the text yes or no
    sheet[f"{VERIFY['verified']}7"] = "YES "  # any case and spacing is yes
    questions[f"{QUESTION['KPI']}5"] = "EC: ICT: ICT: 9C"  # typed past the drop-down
    questions[f"{QUESTION['question']}5"] = "Which survey?"
    questions[f"{QUESTION['question']}6"] = "No KPI picked"
    questions[f"{QUESTION['KPI']}7"] = "ec:ict:ict:1c"  # any spacing and case finds the id
    questions[f"{QUESTION['closed']}7"] = "done"
    path = tmp_path / "verified.xlsx"
    workbook.save(path)

    run = user("validate", path)
    assert_told(
        run,
        1,
        "verified.xlsx, cell Verification!I5, column 'verified': 'maybe' is not yes or no",
        "cell Verification!K5, column 'verified on': 'next week' is not a date",
        "cell Verification!K6",
        "45731",
        "cell Verification!G6, column 'reported (verifier)': True is not yes or no",
        "cell Questions!A5, column 'KPI': 'EC: ICT: ICT: 9C' is not the id of a KPI",
        "did you mean",
        "cell Questions!A6, column 'KPI': this question names no KPI",
        "cell Questions!F7, column 'closed': 'done' is not yes or no",
    )
    assert "Verification!I7" not in run.text

    run = user("score", path, "--format", "json")
    assert_told(run, 0, "Verification!I5")
    rows = json.loads(run.stdout)["rows"]
    assert len(rows) == len(official.outputs)
    first, third = rows[0], rows[2]
    assert (first["verified"], first["verified_on"]) == ("", "")
    assert third["verified"] == "yes"
    assert (first["questions"], first["open_questions"]) == (1, 1)  # 'done' is not closed
    assert sum(r["questions"] for r in rows) == 1  # the unknown and the empty KPI: not counted


def test_a_verification_sheet_without_its_header_row_is_said(user, official, tmp_path):
    workbook, _ = build_workbook(official)
    workbook["Inputs"]["B2"], workbook["Inputs"]["B3"] = "Aster", 2024
    workbook["Questions"]["B4"] = "our question"  # the header 'question' typed over
    path = tmp_path / "headless.xlsx"
    workbook.save(path)
    run = user("score", path, "--format", "json")
    assert_told(
        run, 0, "warning", "cell Questions!A1", "sheet 'Questions' has no header row", "'question'"
    )
    assert json.loads(run.stdout)["manifest"]["verification"]["questions"] == 0
