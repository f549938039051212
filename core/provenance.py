"""Where values come from: the ``source`` and data-quality level of input cells, carried to KPIs.

A long input table may name, per cell, the ``source`` of the value (free text) and its
``quality``, one of the six U4SSC data-quality levels (:data:`QUALITY_LEVELS`, best first). Each
scored value then carries the sources of the input cells it used, joined with ``"; "``, and the
worst of their quality levels; a value the city reported itself carries that cell's own source
and quality. Values without a number (not reported, invalid ...) carry neither.

Everything is computed on integer codes, column by column, never row by row: sources are note
codes into the run's :class:`~.values.NoteTable`, quality levels small integers (0 is unknown).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .evaluate import Plan
from .status import Status
from .values import NoteTable, cell_keys

__all__ = [
    "QUALITY_LEVELS",
    "Provenance",
    "Traced",
    "quality_codes",
    "quality_level",
    "source_codes",
    "trace",
]

#: The U4SSC data-quality levels, best first; code ``i + 1`` is ``QUALITY_LEVELS[i]``.
QUALITY_LEVELS: tuple[str, ...] = (
    "accurate measurement",
    "extrapolated from a survey of inhabitants",
    "extrapolated from higher-level data",
    "estimate based on assumptions",
    "personal estimate",
    "unknown methodology, not traceable",
)
_BY_TEXT = {level: i + 1 for i, level in enumerate(QUALITY_LEVELS)}
_SPACES = re.compile(r"\s+")

SourceCodes = npt.NDArray[np.int32]
QualityCodes = npt.NDArray[np.int8]


def quality_level(raw: object) -> int | None:
    """The code of a data-quality level: 1–6, 0 for a blank cell, ``None`` when unknown.

    Levels are matched ignoring case and runs of spaces: ``Personal  Estimate`` is level 5.
    """
    if raw is None or (isinstance(raw, float) and raw != raw):
        return 0
    text = _SPACES.sub(" ", str(raw)).strip().lower()
    if not text:
        return 0
    return _BY_TEXT.get(text)


@dataclass(slots=True)
class Provenance:
    """Source note codes and quality codes of one input or output column, for every row."""

    source: SourceCodes
    quality: QualityCodes

    @classmethod
    def empty(cls, n: int) -> Provenance:
        """No source and no quality on any row."""
        return cls(np.zeros(n, np.int32), np.zeros(n, np.int8))


@dataclass(slots=True)
class Traced:
    """Source and quality of every output, as (outputs × rows) matrices in catalogue order."""

    source: npt.NDArray[np.int32]
    quality: npt.NDArray[np.int8]


class _Sources:
    """Unions of source sets, as note codes: ``a`` with ``b; c`` is the code of ``a; b; c``."""

    def __init__(self, notes: NoteTable) -> None:
        self.notes = notes
        self.members: dict[int, frozenset[str]] = {0: frozenset()}

    def _members(self, code: int) -> frozenset[str]:
        found = self.members.get(code)
        if found is None:
            found = self.members[code] = frozenset([self.notes.text(code)])
        return found

    def _code(self, members: frozenset[str]) -> int:
        code = self.notes.code("; ".join(sorted(members)))
        self.members.setdefault(code, members)
        return code

    def union(self, columns: Sequence[SourceCodes], n: int) -> SourceCodes:
        """Row by row union of several columns of source codes."""
        given = [c for c in columns if c.any()]
        if not given:
            return np.zeros(n, np.int32)
        result = given[0]
        for other in given[1:]:
            keys = (result.astype(np.int64) << 32) | other.astype(np.int64)
            uniques, inverse = np.unique(keys, return_inverse=True)
            codes = [
                self._code(self._members(int(k) >> 32) | self._members(int(k) & 0xFFFFFFFF))
                for k in uniques
            ]
            result = np.asarray(codes, np.int32)[inverse.ravel()]
        return result


def _worst(columns: Sequence[QualityCodes], n: int) -> QualityCodes:
    if not columns:
        return np.zeros(n, np.int8)
    return np.asarray(np.maximum.reduce(list(columns)), dtype=np.int8)


def trace(
    plan: Plan,
    inputs: Mapping[str, Provenance],
    overrides: Mapping[str, Provenance],
    status: npt.NDArray[np.int8],
    notes: NoteTable,
    n: int,
) -> Traced | None:
    """Carry input provenance through the plan to every output; ``None`` when no input has any.

    :param inputs: provenance of input columns, by data item name.
    :param overrides: provenance of reported final values, by output id.
    :param status: the evaluated (outputs × rows) status matrix.
    """
    if not inputs and not overrides:
        return None
    sources = _Sources(notes)
    out_source = np.zeros(status.shape, np.int32)
    out_quality = np.zeros(status.shape, np.int8)
    nodes: dict[str, Provenance] = {}
    none = Provenance.empty(n)
    for step in plan.steps:
        params: list[Provenance | None] = [
            inputs.get(source) if from_item else nodes.get(source)
            for source, from_item in zip(step.sources, step.from_item, strict=True)
        ]
        for uses, row, output_id in zip(step.uses, step.rows, step.ids, strict=True):
            used = [p for p in (params[i] for i in uses) if p is not None]
            computed = Provenance(
                sources.union([p.source for p in used], n), _worst([p.quality for p in used], n)
            )
            _write(
                out_source, out_quality, row, status[row], computed, overrides.get(output_id, none)
            )
        if step.indicator.id in plan.used_as_input:
            nodes[step.indicator.id] = Provenance(
                sources.union([out_source[r] for r in step.rows], n),
                _worst([out_quality[r] for r in step.rows], n),
            )
    return Traced(out_source, out_quality)


def _write(
    out_source: npt.NDArray[np.int32],
    out_quality: npt.NDArray[np.int8],
    row: int,
    status: npt.NDArray[np.int8],
    computed: Provenance,
    reported: Provenance,
) -> None:
    """A computed value carries its inputs' provenance, a reported one its own, others none."""
    is_computed = status == Status.COMPUTED
    is_reported = status == Status.REPORTED
    out_source[row] = np.where(
        is_computed, computed.source, np.where(is_reported, reported.source, 0)
    )
    out_quality[row] = np.where(
        is_computed, computed.quality, np.where(is_reported, reported.quality, 0)
    )


def quality_codes(raw: npt.NDArray[Any]) -> tuple[QualityCodes, npt.NDArray[np.intp]]:
    """Quality codes of a column of cells, parsed once per distinct value.

    :return: the codes (0 where blank or unknown) and the rows whose level is unknown.
    """
    import pandas as pd

    factor, uniques = pd.factorize(cell_keys(raw), use_na_sentinel=True)
    levels = [quality_level(u) for u in uniques]
    table = np.array([-1 if lv is None else lv for lv in levels] + [0], dtype=np.int8)
    codes = table[np.asarray(factor)]
    unknown = np.flatnonzero(codes < 0)
    codes[unknown] = 0
    return codes, unknown


def source_codes(raw: npt.NDArray[Any], notes: NoteTable) -> SourceCodes:
    """Note codes of a column of source texts (0 where blank), interned once per distinct text."""
    import pandas as pd

    factor, uniques = pd.factorize(cell_keys(raw), use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]
    table = np.array([notes.code(t) if t else 0 for t in texts] + [0], dtype=np.int32)
    codes: SourceCodes = table[np.asarray(factor)]
    return codes
