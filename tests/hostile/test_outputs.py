"""Hostile-user cases of the outputs (issue 13 items 9, 15, 16, 18): where ``-o`` writes, what it
refuses, strict JSON, the summary line and rounded percentages. Device cases use a FIFO, a
symlink and a character device made in a temporary directory, never ``/dev``."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest
from conftest import assert_told

ROWS = "city,year,households,households_with_internet\nAster,2024,1000,812\nBelo,2024,400,NR\n"
VALUES = 2 * 112


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with path.open("rb") as stream:
            into.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_a_fifo_is_written_through_and_gets_no_manifest(user, data, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    run = user("score", data, "-o", fifo)
    reader.join(timeout=30)
    assert run.exit_code == 0, run.text
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    rows = list(csv.DictReader(io.StringIO(got[0].decode("utf-8"))))
    assert len(rows) == VALUES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "pipe"]  # no manifest


def test_a_character_device_is_written_through_and_stays_a_device(user, data, tmp_path):
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device, made here
    except PermissionError:
        pytest.skip("cannot make a device node here (not root)")
    run = user("score", data, "-o", null)
    assert run.exit_code == 0, run.text
    assert stat.S_ISCHR(null.stat().st_mode)
    assert not (tmp_path / "null.manifest.json").exists()


def test_a_symlink_is_followed_and_stays_a_link(user, data, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    run = user("score", data, "-o", link)
    assert run.exit_code == 0, run.text
    assert link.is_symlink()
    assert link.resolve() == real
    assert len(list(csv.DictReader(io.StringIO(real.read_text(encoding="utf-8"))))) == VALUES
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the replaced file keeps its permissions
    assert (tmp_path / "link.csv.manifest.json").is_file()
    assert _leftovers(tmp_path) == []


def test_the_input_cannot_be_its_own_output(user, data, tmp_path):
    before = data.read_bytes()
    run = user("score", data, "-o", data)
    assert_told(run, 5, f"cannot write {data}", "an input of this run", "another file")
    assert data.read_bytes() == before
    link = tmp_path / "sneaky.csv"
    link.symlink_to(data)
    assert_told(user("score", data, "-o", link), 5, "an input of this run")
    assert data.read_bytes() == before
    targets = tmp_path / "targets.csv"
    targets.write_text("code,target\nEC: ICT: ICT: 1C,50\n", encoding="utf-8")
    kept = targets.read_bytes()
    assert_told(user("score", data, "--targets", targets, "-o", targets), 5, "an input")
    assert_told(user("score", data, "-o", tmp_path / "o.csv", "--manifest", data), 5, "an input")
    assert targets.read_bytes() == kept
    assert data.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-o", "x.pdf"], [".pdf is not an output format", ".csv", "--format"]),
        (
            ["-o", "x.xlsx", "--format", "csv"],
            ["suffix .xlsx is for xlsx", "--format asks for csv"],
        ),
        (["-o", "x.json", "--format", "parquet"], ["suffix .json is for json"]),
    ],
)
def test_a_suffix_that_is_not_the_format_is_refused(user, data, tmp_path, args, words):
    args = [*args[:1], tmp_path / args[1], *args[2:]]
    assert_told(user("score", data, *args), 5, *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_an_unknown_suffix_is_written_when_the_format_is_named(user, data, tmp_path):
    out = tmp_path / "scores.txt"
    assert user("score", data, "-o", out, "--format", "csv").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("city,year,code")


def test_a_directory_is_refused(user, data, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    assert_told(user("score", data, "-o", folder), 2, "is a directory")  # click's own check


def test_a_failed_run_leaves_the_old_output_whole(user, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("city,year,households\nAster,2024,lots\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("the old scores\n", encoding="utf-8")
    assert user("score", bad, "-o", out, "--strict").exit_code == 1
    assert out.read_text(encoding="utf-8") == "the old scores\n"
    assert _leftovers(tmp_path) == []


def test_wheel_report_and_template_use_the_same_writer(user, tmp_path):
    examples = Path(__file__).resolve().parents[2] / "examples" / "cities.csv"
    city = ("--city", "Aster (synthetic)", "--year", "2024")
    real = tmp_path / "real.svg"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "wheel.svg"
    link.symlink_to(real)
    assert user("wheel", examples, *city, "-o", link).exit_code == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("<?xml")
    assert_told(user("wheel", examples, *city, "-o", tmp_path / "w.pdf"), 5, "must end in .svg")
    folder = tmp_path / "folder.html"
    folder.mkdir()
    assert_told(user("report", examples, *city, "-o", folder), 5, "it is a directory")
    targets = tmp_path / "targets.xlsx"
    targets.write_text("code,target\n", encoding="utf-8")
    assert_told(user("template", targets, "--targets", targets, "--force"), 5, "an input")
    assert_told(user("template", tmp_path / "t.csv"), 5, "the workbook must end in .xlsx")
    assert _leftovers(tmp_path) == []


def _strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "args",
    [
        ["inputs", "--format", "json"],
        ["indicators", "--format", "json"],
        ["plugins", "--format", "json"],
        ["graph", "EC: ICT: ICT: 1C", "--format", "json"],
    ],
)
def test_every_listing_in_json_is_strict_json(user, args):
    run = user(*args)
    assert run.exit_code == 0, run.text
    assert _strict(run.stdout)


def test_inputs_json_writes_unbounded_as_null_not_infinity(user):
    rows = _strict(user("inputs", "--format", "json").stdout)
    assert "Infinity" not in user("inputs", "--format", "json").stdout
    assert any(r.get("upper") is None for r in rows)  # type: ignore[union-attr]


def test_score_validate_and_manifest_json_are_strict(user, data, tmp_path):
    out = tmp_path / "out.json"
    assert user("score", data, "-o", out).exit_code == 0
    payload = _strict(out.read_text(encoding="utf-8"))
    assert len(payload["rows"]) == VALUES  # type: ignore[index]
    assert payload["manifest"]["rows"] == 2  # type: ignore[index]
    assert _strict(user("validate", data, "--format", "json").stdout)
    assert user("score", data, "-o", tmp_path / "o.csv").exit_code == 0
    assert _strict((tmp_path / "o.csv.manifest.json").read_text(encoding="utf-8"))


def test_a_successful_score_says_what_it_wrote_in_one_line(user, data, tmp_path):
    out = tmp_path / "scores.csv"
    run = user("score", data, "-o", out)
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"scored 2 city-years, {VALUES} values (")
    assert f"wrote {out} (manifest {out}.manifest.json)" in lines[0]
    assert user("score", data, "-o", out, "-q").stderr == ""
    assert "wrote stdout" in user("score", data).stderr


def test_percent_of_target_is_rounded_but_points_use_the_exact_value(user, tmp_path):
    data = tmp_path / "in.csv"
    data.write_text(
        "city,year,households,households_with_internet\nAster,2024,100000,94996\nBelo,2024,3,1\n",
        encoding="utf-8",
    )
    rows = list(csv.DictReader(io.StringIO(user("score", data).stdout)))
    ict = {r["city"]: r for r in rows if r["code"] == "EC: ICT: ICT: 1C"}
    assert float(ict["Aster"]["value"]) == pytest.approx(94.996, rel=1e-15)  # exact
    assert (ict["Aster"]["pct_of_target"], ict["Aster"]["points"]) == ("95", "3")  # 94.996 < 95
    assert ict["Belo"]["pct_of_target"] == "33.33"
    assert float(ict["Belo"]["value"]) == pytest.approx(100 / 3, rel=1e-15)  # exact
    decimals = [len(r["pct_of_target"].partition(".")[2]) for r in rows if r["pct_of_target"] != ""]
    assert max(decimals) <= 2
