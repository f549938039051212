"""docs/excel.md and the xlwings Lite files keep up with the worksheet functions."""

from __future__ import annotations

import ast
import importlib.util
import inspect
from pathlib import Path

import pytest

pytest.importorskip("xlwings")

from u4ssc.excel_addin import udfs

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
