"""Benchmark targets as data: the default U4SSC set, plugin targets and a user's own file.

A target set maps each KPI or data point id to a :class:`Target`: the value to reach, the direction,
its kind (``official``, ``reference``, or ``none`` = published as "no benchmark"), source and note.
Sets are laid over each other: the default set, then the plugins' targets, then a user file.
Every result records the name and fingerprint of the set it was scored against.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigurationError, DataError
from .model import canonical_key
from .plugins import skip_hint
from .values import parse_cell

if TYPE_CHECKING:
    from .catalogue import Catalogue, Output

__all__ = ["KINDS", "Target", "TargetSet"]

#: The kinds of target, as printed.
KINDS = ("official", "reference", "none", "local", "user", "peer")
#: Directions a target may give; ``yes/no`` means yes meets the target.
DIRECTIONS = ("higher", "lower", "approach", "yes/no", "none")

DEFAULT_NAME = "u4ssc-default"


@dataclass(frozen=True)
class Target:
    """The benchmark of one KPI or data point.

    :param id: KPI code or data point id (``code: point``), any spacing and case.
    :param value: the value that counts as 100 % of target; ``None`` for kind ``none``. For a
        yes/no target, 1 (yes) or 0 (no).
    :param direction: ``higher``, ``lower``, ``approach`` or ``yes/no``; empty to use the KPI's.
    :param kind: ``official`` (printed by U4SSC), ``reference`` (an SDG, WHO or ITU value
        standing in), ``none`` (published as "no benchmark"), ``local`` (a city's) or ``user``
        (from a file), ``peer`` (derived from peer cities, :mod:`.peers`).
    :param source: where the value comes from.
    :param note: anything a reader should know.
    """

    id: str
    value: float | None
    direction: str = ""
    kind: str = "reference"
    source: str = ""
    note: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"target kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.direction and self.direction not in DIRECTIONS:
            raise ValueError(
                f"target direction {self.direction!r} is not one of {', '.join(DIRECTIONS)}"
            )
        if self.kind != "none" and (self.value is None or not math.isfinite(self.value)):
            raise ValueError(f"target of {self.id} needs a finite value (or kind 'none')")


@dataclass
class TargetSet:
    """Targets by output id, with a name and a fingerprint recorded in every result.

    :ivar layers: names of the sets laid over each other, first to last.
    """

    targets: dict[str, Target] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The layers, joined: e.g. ``u4ssc-default + plugins + my_targets.csv``."""
        return " + ".join(self.layers) or "empty"

    @property
    def fingerprint(self) -> str:
        """A short hash of every layer's content."""
        digest = hashlib.sha256("|".join(self.fingerprints).encode()).hexdigest()
        return digest[:12]

    def get(self, output_id: str) -> Target | None:
        """The target of an output id (exact, as printed), or ``None``."""
        return self.targets.get(output_id)

    def describe(self) -> dict[str, str]:
        """Name and fingerprint, for manifests."""
        return {"name": self.name, "fingerprint": self.fingerprint}

    # -- building --------------------------------------------------------------------------------

    @classmethod
    def default(cls, catalogue: Catalogue) -> TargetSet:
        """The targets shipped with u4ssc (official and labelled reference values, with sources)."""
        text = files(__package__).joinpath("data/targets.csv").read_text(encoding="utf-8")
        # Targets of KPIs whose plugin is not loaded (blocked, or a bare engine) are skipped.
        return cls().overlay_csv(
            text, DEFAULT_NAME, catalogue, default_kind="reference", skip_unknown=True
        )

    def overlay(
        self,
        targets: Iterable[Target],
        name: str,
        catalogue: Catalogue,
        fingerprint: str = "",
        *,
        skip_unknown: bool = False,
        origins: Sequence[str] = (),
    ) -> TargetSet:
        """Return a new set with ``targets`` laid over this one (matched to outputs by id).

        :param origins: where each target was written (``target file 'x.csv', line 3 (code)``),
            for the messages; a target file's problems are then :class:`DataError`.
        :raises ConfigurationError: a target names no KPI or data point (unless
            ``skip_unknown``), or cannot be scored against (:func:`target_problem`).
        """
        resolver = _resolver(catalogue)
        outputs = {output.id: output for output in catalogue.outputs()}
        merged = dict(self.targets)
        for i, target in enumerate(targets):
            output_id = resolver.get(canonical_key(target.id))
            if output_id is None:
                if skip_unknown:
                    continue
                where = f"plugin {target.plugin!r}" if target.plugin else f"target set {name!r}"
                hint = _hint(catalogue, target.id)
                if target.plugin:
                    hint += f"{' ' if hint else '. '}Fix the code in its u4ssc_targets hook, or "
                    hint += skip_hint(target.plugin)
                raise ConfigurationError(
                    f"{where}: {target.id!r} is not a KPI code or data point id{hint}"
                )
            problem = _impossible(target, outputs[output_id])
            if problem is not None:
                if i < len(origins):
                    raise DataError(f"{origins[i]}: {problem}; {_FILE_FIX}")
                where = f"plugin {target.plugin!r}" if target.plugin else f"target set {name!r}"
                fix = "Fix it in the plugin's u4ssc_targets hook, or " + skip_hint(target.plugin)
                raise ConfigurationError(
                    f"{where}: the target of {output_id}: {problem}. "
                    + (fix if target.plugin else _FILE_FIX)
                )
            source = target.source or (f"plugin {target.plugin!r}" if target.plugin else name)
            merged[output_id] = replace(target, id=output_id, source=source)
        stamp = fingerprint or hashlib.sha256(repr(sorted(merged.items())).encode()).hexdigest()
        return TargetSet(merged, [*self.layers, name], [*self.fingerprints, stamp])

    def overlay_csv(
        self,
        text: str,
        name: str,
        catalogue: Catalogue,
        *,
        default_kind: str = "user",
        skip_unknown: bool = False,
    ) -> TargetSet:
        """Lay a CSV of targets over this set.

        Columns: ``code`` and ``target`` (required); ``data_point``, ``direction``, ``kind``,
        ``source``, ``note`` (optional). A data point is named by its id in ``code`` or by the KPI
        code plus a ``data_point`` column. ``target`` may be a number, ``yes``/``no``, or empty for
        kind ``none``.

        :raises DataError: a row is malformed; the message gives the line and the fix.
        """
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
        if not {"code", "target"} <= fields:
            raise DataError(
                f"target file {name!r} needs the columns code and target "
                f"(found: {', '.join(sorted(fields)) or 'none'})"
            )
        targets, origins = [], []
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            targets.append(_target_from_row(row, name, line, default_kind))
            origins.append(_where(name, line, targets[-1].id))
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        return self.overlay(
            targets, name, catalogue, fingerprint, skip_unknown=skip_unknown, origins=origins
        )

    def overlay_file(self, path: Path, catalogue: Catalogue) -> TargetSet:
        """Lay a user's target CSV file over this set."""
        if not path.is_file():
            raise DataError(f"target file {str(path)!r} does not exist")
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        return self.overlay_csv(text, path.name, catalogue)


def _target_from_row(row: Mapping[str, str], name: str, line: int, default_kind: str) -> Target:
    code = row.get("code", "")
    point = row.get("data_point", "")
    target_id = f"{code}: {point}" if point else code
    kind = row.get("kind") or default_kind
    direction = row.get("direction", "").lower()
    raw = row.get("target", "")
    where = _where(name, line, target_id)
    if not code:
        raise DataError(f"{where}: the code column is empty")
    value: float | None = None
    if raw:
        cell = parse_cell(raw)
        if cell.status != 0 or not math.isfinite(cell.value):
            raise DataError(f"{where}: target {raw!r} is not a number, yes or no")
        value = cell.value
        if raw.lower() in ("yes", "no", "true", "false") and not direction:
            direction = "yes/no"
    elif kind != "none":
        raise DataError(f"{where}: the target is empty; give a value, or the kind 'none'")
    try:
        source = row.get("source") or f"{name}, line {line}"  # every target names its source
        return Target(target_id, value, direction, kind, source, row.get("note", ""))
    except ValueError as error:
        raise DataError(f"{where}: {error}") from error


def _where(name: str, line: int, target_id: str) -> str:
    return f"target file {name!r}, line {line} ({target_id or 'no code'})"


#: How to fix an impossible target in a target file.
_FILE_FIX = "give a target the KPI's values can reach, or the kind 'none' to report it unscored"

#: How % of target is computed, by direction, for the messages.
_RULES = {
    "higher": "value ÷ target",
    "lower": "target ÷ value",
    "approach": "the smaller of value and target ÷ the larger",
}


def target_problem(
    value: float | None, direction: str, lower: float, upper: float, unit: str
) -> str | None:
    """Why a target of ``value`` cannot be scored against, or ``None`` when it can.

    % of target divides by the target (or the target by the value), so a target of 0 or below
    leaves every value unscored or gives nonsense (a target of -50 made 82 % into -164 %); a
    target outside the values the KPI can take (150 % of a share, a Gini of 27) can never be
    met, or is met by every value.

    :param direction: the direction the value is scored in; ``lower``/``upper``: the KPI's bounds.
    """
    if value is None or direction not in (*_RULES, "yes/no"):
        return None
    shown = f"{value:g}{f' {unit}' if unit else ''}"
    if direction in _RULES and value <= 0:
        return (
            f"a target of {shown} cannot be scored ({direction} is better: % of target is "
            f"{_RULES[direction]}); a target must be above 0"
        )
    if not lower <= value <= upper:
        if math.isinf(upper):
            span = f"{lower:g} or more"
        elif math.isinf(lower):
            span = f"up to {upper:g}"
        else:
            span = f"{lower:g} to {upper:g}"
        return f"the target {shown} is outside the values the KPI can take ({span})"
    return None


def _impossible(target: Target, output: Output) -> str | None:
    from .scoring import benchmark_of, direction_of

    value = benchmark_of(target)
    return target_problem(value, direction_of(output, target), *output.bounds, output.unit)


def _resolver(catalogue: Catalogue) -> dict[str, str]:
    found: dict[str, str] = {}
    for output in catalogue.outputs():
        found[canonical_key(output.id)] = output.id
        if output.point is not None:
            found.setdefault(
                canonical_key(f"{output.indicator.code}{output.point.name}"), output.id
            )
    return found


def _hint(catalogue: Catalogue, text: str) -> str:
    close = catalogue.suggest(text, [o.id for o in catalogue.outputs()])
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
