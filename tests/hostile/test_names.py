"""Hostile names for ``u4ssc new-plugin`` (issue 13, item 14): never a mangled package name.

Letters with an ASCII spelling are transliterated, and the command says which names it chose;
a name with letters that have none is refused with the characters named and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Run, assert_told


def test_accented_letters_are_transliterated_and_the_choice_is_said(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "münchen-kpis", "--dir", tmp_path)
    assert_told(run, 0, "package munchen-kpis", "module munchen_kpis", "MUNCHEN: TREES: 1")
    assert "m-nchen" not in run.text
    package = tmp_path / "munchen-kpis"
    assert (package / "munchen_kpis" / "__init__.py").is_file()
    assert "Local indicators of München" in (package / "README.md").read_text(encoding="utf-8")


def test_letters_without_a_decomposition_are_spelt_out(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "Łódź Straße KPIs", "--dir", tmp_path)
    assert_told(run, 0, "package lodz-strasse-kpis", "module lodz_strasse_kpis")
    assert (tmp_path / "lodz-strasse-kpis" / "lodz_strasse_kpis" / "__init__.py").is_file()


def test_a_name_in_chinese_characters_is_refused_naming_them(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "東京-kpis", "--dir", tmp_path)
    assert_told(run, 2, "'東京-kpis' cannot name a Python package", "'東', '京'", "Latin letters")
    assert list(tmp_path.iterdir()) == []


def test_a_right_to_left_name_is_refused_naming_its_letters(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "القاهرة", "--dir", tmp_path)
    assert_told(run, 2, "cannot name a Python package", "'ا'", "Latin letters")
    assert list(tmp_path.iterdir()) == []


def test_a_python_keyword_is_refused_with_a_name_that_works(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "class", "--dir", tmp_path)
    assert_told(run, 2, "class is a Python keyword", "class-kpis")
    assert list(tmp_path.iterdir()) == []
