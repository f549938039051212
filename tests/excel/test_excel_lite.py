"""xlwings Lite: the u4ssc wheel installs in Pyodide, the requirements file points at it, and a
mistake in a worksheet function is an Excel error value there (ISERROR catches it).

Offline: the wheel is built here with ``pip wheel --no-deps --no-index``; what Pyodide bundles is
the checked-in list of tests/resources/pyodide (its header says where it comes from); a
dependency Pyodide does not bundle must be a pure-Python wheel, as its installed copy here shows.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from excel_cases import as_range, city
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from u4ssc.cli import cli
from u4ssc.excel_addin.lite_setup import LITE, wheel_name

pytest.importorskip("xlwings")

from u4ssc.excel_addin import udfs

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_LIST = ROOT / "tests" / "resources" / "pyodide" / "pyodide-0.27.5-packages.txt"
#: The environment markers of Pyodide 0.27.5 (Python 3.12.7 compiled to WebAssembly).
PYODIDE = {
    "python_version": "3.12",
    "python_full_version": "3.12.7",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


def bundled() -> dict[str, Version]:
    """Pyodide's bundled packages and their versions, by canonical name."""
    found = {}
    for line in BUNDLED_LIST.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, number, _ = line.split()
            found[canonicalize_name(name)] = Version(number)
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The u4ssc wheel, built offline from a copy of the sources (no build files in the tree)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "u4ssc"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for folder in ("api", "core", "plugins", "excel_addin", "report"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"),
            *("--no-build-isolation", "--disable-pip-version-check", "-w", str(work / "dist")),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (work / "dist").glob("*.whl")
    return found


def _metadata(wheel: Path, name: str) -> Any:
    with zipfile.ZipFile(wheel) as archive:
        (info,) = {n.split("/")[0] for n in archive.namelist() if ".dist-info/" in n}
        return Parser().parsestr(archive.read(f"{info}/{name}").decode("utf-8"))


def test_the_wheel_is_pure_python_and_carries_the_lite_files(wheel):
    assert wheel.name == wheel_name() == f"u4ssc-{version('u4ssc')}-py3-none-any.whl"
    tags = _metadata(wheel, "WHEEL")
    assert tags["Root-Is-Purelib"] == "true"
    assert tags.get_all("Tag") == ["py3-none-any"]
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"u4ssc/excel_addin/lite/main.py", "u4ssc/excel_addin/lite/requirements.txt"} <= names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dylib"))]


def _pure(name: str) -> tuple[bool, list[str], str]:
    """Whether the installed distribution ``name`` is a pure-Python wheel, its requirements,
    and its version."""
    found = distribution(name)
    tags = Parser().parsestr(found.read_text("WHEEL") or "")
    found_tags = tags.get_all("Tag") or []
    pure = (
        tags["Root-Is-Purelib"] == "true"
        and all(t.endswith("-none-any") for t in found_tags)
        and any("py3" in t.split("-")[0] for t in found_tags)
    )
    return pure, list(found.requires or ()), found.version


def _resolve(requirements: list[str], how: dict[str, str], problems: list[str]) -> None:
    """Follow requirements as micropip would in Pyodide: a bundled package whose version fits
    is taken from Pyodide; any other must be a pure-Python wheel (its own requirements too)."""
    pyodide = bundled()
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate(PYODIDE):
            continue
        name = canonicalize_name(requirement.name)
        if name in how:
            continue
        if name in pyodide and requirement.specifier.contains(pyodide[name], prereleases=True):
            how[name] = f"bundled {pyodide[name]}"
            continue
        try:
            pure, requires, installed = _pure(name)
        except PackageNotFoundError:
            problems.append(f"{text}: neither bundled with Pyodide nor installed here to check")
            continue
        if not pure or not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{text}: not bundled, and {name} {installed} is no pure wheel for it")
            continue
        how[name] = f"pure {installed}"
        _resolve(requires, how, problems)


def test_every_runtime_dependency_installs_in_xlwings_lite(wheel):
    """Requires-Dist of the wheel, followed through: each is bundled with the Pyodide of xlwings
    Lite (at a version that fits) or a pure-Python wheel."""
    requires = _metadata(wheel, "METADATA").get_all("Requires-Dist")
    how: dict[str, str] = {}
    problems: list[str] = []
    _resolve(requires, how, problems)
    assert problems == []
    for name in ("numpy", "pandas", "pyarrow", "networkx", "click", "pluggy"):
        assert how[name].startswith("bundled"), (name, how)
    for name in ("openpyxl", "pandera", "et-xmlfile"):
        assert how[name].startswith("pure"), (name, how)
    assert "xlwings" not in how  # an extra: xlwings Lite brings its own
    assert "matplotlib" not in how


def test_the_bundled_list_names_its_pyodide_and_holds_its_compiled_packages():
    text = BUNDLED_LIST.read_text(encoding="utf-8")
    assert "Pyodide 0.27.5" in text.splitlines()[0]
    assert "pyodide-lock.json" in text
    assert "pyodide@0.27.5" in text
    found = bundled()
    assert len(found) > 200
    assert found["pandas"] == Version("2.2.3")
    assert "cp312-cp312-pyodide_2024_0_wasm32" in text  # compiled for that Pyodide


def test_the_lite_requirements_point_at_the_wheel_built(wheel, tmp_path):
    url = f"https://aster.example.org/wheels/{wheel.name}"
    out = tmp_path / "requirements.txt"
    run = CliRunner().invoke(cli, ["lite-requirements", "--wheel-url", url, "-o", str(out)])
    assert run.exit_code == 0, run.output
    lines = [s for s in out.read_text(encoding="utf-8").splitlines() if s and s[0] != "#"]
    assert lines == ["xlwings<1.0.0", url]
    # A folder ending in / gets the installed version's wheel; the template names it too.
    run = CliRunner().invoke(cli, ["lite-requirements", "--wheel-url", "https://a.org/w/"])
    assert run.stdout.splitlines()[-1] == f"https://a.org/w/{wheel.name}"
    template = (LITE / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert template[-1].endswith(f"/{wheel.name}")


@pytest.mark.parametrize(
    ("url", "told"),
    [
        ("http://a.org/u4ssc-0.1.0-py3-none-any.whl", "over HTTPS only"),
        ("https://a.org/u4ssc-0.1.0.tar.gz", "not a u4ssc wheel for any platform"),
        ("https://a.org/u4ssc-0.1.0-cp312-cp312-linux_x86_64.whl", "pip wheel --no-deps"),
        ("a.org/u4ssc-0.1.0-py3-none-any.whl", "give an https:// URL"),
    ],
)
def test_lite_requirements_refuse_a_url_excel_cannot_install(url, told):
    run = CliRunner().invoke(cli, ["lite-requirements", "--wheel-url", url])
    assert run.exit_code == 2, run.output
    assert told in run.output
    assert "Traceback" not in run.output


def test_lite_requirements_warn_of_a_github_release_asset():
    url = f"https://github.com/aster/u4ssc/releases/download/v0.1.0/{wheel_name()}"
    run = CliRunner().invoke(cli, ["lite-requirements", "--wheel-url", url])
    assert run.exit_code == 0
    assert "without CORS headers" in run.stderr
    assert run.stdout.splitlines()[-1] == url


# -- errors as Excel error values ----------------------------------------------------------------


def _officejs_engine() -> Any:
    """xlwings' Office.js conversion engine, the one xlwings Lite writes results with, loaded
    from its file (the xlwings.pro package itself asks for a licence key on import)."""
    import xlwings

    path = Path(xlwings.__file__).parent / "pro" / "_xlofficejs.py"
    spec = importlib.util.spec_from_file_location("xlwings.pro._xlofficejs", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.engine


def test_xlwings_lite_writes_an_error_text_as_an_excel_error_value():
    """What udfs.ERROR_VALUES relies on: xlwings' Office.js engine turns a returned #VALUE!
    into the error value itself (custom functions runtime 1.4 and later), text stays text."""
    engine = _officejs_engine()
    options = {"runtime": "1.4", "date_format": None}
    assert engine.prepare_xl_data_element(udfs.ERROR_VALUE, options) == {
        "type": "Error",
        "errorType": "Value",
    }
    assert engine.prepare_xl_data_element("u4ssc: inputs: ...", options) == "u4ssc: inputs: ..."
    assert engine.prepare_xl_data_element("NR: missing households", options) == (
        "NR: missing households"
    )


def test_in_xlwings_lite_a_mistake_is_an_error_value_and_its_line_is_printed(monkeypatch, capsys):
    record = as_range(city("Aster", 2022))
    assert udfs.ERROR_VALUES is (sys.platform == "emscripten")
    assert udfs.u4ssc_kpi("EC: XX: 1C", record).startswith("u4ssc: ")  # the classic add-in
    monkeypatch.setattr(udfs, "ERROR_VALUES", True)
    assert udfs.u4ssc_kpi("EC: XX: 1C", record) == "#VALUE!"
    assert "U4SSC_KPI: u4ssc: unknown" in capsys.readouterr().out
    assert udfs.u4ssc_score([["househods", 1]]) == "#VALUE!"
    assert "did you mean 'households'" in capsys.readouterr().out
    assert udfs.u4ssc_rollup(record, "city") == "#VALUE!"
    assert udfs.u4ssc_points("EC: ICT: ICT: 1C", 50, "x") == "#VALUE!"  # a target of text
    # What is no mistake stays as it was: a value, a status with its reason, a table.
    assert isinstance(udfs.u4ssc_kpi("EC: ICT: ICT: 1C", record), float)
    assert udfs.u4ssc_kpi("EC: ICT: ICT: 1C", [["households", 10]]).startswith("NR: missing")
    assert isinstance(udfs.u4ssc_score(record), list)
