"""Descriptions of the catalogue as plain data: KPI listings, input listings, explanations.

The CLI prints these; the docs generator and the Excel functions read the same rows.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import TYPE_CHECKING, Any

from .bounds import valid_text
from .catalogue import Output, outputs_of
from .expressions import formula_of
from .model import Indicator, canonical_key
from .scoring import benchmark_of, cut_offs, direction_of

if TYPE_CHECKING:
    from .engine import Engine
    from .peers import PeerTargets
    from .targets import TargetSet

__all__ = ["explain_text", "indicator_row", "indicator_rows", "input_rows"]


def indicator_row(engine: Engine, ind: Indicator) -> dict[str, Any]:
    """One KPI as a dict: identity, metadata, data points, raw inputs, plugin."""
    return {
        "code": ind.code,
        "id": ind.id,
        "name": ind.name,
        "dimension": ind.dimension,
        "subdimension": ind.subdimension,
        "category": ind.category,
        "tier": str(ind.tier),
        "unit": ind.unit,
        "direction": str(ind.direction),
        "kpi_class": ind.kpi_class,
        "sdg": list(ind.sdg),
        "inputs": engine.graph.raw_inputs(ind.id),
        "data_points": [
            {
                "id": o.id,
                "key": o.point.key,
                "name": o.point.name,
                "unit": o.unit,
                "direction": o.direction,
            }
            for o in outputs_of(ind)
            if o.point is not None
        ],
        "definition": ind.definition,
        "plugin": ind.plugin,
        "replaces": ind.replaces,
    }


def _matches(value: str, wanted: str | None) -> bool:
    return wanted is None or canonical_key(value) == canonical_key(wanted)


def indicator_rows(
    engine: Engine,
    *,
    dimension: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    search: str | None = None,
) -> list[dict[str, Any]]:
    """Every KPI as a row, filtered by dimension (name or code prefix), tier, category or text."""
    rows = []
    for ind in engine.catalogue.indicators.values():
        dim_ok = (
            dimension is None
            or _matches(ind.dimension, dimension)
            or canonical_key(ind.code).startswith(canonical_key(dimension))
        )
        if not (dim_ok and _matches(str(ind.tier), tier) and _matches(ind.category, category)):
            continue
        row = indicator_row(engine, ind)
        if search is not None:
            haystack = " ".join([ind.code, ind.name, ind.unit, ind.definition]).lower()
            if search.lower() not in haystack:
                continue
        rows.append(row)
    return rows


def input_rows(engine: Engine) -> list[dict[str, Any]]:
    """Every raw data item as a row, with the codes of the KPIs that use it."""
    rows = []
    for name, item in engine.catalogue.items.items():
        users = [
            engine.catalogue.indicators[n].code
            for n in engine.graph.downstream(name)
            if n in engine.catalogue.indicators
        ]
        rows.append(
            {
                "name": name,
                "title": item.title,
                "unit": item.unit,
                "kind": str(item.kind),
                "minimum": item.lower,
                "maximum": item.upper,
                "units": dict(item.units),
                "description": item.description,
                "used_by": sorted(users),
                "plugin": item.plugin,
            }
        )
    return rows


def explain_text(
    engine: Engine,
    code: str,
    *,
    targets: TargetSet | None = None,
    peers: PeerTargets | None = None,
) -> str:
    """A readable explanation of one KPI: definition, formula source, inputs, lineage, metadata,
    and its benchmark in ``targets`` (default: the engine's), gaps filled by ``peers``."""
    ind = engine.catalogue.find_indicator(code)
    row = indicator_row(engine, ind)
    lines = [f"{ind.code}  {ind.name}", ""]
    lines += [ind.definition or "(no definition)", ""]
    table_formula = formula_of(ind.func)
    if table_formula is not None:
        lines += [f"Formula ({table_formula.origin or 'a formula table'}):"]
        lines += [f"    {ind.id} = {table_formula.text}", ""]
    else:
        lines += ["Formula:", *("    " + line for line in _source(ind).splitlines()), ""]
    lines.append("Needs:")
    for depth, node in engine.graph.tree(ind.id):
        if depth == 0:
            continue
        item = engine.catalogue.items.get(node)
        label = (
            f"{node}  [{item.unit}] {item.title}"
            if item
            else engine.catalogue.indicators[node].code
        )
        lines.append("    " * depth + label)
    lines.append("")
    for key in ("dimension", "subdimension", "category", "tier", "unit", "direction", "kpi_class"):
        lines.append(f"{key + ':':14}{row[key] or '-'}")
    outputs = outputs_of(ind)
    if len({valid_text(o) for o in outputs}) == 1:
        lines.append(f"{'valid:':14}{valid_text(outputs[0])}")
    else:
        lines.append("valid:")
        lines += [f"    {o.id}  {valid_text(o)}" for o in outputs]
    lines.append(f"{'sdg:':14}{', '.join(row['sdg']) or '-'}")
    if row["data_points"]:
        lines.append("data points:")
        lines += [f"    {p['id']}  ({p['unit']}, {p['direction']})" for p in row["data_points"]]
    lines += ["", "Benchmark:"]
    target_set = targets or engine.target_set
    scored_with = target_set if peers is None else peers.apply(target_set, engine.catalogue)
    for output in outputs_of(ind):
        lines += ["    " + line for line in _benchmark_lines(engine, output, scored_with)]
        refused = None if peers is None else peers.found.get(output.id)
        if refused is not None and refused.value is None and target_set.get(output.id) is None:
            lines.append(f"        peer rule: no target: {refused.reason}")
    replaced = [r for r in engine.catalogue.replacements if r.id == ind.id]
    origin = f"{ind.plugin}"
    if replaced:
        origin += f" (replaces the formula of plugin {replaced[0].replaced_plugin!r})"
    lines.append(f"{'plugin:':14}{origin}")
    return "\n".join(lines)


def _benchmark_lines(engine: Engine, output: Output, target_set: TargetSet) -> list[str]:
    """Target, its kind and source, and the band cut-offs in the value's own unit."""
    target = target_set.get(output.id)
    head = f"{output.id}: "
    if target is None:
        return [head + "no target in the target set: reported, not benchmarked"]
    value = benchmark_of(target)
    if value is None:
        return [head + f"no benchmark ({target.source or 'published as N/A'})"]
    direction = direction_of(output, target)  # exactly as the scores use it
    shown = ("yes" if value >= 0.5 else "no") if direction == "yes/no" else f"{value:g}"
    lines = [
        head
        + f"target {shown} {output.unit if direction != 'yes/no' else ''}".rstrip()
        + f" ({target.kind}, {direction} is better)".replace("yes/no is better", "yes/no")
    ]
    if target.source:
        lines.append(f"    source: {target.source}")
    bands = engine.bands
    for points, condition in cut_offs(value, direction, bands):
        unit = "" if direction == "yes/no" else f" {output.unit}"
        lines.append(f"    {points} points ({bands.band(points)} of target): {condition}{unit}")
    return lines


def _source(ind: Indicator) -> str:
    """The formula's source without its docstring (shown separately as the definition)."""
    try:
        source = textwrap.dedent(inspect.getsource(ind.func))
    except (OSError, TypeError):
        return f"{ind.id}({', '.join(ind.inputs)})"
    lines = source.splitlines()
    tree = ast.parse(source)
    func = tree.body[0]
    if isinstance(func, ast.FunctionDef):
        start = func.lineno - 1  # the "def" line, after any decorators
        first = func.body[0]
        is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if is_doc and first.end_lineno is not None and len(func.body) > 1:
            lines = lines[start : first.lineno - 1] + lines[first.end_lineno :]
        else:
            lines = lines[start:]
    return "\n".join(lines).rstrip()
