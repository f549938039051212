"""docs/excel.md and the xlwings Lite files keep up with the worksheet functions."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import importlib.util
import inspect
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("xlwings")

from u4ssc.excel_addin import udfs

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[2]
LITE = ROOT / "excel_addin" / "lite"


def test_every_function_is_documented_with_its_arguments():
    text = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    for name in udfs.__all__:
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        shown = ", ".join(
            f"[{p.name}]" if p.default is not inspect.Parameter.empty else p.name for p in params
        )
        assert f"`{name.upper()}({shown})`" in text, name


def test_lite_main_imports_every_function_of_the_classic_module():
    tree = ast.parse((LITE / "main.py").read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert [(n.module, [a.name for a in n.names]) for n in imports] == [
        ("u4ssc.excel_addin.udfs", ["*"])
    ]
    spec = importlib.util.spec_from_file_location("lite_main", LITE / "main.py")
    assert spec is not None
    assert spec.loader is not None
    main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(main)  # the file the user pastes, imported as Lite imports it
    registered = sorted(name for name in vars(main) if not name.startswith("__"))
    assert registered == sorted(udfs.__all__)


def test_lite_requirements_name_xlwings_and_a_u4ssc_wheel():
    lines = [
        line.strip()
        for line in (LITE / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0].startswith("xlwings")
    assert lines[1].endswith("-py3-none-any.whl")
    assert "/u4ssc-" in lines[1]


def test_the_lite_files_ship_in_the_package():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"u4ssc.excel_addin" = ["lite/*"]' in pyproject


# -- the full round of docs/excel.md --------------------------------------------------------------

ROUND = re.compile(
    r"```sh\n(?P<sh>.*?)```"
    r"|<!-- typed: (?P<who>\w+) -->\n(?P<table>(?:\|[^\n]*\n)+)"
    r"|<!-- manifest: (?P<file>\S+) -->\n```json\n(?P<json>.*?)```",
    re.S,
)


def _round_steps(text: str) -> list[re.Match[str]]:
    """The commands, typed tables and manifest excerpts of the full round, in document order."""
    start = text.index("## A full round")
    end = text.index("\n## ", start + 1)
    return list(ROUND.finditer(text[start:end]))


def _typed(cell: str) -> Any:
    """What a spreadsheet stores for a typed text: a number, a date, or the text."""
    if re.fullmatch(r"-?\d+", cell):
        return int(cell)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", cell):
        return dt.date.fromisoformat(cell)
    return cell


def _type_into(path: Path, table: str) -> int:
    """Type the rows of a docs table (sheet, row, column, typed) into the workbook: a row is a
    sheet row number or the text of its first cell (an id, or a label such as City); a column
    a header or a column letter. Return how many cells were typed."""
    workbook = openpyxl.load_workbook(path)
    lines = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()]
    assert lines[0] == ["sheet", "row", "column", "typed"], lines[0]
    for sheet_name, row, column, typed in lines[2:]:
        sheet = workbook[sheet_name]
        rows = {c.value: c.row for c in sheet["A"] if c.value is not None}
        at = int(row) if row.isdigit() else rows[row]
        headers = {
            c.value: c.column_letter
            for line in sheet.iter_rows(max_row=10)
            for c in line
            if c.value
        }
        letter = headers.get(column, column)
        assert re.fullmatch(r"[A-Z]{1,2}", letter), f"no column {column!r} on {sheet_name}"
        sheet[f"{letter}{at}"] = _typed(typed.replace("\\|", "|"))
    workbook.save(path)
    return len(lines) - 2


def test_the_full_round_of_a_statistician_and_a_verifier_runs_as_written(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from u4ssc.cli import cli
    from u4ssc.core.result import LONG_COLUMNS
    from u4ssc.core.verification import VERIFICATION_COLUMNS

    text = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    workbook = tmp_path / "aster-2024.xlsx"
    ran, typed, checked = [], 0, 0
    for step in _round_steps(text):
        if step["sh"]:
            for line in step["sh"].strip().splitlines():
                args = shlex.split(line)
                assert args[0] == "u4ssc", line
                run = CliRunner().invoke(cli, args[1:])
                assert run.exit_code == 0, f"{line}: {run.output}"
                assert "error" not in run.stderr, f"{line}: {run.stderr}"
                ran.append(args[1])
        elif step["who"]:
            typed += _type_into(workbook, step["table"])
        else:
            manifest = json.loads((tmp_path / step["file"]).read_text(encoding="utf-8"))
            assert manifest["verification"] == json.loads(step["json"]), manifest["verification"]
            checked += 1
    assert ran == ["template", "validate", "score", "report", "score", "report"]
    assert typed >= 25
    assert checked == 1
    with (tmp_path / "aster-2024-verified.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == (*LONG_COLUMNS, *VERIFICATION_COLUMNS)
    by_code = {r["code"] + (f": {r['data_point']}" if r["data_point"] else ""): r for r in rows}
    assert by_code["EC: ICT: ICT: 2C"]["verified"] == "no"
    assert by_code["EC: ICT: ICT: 2C"]["open_questions"] == "1"
    assert by_code["EC: ICT: ICT: 4C: 4G"]["status"] == "computed"
    assert by_code["EC: ICT: ICT: 4C: 4G"]["reported"] == "no"  # the verifier's override
    assert by_code["EC: ICT: ICT: 1C"]["source"] == "census 2021; household survey 2024"
    before = (tmp_path / "aster-2024.csv").read_text(encoding="utf-8").splitlines()[0]
    assert before.endswith("open_questions")  # the template's sheets are there from the start
    html = (tmp_path / "aster-2024-verified.html").read_text(encoding="utf-8")
    assert "Can the operator give home lines only?" in html
    assert "not verified: 1</li>" in html
