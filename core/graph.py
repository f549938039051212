"""The dependency graph of indicators and data items, built with NetworkX from function signatures.

Nodes are data item names and indicator ids; an edge ``a -> b`` means the formula of ``b`` names
``a`` as a parameter. Building the graph reports, all at once, parameters that name nothing known
(with close matches) and cycles (printed in order).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from .catalogue import Catalogue
from .errors import GraphError, GraphProblem

__all__ = ["IndicatorGraph"]

ITEM = "item"
INDICATOR = "indicator"


class IndicatorGraph:
    """The graph of a :class:`Catalogue`, with lineage queries and evaluation order."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        graph: nx.DiGraph = nx.DiGraph()
        problems = list(catalogue.problems)
        for name, item in catalogue.items.items():
            graph.add_node(name, kind=ITEM, plugin=item.plugin)
        for ind_id, ind in catalogue.indicators.items():
            graph.add_node(ind_id, kind=INDICATOR, plugin=ind.plugin)
        for ind_id, ind in catalogue.indicators.items():
            for param in ind.inputs:
                source = catalogue.resolve(param)
                if source in graph:
                    graph.add_edge(source, ind_id)
                else:
                    problems.append(self._unknown(param, f"indicator {ind.code}", ind.plugin))
        for chk in catalogue.checks:
            for param in chk.inputs:
                if catalogue.resolve(param) not in graph:
                    problems.append(self._unknown(param, f"check {chk.id}", chk.plugin))
        problems += self._cycles(graph)
        if problems:
            raise GraphError(problems)
        self.graph = graph
        self.order: list[str] = [
            n for n in nx.topological_sort(graph) if graph.nodes[n]["kind"] == INDICATOR
        ]

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
        return set(nx.ancestors(self.graph, self.catalogue.resolve(name)))

    def downstream(self, name: str) -> set[str]:
        """Everything that needs ``name``, directly or not."""
        return set(nx.descendants(self.graph, self.catalogue.resolve(name)))

    def raw_inputs(self, name: str) -> list[str]:
        """The data items ``name`` needs, directly or through other indicators, in name order."""
        return sorted(n for n in self.upstream(name) if self.graph.nodes[n]["kind"] == ITEM)

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
            if self.graph.nodes[node]["kind"] == INDICATOR:
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
        if resolved in self.graph:
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
