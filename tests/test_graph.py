"""The indicator graph: every broken plugin set is reported precisely and all at once."""

from __future__ import annotations

import cyclic
import duplicate
import pytest
import replacing
import toy
import unknown_input

from u4ssc.core import GraphError


def test_cycle_is_printed_in_order(build):
    with pytest.raises(GraphError) as caught:
        build(cyclic=cyclic)
    (problem,) = caught.value.problems
    assert problem.kind == "cycle"
    assert problem.names in (("chicken", "egg", "chicken"), ("egg", "chicken", "egg"))
    assert "chicken -> egg -> chicken" in str(caught.value) or "egg -> chicken -> egg" in str(
        caught.value
    )
    assert problem.plugins == ("cyclic",)


def test_duplicate_code_names_both_plugins(build):
    with pytest.raises(GraphError) as caught:
        build(toy=toy, duplicate=duplicate)
    (problem,) = caught.value.problems
    assert problem.kind == "duplicate"
    assert problem.plugins == ("toy", "duplicate")
    assert "replaces=True" in problem.message


def test_unknown_input_suggests_close_match(build):
    with pytest.raises(GraphError) as caught:
        build(toy=toy, unknown_input=unknown_input)
    (problem,) = caught.value.problems
    assert problem.kind == "unknown"
    assert problem.names[0] == "housholds"
    assert problem.suggestions[0] == "households"
    assert "did you mean 'households'" in problem.message
    assert "unknown_input" in problem.message


def test_all_problems_reported_together(build):
    with pytest.raises(GraphError) as caught:
        build(toy=toy, duplicate=duplicate, cyclic=cyclic, unknown_input=unknown_input)
    kinds = sorted(p.kind for p in caught.value.problems)
    assert kinds == ["cycle", "duplicate", "unknown"]


def test_explicit_replacement_wins_and_is_recorded(build):
    engine = build(toy=toy, replacing=replacing)
    ind = engine.catalogue.find_indicator("T: T: T: 1C")
    assert ind.plugin == "replacing"
    assert ind.id == "online_households_local"
    (replacement,) = engine.catalogue.replacements
    assert (replacement.plugin, replacement.replaced_plugin) == ("replacing", "toy")
    # An indicator built on the replaced one now uses the replacement.
    assert "online_households_local" in engine.graph.upstream("online_per_crime")
    result = engine.score_one(
        {"city": "A", "households_online": 50, "population": 200, "households": 100}
    )
    assert result.value("T: T: T: 1C") == pytest.approx(25.0)
    assert engine.manifest()["replacements"][0]["replaces_plugin"] == "toy"


def test_replacement_keeps_catalogue_order(build):
    engine = build(toy=toy, replacing=replacing)
    codes = [i.code for i in engine.catalogue.indicators.values()]
    assert codes[0] == "T: T: T: 1C"


def test_lineage_upstream_and_downstream(toy_engine):
    graph = toy_engine.graph
    assert graph.raw_inputs("online_per_crime") == [
        "crimes",
        "households",
        "households_online",
        "population",
    ]
    assert graph.downstream("population") == {"crime_rate", "online_per_crime"}
    assert graph.upstream("crime_rate") == {"crimes", "population"}


def test_plan_evaluates_only_the_needed_subgraph_in_order(toy_engine):
    plan = toy_engine.graph.plan(["online_per_crime"])
    assert set(plan) == {"online_households", "crime_rate", "online_per_crime"}
    assert plan.index("online_per_crime") > plan.index("crime_rate")


@pytest.mark.parametrize("name", ["official", "toy_engine"])
def test_order_and_lineage_without_networkx_are_networkx_own(request, name):
    """The evaluation order and lineage come from plain dictionaries (NetworkX is imported
    only for exports and cycles); they are exactly what NetworkX finds on the same graph."""
    import networkx as nx

    graph = request.getfixturevalue(name).graph
    nodes = graph.graph.nodes
    in_order = [n for n in nx.topological_sort(graph.graph) if nodes[n]["kind"] == "indicator"]
    assert graph.order == in_order
    for node in nodes:
        assert graph.upstream(node) == nx.ancestors(graph.graph, node)
        assert graph.downstream(node) == nx.descendants(graph.graph, node)
    if name == "toy_engine":  # indicators built on indicators: lineage over several steps
        assert any(graph.upstream(n) and graph.downstream(n) for n in nodes)
