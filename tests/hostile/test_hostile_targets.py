"""Hostile users of peer targets and what-if: every mistake refused with what, where and how."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import assert_told

EXAMPLE = Path(__file__).parents[2] / "examples" / "cities.csv"


def test_peer_targets_before_the_input_eat_it_and_say_the_input_is_missing(user):
    assert_told(user("score", "--peer-targets", EXAMPLE), 2, "missing argument", "INPUT")


def test_a_peer_percentile_below_the_median_is_refused(user):
    run = user("score", EXAMPLE, "--peer-targets", "--peer-percentile", "10")
    assert_told(run, 2, "--peer-percentile", "50<=x<=100")


def test_peer_options_without_peer_targets(user):
    assert_told(user("score", EXAMPLE, "--peer-min", "3"), 2, "--peer-min", "need --peer-targets")


def test_peers_from_a_chunked_input(user):
    run = user("score", EXAMPLE, "--chunk-rows", "4", "--peer-targets")
    assert_told(run, 2, "read in chunks", "--chunk-rows 0", "--peer-targets FILE")


def test_a_peer_file_that_is_not_a_table(user, tmp_path):
    junk = tmp_path / "peers.csv"
    junk.write_bytes(b"\x00\x01\x02 not a table")
    run = user("score", EXAMPLE, "--peer-targets", junk)
    assert run.exit_code == 4, run.text
    assert "peers.csv" in run.text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("code,target\nEC: ICT: XX: 1C,5\n", ["alt.csv", "not a kpi code"]),
        ("code,target\nEC: ICT: ICT: 1C,lots\n", ["alt.csv", "line 2", "not a number"]),
        ("name,value\nx,1\n", ["alt.csv", "needs the columns code and target"]),
    ],
)
def test_a_broken_what_if_file_is_named_with_its_line(user, tmp_path, text, words):
    alternative = tmp_path / "alt.csv"
    alternative.write_text(text, encoding="utf-8")
    run = user("score", EXAMPLE, "--what-if", alternative)
    assert run.exit_code in (3, 4), run.text
    assert_told(run, run.exit_code, *words)


def test_what_if_in_the_wide_shape_is_refused(user, tmp_path):
    alternative = tmp_path / "alt.csv"
    alternative.write_text("code,target\nEC: ICT: ICT: 1C,50\n", encoding="utf-8")
    run = user("score", EXAMPLE, "--what-if", alternative, "--shape", "wide")
    assert_told(run, 2, "--what-if", "--shape wide")


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "1e400"])
@pytest.mark.parametrize(
    ("command", "option", "span"),
    [
        ("score", "--peer-percentile", "from 50 to 100"),
        ("coverage", "--peer-percentile", "from 50 to 100"),
        ("trends", "--stable", "of 0 or more"),
    ],
)
def test_a_number_option_that_is_not_finite_is_refused(user, command, option, span, typed):
    """nan passes every range check (each comparison with it is false): refused by name."""
    extra = ("--peer-targets",) if option.startswith("--peer") else ()
    run = user(command, EXAMPLE, *extra, option, typed)
    assert_told(run, 2, f"'{option}'", f"{typed!r} is not a finite number", f"a number {span}")
