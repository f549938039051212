"""Hostile names for ``u4ssc new-plugin`` (issue 13, item 14): never a mangled package name.

Letters with an ASCII spelling are transliterated, and the command says which names it chose
(as it does when it drops punctuation); a name with letters that have none, or a path, is
refused with the characters named and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("name", ["../aster-kpis", "kpis/aster", "..\\aster-kpis"])
def test_a_path_is_refused_as_a_name_with_the_dir_option_to_use(
    user: Callable[..., Run], tmp_path: Path, name: str
) -> None:
    run = user("new-plugin", name, "--dir", tmp_path)
    assert_told(run, 2, f"{name!r} is a path, not a name", "e.g. aster-kpis", "--dir")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "package"),
    [("x--y", "x-y"), ("aster.kpis", "aster-kpis"), ("aster+kpis!", "aster-kpis")],
)
def test_punctuation_dropped_from_a_name_is_said(
    user: Callable[..., Run], tmp_path: Path, name: str, package: str
) -> None:
    run = user("new-plugin", name, "--dir", tmp_path)
    module = package.replace("-", "_")
    assert_told(run, 0, f"note: {name!r} written with letters", f"package {package}", module)
    assert (tmp_path / package / module / "__init__.py").is_file()


def test_spaces_and_underscores_are_no_change_worth_a_note(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "Aster KPIs", "--dir", tmp_path)
    assert_told(run, 0, "aster-kpis")
    assert "note:" not in run.text


def test_a_python_keyword_is_refused_with_a_name_that_works(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    run = user("new-plugin", "class", "--dir", tmp_path)
    assert_told(run, 2, "class is a Python keyword", "class-kpis")
    assert list(tmp_path.iterdir()) == []


# -- city names in other scripts: the wheel and the HTML report (issue 13, item 19) ---------------

CITIES = Path(__file__).resolve().parents[2] / "examples" / "cities.csv"
TOKYO, CAIRO = "東京都", "القاهرة"


def _cities_named(folder: Path, *names: str) -> Path:
    """The first example city-year once per name, renamed."""
    header, first = CITIES.read_text(encoding="utf-8").splitlines()[:2]
    rest = first.split(",", 1)[1]
    path = folder / "cities.csv"
    path.write_text("\n".join([header, *(f"{n},{rest}" for n in names)]) + "\n", "utf-8")
    return path


@pytest.mark.filterwarnings("error")  # a matplotlib warning fails the run, as a user would see it
def test_a_chinese_city_name_draws_a_wheel_without_warnings(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    data = _cities_named(tmp_path, TOKYO)
    for picture in ("w.png", "w.svg"):
        run = user("wheel", data, "--city", TOKYO, "-o", tmp_path / picture)
        assert_told(run, 0, picture)
        for noise in ("Glyph", "missing from", "findfont", "Warning"):
            assert noise not in run.text, run.text


def test_the_wheel_uses_an_installed_font_that_has_the_characters() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager, ft2font

    from u4ssc.report.wheel import font_families

    covering = {
        font.name
        for font in font_manager.fontManager.ttflist
        if all(ord(c) in ft2font.FT2Font(font.fname).get_charmap() for c in TOKYO)
    }
    if not covering:
        pytest.skip("no CJK font installed: apt-get install fonts-droid-fallback (.ci/run does)")
    assert covering & set(font_families()), f"none of {covering} is among {font_families()}"


@pytest.mark.filterwarnings("error")
def test_without_a_cjk_font_the_wheel_still_draws_and_says_nothing_alarming(
    user: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from u4ssc.report import wheel

    monkeypatch.setattr(wheel, "FALLBACK_FONTS", ("No Such Font CJK",))
    wheel.font_families.cache_clear()
    try:
        assert wheel.font_families() == ("DejaVu Sans",)
        run = user(
            "wheel", _cities_named(tmp_path, TOKYO), "--city", TOKYO, "-o", tmp_path / "w.png"
        )
    finally:
        wheel.font_families.cache_clear()
    assert_told(run, 0, "w.png")
    assert "findfont" not in run.text
    assert (tmp_path / "w.png").stat().st_size > 10_000


@pytest.mark.filterwarnings("error")
def test_right_to_left_city_names_are_isolated_in_html(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    data = _cities_named(tmp_path, CAIRO, TOKYO)
    out = tmp_path / "reports"
    run = user("report", data, "--compare", "-o", out)
    assert_told(run, 0, "comparison.html")
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    city_pages = [text for name, text in pages.items() if name != "comparison.html"]
    assert len(city_pages) == 2
    assert any(f"<h1><bdi>{CAIRO}</bdi></h1>" in text for text in city_pages)
    assert any(f"<title>U4SSC report — \u2068{CAIRO}\u2069 2022" in t for t in city_pages)
    comparison = pages["comparison.html"]
    assert f"<bdi>{CAIRO}</bdi> 2022" in comparison
    assert f'title="\u2068{CAIRO}\u2069 2022' in comparison  # tooltips: isolates, not elements
