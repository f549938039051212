"""The guidance a statistician reads in the workbook's cells, written from the engine's own
catalogue: each input's definition, unit and the KPIs that use it; each KPI's definition (its
formula's docstring) and formula in words (traced from the same function as the cell's formula).
Nothing here is a hand-written copy of a definition.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from u4ssc.core.expressions import formula_of

from .trace import UntranslatableFormula, trace_step

if TYPE_CHECKING:
    from u4ssc.core import DataItem, Engine
    from u4ssc.core.catalogue import Output
    from u4ssc.core.evaluate import Step

__all__ = ["formula_in_words", "input_note", "kpi_note", "reported_note", "users"]

#: Spreadsheet operators as a reader writes them.
_OPERATORS = {"*": "×", "/": "÷", "+": "+", "-": "−", "^": "^"}
_BINARY = re.compile(r"(?<=[\w)\]])(?<!\dE)([*/+\-^])(?=[\w(\[])")


def users(engine: Engine) -> dict[str, list[Output]]:
    """The KPI values that read each data item directly, in catalogue order."""
    outputs = {o.id: o for o in engine.outputs}
    found: dict[str, list[Output]] = {name: [] for name in engine.catalogue.items}
    for step in engine.plan.steps:
        for j, output_id in enumerate(step.ids):
            for i in step.uses[j]:
                if step.from_item[i] and outputs[output_id] not in found[step.sources[i]]:
                    found[step.sources[i]].append(outputs[output_id])
    order = {o.id: n for n, o in enumerate(engine.outputs)}
    return {name: sorted(used, key=lambda o: order[o.id]) for name, used in found.items()}


def input_note(item: DataItem, used_by: list[Output]) -> str:
    """The note of one data item's row: definition, unit (and the others accepted), bounds and
    the KPI values that use it."""
    lines = [item.title, item.description, f"Unit: {item.unit}"]
    if item.units:
        others = ", ".join(f"{unit} (× {factor:g})" for unit, factor in item.units.items())
        lines.append(f"Also accepted, converted: {others}")
    lines.append(f"Kind: {item.kind}")
    lines.append("Used by: " + ("; ".join(f"{o.id} {o.name}" for o in used_by) or "no KPI"))
    return "\n".join(lines)


def reported_note(output: Output) -> str:
    """The note of one final-value row: which KPI value it replaces, its definition and unit."""
    return "\n".join(
        [
            f"Final value of {output.id} {output.name}, reported directly: only when its inputs "
            "cannot be given.",
            _unwrapped(output.indicator.definition.split("\n\n")[0]),
            f"Unit: {output.unit}",
        ]
    )


def formula_in_words(engine: Engine, step: Step) -> dict[str | None, str]:
    """Each output's formula as a reader writes it: the data items by their ids on the Inputs
    sheet, other KPI values by their ids in brackets, × and ÷ for the operators. A formula with
    no spreadsheet form gives the formula table's text, or says that u4ssc computes it."""
    try:
        traced = trace_step(engine, step, lambda name: name, lambda output: f"[{output.id}]")
    except UntranslatableFormula:
        table = formula_of(step.indicator.func)
        text = table.text if table is not None else "computed by u4ssc score (no spreadsheet form)"
        return dict.fromkeys(step.keys, text)
    return {key: _BINARY.sub(_spaced, text) for key, text in traced.items()}


def kpi_note(engine: Engine, step: Step, j: int, formula: str) -> str:
    """The note of one KPI value's row: definition, formula in words and its inputs."""
    inputs = []
    for i in step.uses[j]:
        source = step.sources[i]
        if step.from_item[i]:
            item = engine.catalogue.items[source]
            inputs.append(f"{source}: {item.title} ({item.unit})")
        else:
            inputs.append(f"{engine.catalogue.indicators[source].code} (a KPI)")
    definition = "\n\n".join(map(_unwrapped, step.indicator.definition.split("\n\n")))
    lines = [definition or step.indicator.name, "", f"Formula: {formula}"]
    return "\n".join([*lines, "Inputs: " + "; ".join(inputs)])


def _spaced(match: re.Match[str]) -> str:
    return f" {_OPERATORS[match.group(1)]} "


def _unwrapped(paragraph: str) -> str:
    """A docstring paragraph on one line (the note wraps it)."""
    return " ".join(paragraph.split())
