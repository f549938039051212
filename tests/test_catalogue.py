"""The full U4SSC catalogue as the engine loads it, and generic checks over every KPI.

Part one holds the catalogue to the published facts: 91 KPIs, 112 scored values, the split by tier
and dimension, and, row by row, the reference list ``/work/shared/reference/u4ssc_kpis.csv``
(those tests are skipped when the file is absent). This is the one place that compares the
catalogue with that list: each dimension plugin defines its rows in the list's order, and each KPI
has its row's name, class, tier, place, SDGs, direction and number of data points, with a Choice
paragraph in its docstring where the list is not sure of it.

Part two runs every KPI through the engine, parametrised by output id, from one complete, valid
record (the first row of ``examples/cities.csv``): everything is computed; blanking an input makes
the values that need it ``not reported``, naming the input; a zero denominator is an ``error``
naming it; and each formula gives the same number when called directly on numpy arrays. The
example file scored in batch and row by row gives identical results.

One engine serves the whole session, and scoring results are cached per changed input, so the
hundreds of cases cost a few hundred single-record scorings.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import load_script

from u4ssc.core import Engine, Indicator, Kind, Status, canonical_key
from u4ssc.core.catalogue import Output
from u4ssc.core.model import indicator_of
from u4ssc.plugins import economy, environment, society_culture

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path("/work/shared/reference/u4ssc_kpis.csv")
EXAMPLE = ROOT / "examples" / "cities.csv"
MAKE_EXAMPLE = ROOT / "examples" / "make_example_data.py"
REFERENCE_MISSING = (
    f"reference KPI list {REFERENCE} is absent: the catalogue cannot be compared with it"
)

#: The plugin of each dimension, by the code prefix of its KPIs: (dimension, plugin name, plugin
#: module, number of KPIs in the reference list).
DIMENSIONS = {
    "EC": ("Economy", "economy", economy, 45),
    "EN": ("Environment", "environment", environment, 17),
    "SC": ("Society and Culture", "society_culture", society_culture, 29),
}

#: Where the reference list says "unknown", the direction the plugin chose (and explains in the
#: KPI's Choice paragraph).
CHOSEN_DIRECTIONS = {
    "EC: P: EM: 3A": "higher",
    "EC: I: T: 4A": "none",
    "EN: EN: WA: 1C": "none",
}


@cache
def load_engine() -> Engine:
    """The one engine of this module: every installed plugin, as ``Engine.load()`` gives it."""
    return Engine.load()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return load_engine()


OUTPUTS: dict[str, Output] = {o.id: o for o in load_engine().outputs}
OUTPUT_IDS = list(OUTPUTS)


# -- part one: the catalogue ----------------------------------------------------------------------


def test_catalogue_has_91_kpis_and_112_scored_values(engine):
    assert len(engine.catalogue.indicators) == 91
    assert len(engine.outputs) == 112


def test_codes_and_names_are_unique(engine):
    indicators = list(engine.catalogue.indicators.values())
    codes = Counter(canonical_key(i.code) for i in indicators)
    names = Counter(i.name for i in indicators)
    assert [c for c, n in codes.items() if n > 1] == []
    assert [c for c, n in names.items() if n > 1] == []
    assert len({o.id for o in engine.outputs}) == len(engine.outputs)


def test_55_core_and_36_advanced(engine):
    tiers = Counter(str(i.tier) for i in engine.catalogue.indicators.values())
    assert tiers == {"core": 55, "advanced": 36}


def test_kpis_per_dimension(engine):
    dimensions = Counter(i.dimension for i in engine.catalogue.indicators.values())
    assert dimensions == {"Economy": 45, "Environment": 17, "Society and Culture": 29}


@pytest.mark.parametrize("code", [i.code for i in load_engine().catalogue.indicators.values()])
def test_every_kpi_has_its_metadata_and_a_definition(engine, code):
    ind = engine.catalogue.find_indicator(code)
    for attribute in ("unit", "dimension", "subdimension", "category", "tier", "direction"):
        assert str(getattr(ind, attribute)).strip(), f"{code} has no {attribute}"
    assert ind.definition.strip(), f"{code} has no docstring"
    assert not ind.definition.startswith("Choice:"), f"{code}: the definition comes first"


def _reference_rows() -> list[Any]:
    if not REFERENCE.is_file():
        skip = pytest.mark.skip(reason=REFERENCE_MISSING)
        return [pytest.param(None, id="reference-absent", marks=skip)]
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return [pytest.param(row, id=row["code"]) for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def reference() -> list[dict[str, str]]:
    if not REFERENCE.is_file():
        pytest.skip(REFERENCE_MISSING)
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_reference_list_and_catalogue_have_the_same_codes(engine, reference):
    published = [row["code"] for row in reference]
    assert len(published) == 91
    assert sorted(published) == sorted(i.code for i in engine.catalogue.indicators.values())


@pytest.mark.parametrize("prefix", list(DIMENSIONS))
def test_dimension_plugin_defines_its_reference_rows_in_order(reference, prefix):
    dimension, _, plugin, count = DIMENSIONS[prefix]
    rows = [row for row in reference if row["code"].startswith(f"{prefix}:")]
    assert len(rows) == count
    assert {row["dimension"] for row in rows} == {dimension}
    codes = [indicator_of(f).code for f in plugin.u4ssc_indicators()]
    assert codes == [row["code"] for row in rows]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("row", _reference_rows())
def test_kpi_matches_its_reference_row(engine, row):
    by_code = {i.code: i for i in engine.catalogue.indicators.values()}
    assert row["code"] in by_code, f"no KPI with code {row['code']!r} ({row['name']})"
    ind = by_code[row["code"]]
    plugin = DIMENSIONS[row["code"].split(":")[0]][1]
    assert ind.plugin == plugin, f"{ind.code} comes from plugin {ind.plugin!r}, not {plugin!r}"
    assert ind.name == row["name"]
    assert ind.kpi_class == row["kpi_class"]
    assert str(ind.tier) == row["type"]
    assert ind.dimension == row["dimension"]
    assert ind.subdimension == row["subdimension"]
    assert ind.category == row["category"]
    assert ind.sdg == tuple(s for s in row["sdg"].split("; ") if s)
    if row["direction"] == "unknown":
        assert row["code"] in CHOSEN_DIRECTIONS, f"{ind.code}: no documented choice of direction"
        direction = CHOSEN_DIRECTIONS[row["code"]]
    else:
        direction = {"target": "approach"}.get(row["direction"], row["direction"])
    assert str(ind.direction) == direction
    published_points = row["data_points"].split("|") if row["data_points"] else []
    assert all(p.strip() for p in published_points), f"blank data point in {published_points}"
    assert len(ind.points) == len(published_points), (
        f"{ind.code} has data points {[p.key for p in ind.points]}, published: {published_points}"
    )
    assert ind.definition.splitlines()[0].endswith(".")
    if row["confidence"] in ("medium", "low"):
        assert "\n\nChoice: " in ind.definition, f"{ind.code} needs a Choice paragraph"
    else:
        assert "Choice: " not in ind.definition


# -- part two: every KPI through the engine -------------------------------------------------------


def _number(item_kind: Kind, text: str) -> float:
    if item_kind is Kind.YES_NO:
        return {"yes": 1.0, "no": 0.0}[text.strip().lower()]
    return float(text)


@cache
def base_record() -> dict[str, Any]:
    """A complete, valid record: the first row of examples/cities.csv, as numbers."""
    engine = load_engine()
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    missing = [name for name in engine.catalogue.items if not (first.get(name) or "").strip()]
    assert not missing, f"the first row of {EXAMPLE.name} must be complete; empty: {missing}"
    record: dict[str, Any] = {"city": first["city"], "year": int(first["year"])}
    for name, item in engine.catalogue.items.items():
        record[name] = _number(item.kind, first[name])
    return record


@cache
def nonzero_record() -> dict[str, Any]:
    """The base record with every 0 replaced by 1, so a zeroed input is the only zero."""
    return {k: (1.0 if isinstance(v, float) and v == 0.0 else v) for k, v in base_record().items()}


def direct(ind: Indicator, record: dict[str, Any]) -> dict[str, float]:
    """Each output of ``ind`` computed by calling its formula on numpy arrays, as a plugin would."""
    returned = _returned(ind.id, tuple(sorted(record.items())))
    if ind.points:
        return {ind.point_id(p): float(np.asarray(returned[p.key]).ravel()[0]) for p in ind.points}
    return {ind.code: float(np.asarray(returned).ravel()[0])}


@cache
def _returned(ind_id: str, frozen: tuple[tuple[str, Any], ...]) -> Any:
    engine = load_engine()
    record = dict(frozen)
    ind = engine.catalogue.indicators[ind_id]
    kwargs = {}
    for param, source in zip(ind.inputs, engine.graph.direct_inputs(ind_id), strict=True):
        if source in engine.catalogue.items:
            value = record.get(source)
            kwargs[param] = np.array([np.nan if value is None else value], dtype=np.float64)
        else:  # an upstream indicator: pass what its formula returns
            kwargs[param] = _returned(source, frozen)
    with np.errstate(all="ignore"):
        return ind.func(**kwargs)


@cache
def scored_base() -> Any:
    return load_engine().score_one(base_record())


@cache
def scored_blank(name: str) -> Any:
    """The base record scored with one item left empty, as a blank spreadsheet cell."""
    return load_engine().score_one({**base_record(), name: ""})


@cache
def scored_zero(name: str) -> Any:
    """The non-zero record scored with one item set to 0."""
    return load_engine().score_one({**nonzero_record(), name: 0})


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_base_record_is_valid_and_unproblematic():
    result = scored_base()
    assert result.problems == []
    assert result.warnings == []


@pytest.mark.parametrize("output_id", OUTPUT_IDS)
def test_complete_record_computes_every_output(output_id):
    output = OUTPUTS[output_id]
    result = scored_base()
    assert result.status(output_id) is Status.COMPUTED, result.reason(output_id)
    value = result.value(output_id)
    assert math.isfinite(value)
    assert value == direct(output.indicator, base_record())[output_id]


@pytest.mark.parametrize("output_id", OUTPUT_IDS)
def test_blank_input_makes_the_value_not_reported_naming_it(engine, output_id):
    ind = OUTPUTS[output_id].indicator
    direct_params = set(engine.graph.direct_inputs(ind.id))
    for name in engine.graph.raw_inputs(ind.id):
        blanked = {**base_record(), name: None}
        expected_all = direct(ind, blanked)
        assert any(math.isnan(v) for v in expected_all.values()), (
            f"blanking {name} leaves every output of {ind.code} with a value"
        )
        result = scored_blank(name)
        expected = expected_all[output_id]
        if math.isnan(expected):
            assert result.status(output_id) is Status.NOT_REPORTED, (name, result.reason(output_id))
            assert math.isnan(result.value(output_id))
            reason = result.reason(output_id)
            assert name in reason
            if name in direct_params:
                assert reason == f"missing {name}"
        else:  # a data point that does not need this input
            assert result.status(output_id) is Status.COMPUTED, (name, result.reason(output_id))
            assert result.value(output_id) == expected


@pytest.mark.parametrize("output_id", OUTPUT_IDS)
def test_zero_denominator_is_an_error_naming_it(engine, output_id):
    ind = OUTPUTS[output_id].indicator
    direct_params = set(engine.graph.direct_inputs(ind.id))
    for name in engine.graph.raw_inputs(ind.id):
        expected = direct(ind, {**nonzero_record(), name: 0.0})[output_id]
        result = scored_zero(name)
        if math.isfinite(expected):  # not a denominator of this output: 0 is a valid value
            assert result.status(output_id) is Status.COMPUTED, (name, result.reason(output_id))
            assert result.value(output_id) == expected
            continue
        assert result.status(output_id) is Status.ERROR, (name, result.status(output_id))
        assert math.isnan(result.value(output_id))
        reason = result.reason(output_id)
        assert "is 0" in reason, reason
        assert name in reason, reason
        if name in direct_params:
            assert reason == f"undefined: {name} is 0"


def test_denominators_are_found_generically(engine):
    with_denominator = {
        ind.code
        for ind in engine.catalogue.indicators.values()
        for name in engine.graph.raw_inputs(ind.id)
        if not all(math.isfinite(v) for v in direct(ind, {**nonzero_record(), name: 0.0}).values())
    }
    assert "EC: ICT: ICT: 1C" in with_denominator  # households
    assert "EN: EN: WA: 1C" in with_denominator  # solid_waste_total
    assert len(with_denominator) >= 80


# -- the example data -----------------------------------------------------------------------------


@cache
def example_rows() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def scored_example() -> Any:
    return load_engine().score(EXAMPLE)


def test_example_has_every_data_item_as_a_column(engine):
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:2] == ["city", "year"]
    assert header[2 : 2 + len(engine.catalogue.items)] == list(engine.catalogue.items)


def test_example_scores_without_errors_and_with_only_the_deliberate_warnings():
    result = scored_example()
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.problems == []
    warned = sorted((w.city, int(w.year), w.check) for w in result.warnings)
    assert warned == [
        ("Dunmere (synthetic)", 2023, "smart_water_above_electricity_meters"),
        ("Dunmere (synthetic)", 2024, "smart_water_above_electricity_meters"),
    ]


def test_example_shows_every_input_status():
    frame = scored_example().to_frame()
    odd = frame[frame["status"] != "computed"]
    found = {(row.city, row.status) for row in odd.itertuples()}
    assert found == {
        ("Dunmere (synthetic)", "not reported"),
        ("Brindle Bay (synthetic)", "not applicable"),
        ("Corvale (synthetic)", "reported"),
    }
    dunmere = odd[odd["city"] == "Dunmere (synthetic)"]
    assert len(dunmere) == 4 * 3  # four items left empty in each of three years


def test_example_rows_score_alike_in_batch_and_one_by_one(engine):
    batch = scored_example()
    rows = example_rows()
    assert len(batch) == len(rows) == 12
    for i, row in enumerate(rows):
        one = engine.score_one(row)
        for output_id in OUTPUT_IDS:
            where = (row["city"], row["year"], output_id)
            assert _same(one.value(output_id), batch.value(output_id, i)), where
            assert one.status(output_id) is batch.status(output_id, i), where
            assert one.reason(output_id) == batch.reason(output_id, i), where
        assert one.problems == []
        assert [w.check for w in one.warnings] == [w.check for w in batch.warnings if w.row == i]


def test_example_file_is_what_the_generator_writes():
    module = load_script(MAKE_EXAMPLE)
    assert EXAMPLE.read_text(encoding="utf-8") == module.render(), (
        "examples/cities.csv is stale: run `python examples/make_example_data.py`"
    )
    assert (ROOT / "examples" / "peers.csv").read_text(encoding="utf-8") == module.render_peers(), (
        "examples/peers.csv is stale: run `python examples/make_example_data.py`"
    )


def test_the_peer_cities_report_every_item_and_break_no_rule(official):
    result = official.score(str(ROOT / "examples" / "peers.csv"))
    assert result.problems == []
    # The variants of Dunmere (every fourth peer) keep its fast roll-out of smart water meters.
    assert {(w.city, w.check) for w in result.warnings} == {
        (f"Peer City {n:02d} (synthetic)", "smart_water_above_electricity_meters")
        for n in (4, 8, 12)
    }
    items = {Status(s) for s in np.unique(result.statuses)}
    assert items <= {Status.COMPUTED, Status.NOT_APPLICABLE}
    frame = result.to_frame()
    assert set(frame["city"]) == {f"Peer City {n:02d} (synthetic)" for n in range(1, 13)}
    assert set(frame["year"]) == {2024}
    not_applicable = frame[frame["status"] == "not applicable"]
    assert set(not_applicable["data_point"]) == {"para_transport"}
