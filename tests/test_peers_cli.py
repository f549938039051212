"""Peer targets and what-if on the command line, on the bundled example cities."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from u4ssc.cli import cli

EXAMPLE = str(Path(__file__).parents[1] / "examples" / "cities.csv")
PEERS = str(Path(__file__).parents[1] / "examples" / "peers.csv")


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _coverage_of_reported(rows: list[dict[str, str]]) -> float:
    reported = [r for r in rows if r["status"] in ("computed", "reported")]
    return sum(1 for r in reported if r["points"]) / len(reported)


def test_the_example_has_four_peer_cities_too_few_for_the_default_rule(run):
    result = run("score", EXAMPLE, "--peer-targets", "--format", "json")
    assert "peer targets: 0 of the 63 values without a target got one" in result.stderr
    assert "Fewer than 10 cities reported them" in result.stderr
    assert "--peer-targets FILE" in result.stderr
    payload = json.loads(result.stdout)
    peer = payload["manifest"]["targets"]["peer"]
    assert (peer["percentile"], peer["min_peers"], peer["from"]) == (90.0, 10, "the rows scored")
    assert {v["refused"] for v in peer["values"].values()} >= {
        "only 4 cities reported it; the peer rule needs 10"
    }
    assert not any(r["target_kind"] == "peer" for r in payload["rows"])


def test_peer_targets_lift_the_example_above_90_percent_of_reported_values(run):
    default = _rows(run("score", EXAMPLE).stdout)
    assert _coverage_of_reported(default) < 0.40
    # Four cities: --peer-min 4 gives 89 %; four values are reported by three cities only.
    rows = _rows(run("score", EXAMPLE, "--peer-targets", "--peer-min", "3").stdout)
    assert _coverage_of_reported(rows) > 0.90
    scored = [r for r in rows if r["points"]]
    assert all(r["target_kind"] and r["target_source"] for r in scored)
    peer = [r for r in scored if r["target_kind"] == "peer"]
    assert peer
    assert all("0th percentile of the latest values" in r["target_source"] for r in peer)


def test_the_bundled_peer_cities_lift_the_example_above_90_percent_with_the_default_rule(run):
    result = run("score", EXAMPLE, "--peer-targets", PEERS)
    assert (
        "peer targets: 60 of the 63 values without a target got one from the cities in "
        "peers.csv; 3 refused"
    ) in result.stderr
    rows = _rows(result.stdout)
    assert _coverage_of_reported(rows) > 0.92
    scored = [r for r in rows if r["points"]]
    assert {r["target_kind"] for r in scored} == {"official", "reference", "peer"}
    assert all(r["target_source"] for r in scored)
    peer = {r["target_source"] for r in scored if r["target_kind"] == "peer"}
    assert peer == {
        f"peer: {p}th percentile of the latest values of 12 cities (2024) in peers.csv"
        for p in (90, 10)  # higher- and lower-is-better
    }
    # Published "no benchmark" values keep it: peer targets never replace a target.
    hotspots = [r for r in rows if r["code"] == "EC: ICT: ICT: 5C"]
    assert {(r["target_kind"], r["points"]) for r in hotspots} == {("none", "")}


def test_chunked_runs_refuse_peers_from_the_input_and_match_with_a_peer_file(run, tmp_path):
    refused = CliRunner().invoke(cli, ["score", EXAMPLE, "--chunk-rows", "5", "--peer-targets"])
    assert refused.exit_code == 2
    assert "read in chunks" in refused.output
    whole, chunked = tmp_path / "whole.csv", tmp_path / "chunked.csv"
    peers = ("--peer-targets", EXAMPLE, "--peer-min", "4")
    run("score", EXAMPLE, *peers, "-o", str(whole))
    run("score", EXAMPLE, "--chunk-rows", "5", *peers, "-o", str(chunked))
    assert whole.read_bytes() == chunked.read_bytes()
    assert "peer" in whole.read_text(encoding="utf-8")


def test_peer_options_need_peer_targets(run):
    result = CliRunner().invoke(cli, ["score", EXAMPLE, "--peer-min", "4"])
    assert result.exit_code == 2
    assert "need --peer-targets" in result.output


def test_explain_shows_a_peer_target_and_a_refusal(run):
    found = run("explain", "EC: ICT: WS: 1C", "--peer-targets", EXAMPLE, "--peer-min", "4")
    assert "(peer, higher is better)" in found.output
    assert "90th percentile of the latest values of 4 cities (2024) in cities.csv" in found.output
    refused = run("explain", "EC: ICT: D: 1A", "--peer-targets", EXAMPLE, "--peer-min", "4")
    assert "only 3 cities reported it; the peer rule needs 4" in refused.output


def test_what_if_writes_both_scores_and_the_difference(run, tmp_path):
    alternative = tmp_path / "alt.csv"
    alternative.write_text("code,target\nEC: ICT: ICT: 2C,120\n", encoding="utf-8")
    text = run("score", EXAMPLE, "--what-if", str(alternative), "--level", "category").stdout
    rows = _rows(text)
    ict = [r for r in rows if r["category"] == "ICT Infrastructure"]
    assert len(ict) == 12
    for row in ict:
        assert float(row["difference"]) == pytest.approx(
            float(row["alternative_pct"]) - float(row["baseline_pct"])
        )
    assert any(float(r["difference"]) < 0 for r in ict)
    others = [r for r in rows if r["category"] != "ICT Infrastructure" and r["difference"]]
    assert all(float(r["difference"]) == 0 for r in others)
    payload = json.loads(
        run("score", EXAMPLE, "--what-if", str(alternative), "--format", "json").stdout
    )
    assert payload["manifest"]["what_if_targets"]["name"] == "u4ssc-default + alt.csv"
    assert {r["level"] for r in payload["rows"]} == {
        "overall",
        "dimension",
        "subdimension",
        "category",
    }


def test_the_example_figures_in_the_scoring_docs(official):
    from u4ssc.core.peers import PeerRule
    from u4ssc.core.scoring import SCORED

    def scored(**rule) -> tuple[int, int]:
        result = official.score(EXAMPLE, peers=PeerRule(**rule) if rule else None)
        reported = int((result.statuses <= 1).sum())
        return int((result.scores.coverage == SCORED).sum()), reported

    assert scored() == (516, 1329)
    assert scored(min_peers=4) == (1188, 1329)
    assert scored(min_peers=3) == (1224, 1329)
    assert scored(file=PEERS) == (1224, 1329)
    text = (Path(__file__).parents[1] / "docs" / "scoring.md").read_text(encoding="utf-8")
    for figure in ("score 516\nof the 1 344", "scores 1 188 of the\n1 329", "scores 1 224 (92 %)"):
        assert figure in text
    assert "rule scores 1 224 of the 1 329 reported values (92 %)" in text
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "default targets score 38 % of the values" in readme  # 516 / 1 344
    assert "`examples/peers.csv` as peers, 92 % of the reported values" in readme


def test_a_missing_peer_file_is_named(tmp_path):
    result = CliRunner().invoke(cli, ["score", EXAMPLE, "--peer-targets", str(tmp_path / "p.csv")])
    assert result.exit_code == 4
    assert "peer file" in result.output
    assert "does not exist" in result.output


def test_the_report_names_each_peer_target_and_the_rule(run, tmp_path):
    pytest.importorskip("matplotlib")
    page = tmp_path / "aster.html"
    args = ("--city", "Aster (synthetic)", "--year", "2024", "-o", str(page))
    run("report", EXAMPLE, *args, "--peer-targets", "--peer-min", "4")
    html = page.read_text(encoding="utf-8")
    assert ">peer<" in html
    source = "peer: 90th percentile of the latest values of 4 cities (2024) in the rows scored"
    assert source in html
    assert "only 3 cities reported it; the peer rule needs 4" in html  # the manifest's refusals
