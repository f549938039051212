"""Outputs are streamed: a long table is never held whole, in memory or as text.

The memory test runs ``u4ssc score`` as a child process on a generated input of 10 000
city-years and reads the child's peak resident memory: before the writers streamed, the long
JSON of 30 000 such city-years peaked at 16.5 GB (and the long CSV at 3.5 GB).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_benchmark

#: What docs/cli.md promises for a run of any size.
BOUND_MB = 1000


#: Runs the command as its only child and prints the child's peak RSS (MB): a fresh, small
#: parent, so that ``RUSAGE_CHILDREN`` holds no other process's peak.
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.buffer.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def peak_rss_mb(*args: object) -> tuple[int, float]:
    """``(exit code, peak RSS in MB)`` of ``python -m u4ssc ARGS`` as a child process."""
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "u4ssc", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    code, peak = done.stdout.split()
    return int(code), float(peak)


@pytest.fixture(scope="module")
def big_input(tmp_path_factory, official) -> Path:
    """10 000 city-years of every data item (1.12 million long rows out)."""
    bench = load_benchmark()
    return bench.write_inputs(official, 10_000, tmp_path_factory.mktemp("big"), False)["csv"]


def test_long_json_of_10000_city_years_stays_under_1_gb(big_input, tmp_path):
    out = tmp_path / "long.json"
    code, peak = peak_rss_mb("score", big_input, "-o", out, "-q")
    assert code == 0
    assert peak < BOUND_MB, f"peak RSS {peak:.0f} MB"
    with out.open("rb") as stream:  # the file is one JSON document: rows, then the manifest
        stream.seek(-(2 << 20), 2)
        tail = stream.read().decode("utf-8", errors="replace")
    manifest = json.loads(tail[tail.index('\n],\n"manifest": ') + 15 : -2])
    assert manifest["rows"] == 10_000
    assert sum(manifest["status_counts"].values()) == 10_000 * 112


def test_long_csv_is_the_same_whole_and_streamed_in_slices(big_input, tmp_path, monkeypatch):
    """Slices of the long table (and chunks of the input) write the bytes of the whole."""
    from click.testing import CliRunner

    from u4ssc import cli as cli_module

    out = {}
    for name, slice_rows, chunk in (("whole", 1 << 40, "0"), ("sliced", 50_000, "3000")):
        monkeypatch.setattr(cli_module, "SLICE_ROWS", slice_rows)
        out[name] = tmp_path / f"{name}.csv"
        args = ["score", str(big_input), "-o", str(out[name]), "-q", "--chunk-rows", chunk]
        assert CliRunner().invoke(cli_module.cli, args).exit_code == 0
    assert out["sliced"].read_bytes() == out["whole"].read_bytes()


def test_chunks_change_only_the_reasons_of_many_out_of_bounds_values(tmp_path):
    """docs/cli.md: beyond 100 out-of-bounds values of a KPI in one run, the reasons drop the
    numbers, so chunks may word them differently; every value, status and point stays the same."""
    import pandas as pd
    from click.testing import CliRunner

    from u4ssc import cli as cli_module

    cities = pd.read_csv(Path(__file__).parents[1] / "examples" / "cities.csv")
    many = pd.concat([cities] * 25, ignore_index=True)  # 300 rows
    many["year"] = many["year"] + 100 * (many.index // len(cities))  # distinct city-years
    many["households_with_internet"] = many["households"] * 3  # 300 % of households
    source = tmp_path / "many.csv"
    many.to_csv(source, index=False)
    frames = {}
    for chunk in ("0", "60"):
        out = tmp_path / f"out{chunk}.csv"
        run = CliRunner().invoke(
            cli_module.cli, ["score", str(source), "-o", str(out), "-q", "--chunk-rows", chunk]
        )
        assert run.exit_code == 0, run.output
        frames[chunk] = pd.read_csv(out, keep_default_na=False)
    whole, chunked = frames["0"], frames["60"]
    internet = whole["code"] == "EC: ICT: ICT: 1C"
    invalid = internet & (whole["status"] == "invalid")  # one city in 12 reports its own value
    assert invalid.sum() == 275
    assert whole.loc[invalid, "reason"].str.contains("exceeds households").all()
    numbers = r"households \(\d"
    assert whole.loc[invalid, "reason"].str.contains(numbers).sum() == 100  # the first 100
    assert chunked.loc[invalid, "reason"].str.contains(numbers).all()  # 55 in each chunk of 60
    same = [c for c in whole.columns if c != "reason"]
    pd.testing.assert_frame_equal(whole[same], chunked[same])
    assert (whole.loc[~internet, "reason"] == chunked.loc[~internet, "reason"]).all()
