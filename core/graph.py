"""The dependency graph of indicators and data items, built from function signatures.

Nodes are data item names and indicator ids; an edge ``a -> b`` means the formula of ``b`` names
``a`` as a parameter. Building the graph reports, all at once, parameters that name nothing known
(with close matches) and cycles (printed in order).

Scoring needs only the evaluation order and lineage, found here over plain dictionaries; the
NetworkX graph (:attr:`IndicatorGraph.graph`, for exports and for naming every cycle) is built,
and NetworkX imported, only when asked for: importing it costs a sixth of a second, more than
scoring a small file.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .catalogue import Catalogue
from .errors import GraphError, GraphProblem

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["IndicatorGraph"]

ITEM = "item"
INDICATOR = "indicator"


class IndicatorGraph:
    """The graph of a :class:`Catalogue`, with lineage queries and evaluation order."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        problems = list(catalogue.problems)
        #: Every node's kind and plugin, in the order NetworkX is given them.
        self._nodes: dict[str, tuple[str, str]] = {
            **{name: (ITEM, item.plugin) for name, item in catalogue.items.items()},
            **{i: (INDICATOR, ind.plugin) for i, ind in catalogue.indicators.items()},
        }
        #: What each node feeds and is fed by (dictionaries as ordered sets, edges in order).
        self._feeds: dict[str, dict[str, None]] = {node: {} for node in self._nodes}
        self._fed_by: dict[str, dict[str, None]] = {node: {} for node in self._nodes}
        for ind_id, ind in catalogue.indicators.items():
            for param in ind.inputs:
                source = catalogue.resolve(param)
                if source in self._nodes:
                    self._feeds[source][ind_id] = None
                    self._fed_by[ind_id][source] = None
                else:
                    problems.append(self._unknown(param, f"indicator {ind.code}", ind.plugin))
        for chk in catalogue.checks:
            for param in chk.inputs:
                if catalogue.resolve(param) not in self._nodes:
                    problems.append(self._unknown(param, f"check {chk.id}", chk.plugin))
        order = self._topological_order()
        if order is None:
            problems += self._cycles(self.graph)
        if problems:
            raise GraphError(problems)
        self.order: list[str] = [n for n in order or () if self._nodes[n][0] == INDICATOR]

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The graph as a NetworkX ``DiGraph`` (node attributes ``kind`` and ``plugin``)."""
        import networkx as nx

        graph: nx.DiGraph = nx.DiGraph()
        for node, (kind, plugin) in self._nodes.items():
            graph.add_node(node, kind=kind, plugin=plugin)
        graph.add_edges_from((a, b) for a, fed in self._feeds.items() for b in fed)
        return graph

    def _topological_order(self) -> list[str] | None:
        """Every node, each after all it needs; ``None`` when there is a cycle. Generation by
        generation as NetworkX's ``topological_sort`` (so the order is the one it gives)."""
        waiting = {node: len(fed) for node, fed in self._fed_by.items() if fed}
        ready = [node for node, fed in self._fed_by.items() if not fed]
        order: list[str] = []
        while ready:
            order += ready
            following = []
            for node in ready:
                for child in self._feeds[node]:
                    waiting[child] -= 1
                    if waiting[child] == 0:
                        following.append(child)
                        del waiting[child]
            ready = following
        return None if waiting else order

    def _unknown(self, name: str, needed_by: str, plugin: str) -> GraphProblem:
        suggestions = tuple(
            self.catalogue.suggest(name, [*self.catalogue.items, *self.catalogue.indicators])
        )
        hint = (
            f"; did you mean {' or '.join(map(repr, suggestions))}?"
            if suggestions
            else ("; declare it as a DataItem in a plugin's u4ssc_data_items hook")
        )
        return GraphProblem(
            "unknown",
            f"{needed_by} (plugin {plugin!r}) needs {name!r}, which no plugin declares{hint}",
            names=(name, needed_by),
            plugins=(plugin,),
            suggestions=suggestions,
        )

    def _cycles(self, graph: nx.DiGraph) -> list[GraphProblem]:
        import networkx as nx

        problems = []
        for component in nx.strongly_connected_components(graph):
            start = next(iter(sorted(component)))
            if len(component) == 1 and not graph.has_edge(start, start):
                continue
            edges = nx.find_cycle(graph.subgraph(component), source=start)
            cycle = [edge[0] for edge in edges] + [edges[0][0]]
            plugins = tuple(sorted({graph.nodes[n]["plugin"] for n in cycle}))
            problems.append(
                GraphProblem(
                    "cycle",
                    f"indicators depend on each other in a circle: {' -> '.join(cycle)} "
                    f"(plugins {', '.join(plugins)}): break the circle",
                    names=tuple(cycle),
                    plugins=plugins,
                )
            )
        return problems

    # -- lineage ---------------------------------------------------------------------------------

    def upstream(self, name: str) -> set[str]:
        """Everything ``name`` needs, directly or not (items and indicators)."""
        return _reachable(self._fed_by, self.catalogue.resolve(name))

    def downstream(self, name: str) -> set[str]:
        """Everything that needs ``name``, directly or not."""
        return _reachable(self._feeds, self.catalogue.resolve(name))

    def raw_inputs(self, name: str) -> list[str]:
        """The data items ``name`` needs, directly or through other indicators, in name order."""
        return sorted(n for n in self.upstream(name) if self._nodes[n][0] == ITEM)

    def direct_inputs(self, name: str) -> list[str]:
        """What the formula of ``name`` names, in parameter order."""
        return [self.catalogue.resolve(p) for p in self.catalogue.indicators[name].inputs]

    def plan(self, wanted: Iterable[str] | None = None) -> list[str]:
        """Indicator ids to evaluate, in dependency order, for the ``wanted`` indicators only."""
        if wanted is None:
            return list(self.order)
        needed: set[str] = set()
        for name in wanted:
            resolved = self.catalogue.resolve(name)
            needed |= {resolved} | self.upstream(resolved)
        return [n for n in self.order if n in needed]

    def tree(self, name: str) -> list[tuple[int, str]]:
        """The upstream tree of ``name`` as ``(depth, node)`` lines, depth-first, for display."""
        lines: list[tuple[int, str]] = []

        def walk(node: str, depth: int) -> None:
            lines.append((depth, node))
            if self._nodes[node][0] == INDICATOR:
                for parent in self.direct_inputs(node):
                    walk(parent, depth + 1)

        walk(self.catalogue.resolve(name), 0)
        return lines

    # -- export ----------------------------------------------------------------------------------

    def subgraph(self, name: str | None = None) -> nx.DiGraph:
        """The whole graph, or the lineage of one indicator (it and everything it needs)."""
        if name is None:
            return self.graph
        node = self.node(name)
        return self.graph.subgraph({node} | self.upstream(node))

    def node(self, name: str) -> str:
        """The graph node of a data item name, indicator id or KPI code (any spacing or case).

        :raises UnknownNameError: nothing matches; close matches are suggested.
        """
        resolved = self.catalogue.resolve(name)
        if resolved in self._nodes:
            return resolved
        return self.catalogue.find_indicator(name).id

    def _label(self, node: str, newline: str) -> str:
        """A node's label: the item name, or the KPI code and name joined by ``newline``."""
        ind = self.catalogue.indicators.get(node)
        return f"{ind.code}{newline}{ind.name}" if ind is not None else node

    def to_json(self, name: str | None = None) -> dict[str, Any]:
        """Nodes (id, kind, label, plugin) and edges (source, target) as plain data."""
        graph = self.subgraph(name)
        return {
            "nodes": [
                {
                    "id": node,
                    "kind": graph.nodes[node]["kind"],
                    "label": self._label(node, " "),
                    "plugin": graph.nodes[node]["plugin"],
                }
                for node in sorted(graph.nodes)
            ],
            "edges": [{"source": a, "target": b} for a, b in sorted(graph.edges)],
        }

    def to_dot(self, name: str | None = None) -> str:
        """Graphviz DOT text: data items as ellipses, indicators as boxes."""
        graph = self.subgraph(name)
        lines = ["digraph u4ssc {", "  rankdir=LR;"]
        for node in sorted(graph.nodes):
            shape = "box" if graph.nodes[node]["kind"] == INDICATOR else "ellipse"
            label = self._label(node, "\\n").replace('"', '\\"')
            lines.append(f'  "{node}" [shape={shape}, label="{label}"];')
        lines += [f'  "{a}" -> "{b}";' for a, b in sorted(graph.edges)]
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_mermaid(self, name: str | None = None) -> str:
        """Mermaid flowchart text; node ids are numbered, labels are quoted."""
        graph = self.subgraph(name)
        ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
        lines = ["flowchart LR"]
        for node, key in ids.items():
            label = self._label(node, "<br>").replace('"', "#quot;")
            if graph.nodes[node]["kind"] == INDICATOR:
                lines.append(f'  {key}["{label}"]')
            else:
                lines.append(f'  {key}(["{label}"])')
        lines += [f"  {ids[a]} --> {ids[b]}" for a, b in sorted(graph.edges)]
        return "\n".join(lines) + "\n"


def _reachable(edges: dict[str, dict[str, None]], start: str) -> set[str]:
    """Every node reached from ``start`` (not itself, unless on a cycle) along ``edges``."""
    found: set[str] = set()
    todo = list(edges[start])
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += edges[node]
    return found
