"""Hostile users of issue 13, items 1–3: values out of bounds, formulas that are not
element-wise, impossible targets; each run through the CLI as a user types it.

Every case asserts the exit code, a message naming what is wrong, where and how to fix it, no
traceback (the ``user`` fixture fails on one), and that every input city-year and every KPI
comes out with a value or an explicit status and reason, or that the run refuses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import assert_told

from .test_inputs import EXAMPLE, example_rows, scored, write_csv


def _changed(tmp_path: Path, **cells: str) -> Path:
    """The example with the first row's cells changed (columns added where new)."""
    header, rows = example_rows()
    for name, value in cells.items():
        if name not in header:
            header.append(name)
            for row in rows:
                row.append("")
        rows[0][header.index(name)] = value
    return write_csv(tmp_path / "cities.csv", header, rows)


def _row(frame: pd.DataFrame, code: str, year: str = "2022") -> pd.Series:
    found = frame[(frame["code"] == code) & (frame["year"] == year)]
    return found[found["city"] == "Aster (synthetic)"].iloc[0]


def _score(user, official, tmp_path, given: Path, *options: object) -> pd.DataFrame:
    out = tmp_path / "scores.csv"
    run = user("score", given, "-o", out, *options)
    assert run.exit_code == 0, run.text
    return scored(out, official, len(example_rows()[1]))


# -- item 1: values out of bounds -----------------------------------------------------------------


#: (KPI, part, whole, how many times the whole the part is made)
INTERNET_14_TIMES = ("EC: ICT: ICT: 1C", "households_with_internet", "households", 14.5977)
ENROLMENT_130 = ("SC: EH: ED: 2C", "students_enrolled", "school_age_population", 1.3)


def _share_row(user, official, tmp_path, code: str, part: str, whole: str, times: float):
    """The first city-year's row of ``code`` once its ``part`` is ``times`` its ``whole``."""
    header, rows = example_rows()
    given = _changed(tmp_path, **{part: str(float(rows[0][header.index(whole)]) * times)})
    return _row(_score(user, official, tmp_path, given), code)


def test_a_share_above_100_is_invalid_naming_value_bound_and_inputs(user, official, tmp_path):
    row = _share_row(user, official, tmp_path, *INTERNET_14_TIMES)
    assert row["status"] == "invalid"
    assert row["value"] == ""
    assert row["points"] == ""
    assert row["reason"].startswith("1459.77 % is above the maximum 100 %: ")
    assert "households_with_internet (" in row["reason"]
    assert "exceeds households (" in row["reason"]
    assert "check both" in row["reason"]


@pytest.mark.parametrize(
    ("column", "typed", "bound"),
    [("EC: ICT: ICT: 1C", "150 %", "100 %"), ("SC: SH: SI: 2C", "27", "maximum 1")],
)
def test_a_reported_value_out_of_bounds_is_refused_by_validate_and_invalid(
    user, official, tmp_path, column, typed, bound
):
    given = _changed(tmp_path, **{column: typed})
    run = user("validate", given)
    assert_told(run, 1, "cities.csv", "row 1", column, bound, "1 error")
    row = _row(_score(user, official, tmp_path, given), column)
    assert row["status"] == "invalid"
    assert row["reason"].startswith(f"reported value in column {column!r}:")
    assert bound in row["reason"]
    assert row["points"] == ""


def test_gross_enrolment_above_100_is_scored_with_a_warning(user, official, tmp_path):
    row = _share_row(user, official, tmp_path, *ENROLMENT_130)
    assert row["status"] == "computed"
    assert float(row["value"]) == pytest.approx(130.0)
    assert row["points"] == "4"
    assert "outside its usual range, 0 to 100 %" in row["warnings"]
    assert "check its inputs" in row["warnings"]


# -- item 2: formulas that do not work element-wise -----------------------------------------------

PLUGIN = '''
import numpy as np
from u4ssc.core import hookimpl, indicator


@indicator("LOCAL: X: 1", name="Broken", unit="inhabitants", dimension="Local",
           subdimension="Local", category="X", direction="higher", tier="advanced")
def broken(population):
    """Not element-wise."""
    return {body}


@hookimpl
def u4ssc_indicators():
    return [broken]
'''


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("np.diff(population)", "returned an array of shape (11,) for 12 rows"),
        ("population.sum()", "returned one number"),
        (
            "population / population.max() if (population > 1e5).all() else 1 / 0",
            "another value when other rows are left out",
        ),
    ],
)
def test_a_formula_that_is_not_element_wise_is_an_error_naming_plugin_and_kpi(
    user, official, tmp_path, body, words
):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "crossrows.py").write_text(PLUGIN.format(body=body), encoding="utf-8")
    out = tmp_path / "scores.csv"
    run = user("--plugins-dir", folder, "score", EXAMPLE, "-o", out, fresh_engine=True)
    assert run.exit_code == 0, run.text
    frame = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert len(frame) == len(example_rows()[1]) * (len(official.outputs) + 1)
    local = frame[frame["code"] == "LOCAL: X: 1"]
    assert len(local) == len(example_rows()[1])
    assert (local["status"] == "error").all()
    assert (local["value"] == "").all()
    reason = local["reason"].iloc[0]
    assert (local["reason"] == reason).all()
    for word in (words, "LOCAL: X: 1 (broken", "plugin 'crossrows'", "element-wise"):
        assert word in reason
    official_rows = frame[frame["code"] != "LOCAL: X: 1"]
    assert (official_rows["status"] != "error").any()
    without = frame[frame["value"] == ""]
    assert (without["reason"] != "").all()


# -- item 3: impossible targets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("EC: ICT: ICT: 1C,0", ["a target of 0 %", "higher is better", "above 0"]),
        ("EC: P: EM: 1C,-50", ["a target of -50 %", "lower is better", "above 0"]),
        ("SC: SH: SI: 1C,0", ["a target of 0", "approach is better"]),
        ("EC: ICT: ICT: 1C,150", ["the target 150 %", "outside the values", "0 to 100"]),
        ("SC: SH: SI: 2C,27", ["the target 27", "0 to 1"]),
    ],
)
def test_an_impossible_target_is_refused_with_file_line_code_and_fix(user, tmp_path, line, words):
    targets = tmp_path / "mine.csv"
    targets.write_text(f"code,target\nEC: ICT: ICT: 2C,50\n{line}\n", encoding="utf-8")
    run = user("score", EXAMPLE, "--targets", targets, "-o", tmp_path / "scores.csv")
    code = line.split(",")[0]
    assert_told(run, 4, "mine.csv", "line 3", code, *words, "kind 'none'")
    assert not (tmp_path / "scores.csv").exists()


def test_a_zero_target_for_a_lower_is_better_kpi_in_what_if_is_refused(user, tmp_path):
    alternative = tmp_path / "alt.csv"
    alternative.write_text("code,target\nSC: SH: SA: 9C,0\n", encoding="utf-8")
    run = user("score", EXAMPLE, "--what-if", alternative, "-o", tmp_path / "scores.csv")
    assert_told(run, 4, "alt.csv", "line 2", "SC: SH: SA: 9C", "a target of 0", "above 0")


def test_a_plugin_target_of_zero_names_the_plugin_and_the_fix(user, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "zero_goal.py").write_text(
        "from u4ssc.core import Target, hookimpl\n\n\n@hookimpl\ndef u4ssc_targets():\n"
        '    return [Target("EC: ICT: ICT: 1C", 0.0, kind="local")]\n',
        encoding="utf-8",
    )
    out = tmp_path / "s.csv"
    run = user("--plugins-dir", folder, "score", EXAMPLE, "-o", out, fresh_engine=True)
    assert_told(
        run, 3, "plugin 'zero_goal'", "EC: ICT: ICT: 1C", "a target of 0 %", "u4ssc_targets",
        "U4SSC_BLOCK_PLUGINS",
    )  # fmt: skip


def test_an_indicator_table_target_of_zero_names_row_and_column(user, tmp_path):
    table = tmp_path / "local.csv"
    table.write_text(
        "code,name,unit,direction,target,formula\n"
        "LOCAL: X: 1,Online,%,higher,90,households_with_internet / households * 100\n"
        "LOCAL: X: 2,Offline,%,higher,0,100 - households_with_internet / households * 100\n",
        encoding="utf-8",
    )
    run = user("score", EXAMPLE, "--indicators", table, "-o", tmp_path / "s.csv", fresh_engine=True)
    assert_told(run, 3, "local.csv", "row 3", "column 'target'", "a target of 0 %", "empty")
