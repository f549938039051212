"""Peer targets: "the performance of leading cities", derived from the cities scored.

Opt-in, never on by default. For a value with no target in the target set (a KPI published as
"no benchmark", kind ``none``, keeps that), a :class:`PeerRule` derives one from **peers**:

- the peers of a value are the distinct cities (by the city column, as written; rows without a
  city are left out) that have it with status *computed* or *reported*, in the rows scored or in
  a peer file;
- each city counts once, with its latest value (its row of the highest year; rows without a year
  count as the earliest; of equal years, the last row);
- the target is the P-th percentile of those values (default 90) for higher-is-better, the
  (100 − P)-th for lower-is-better, by numpy's linear interpolation between the closest ranks;
- it is derived only when at least N cities (default 10) report the value, only for values scored
  higher- or lower-is-better (a value to approach, a yes/no or one without a direction gets
  none), and only when the percentile is above 0 (a target of 0 or below cannot be scored).

A city is its own peer, so a peer target says how a city stands among the cities scored, not
against an outside standard; see ``docs/scoring.md``.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue, Output
from .errors import ConfigurationError
from .evaluate import stack_outputs
from .status import Status
from .targets import Target, TargetSet

__all__ = ["PeerRule", "PeerTarget", "PeerTargets", "derive_peer_targets"]

#: The statuses whose values count as reported by a peer.
PEER_STATUSES = (Status.COMPUTED, Status.REPORTED)


@dataclass(frozen=True)
class PeerRule:
    """How peer targets are derived.

    :param percentile: the percentile of the peers' values that counts as 100 % of target for
        higher-is-better values (lower-is-better use 100 minus it); from 50 to 100.
    :param min_peers: how many distinct cities must report a value before it gets a target (2 or
        more).
    :param file: a file of peer cities (any input u4ssc reads); ``None``: the rows scored.
    """

    percentile: float = 90.0
    min_peers: int = 10
    file: str | os.PathLike[str] | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.percentile, (int, float)) and 50 <= self.percentile <= 100):
            raise ConfigurationError(
                f"the peer percentile must be a number from 50 to 100, got {self.percentile!r}"
            )
        if isinstance(self.min_peers, bool) or not isinstance(self.min_peers, int):
            raise ConfigurationError(f"min_peers must be a whole number, got {self.min_peers!r}")
        if self.min_peers < 2:
            raise ConfigurationError(
                f"min_peers must be 2 or more (a city alone is its own target), got "
                f"{self.min_peers}"
            )


@dataclass(frozen=True)
class PeerTarget:
    """What the rule found for one value.

    :ivar value: the derived target; ``None`` when refused (``reason`` says why).
    :ivar percentile: the percentile used (P, or 100 − P for lower-is-better).
    :ivar peers: how many distinct cities reported the value.
    :ivar years: the first and last year of the peers' values (``None`` when none was given).
    """

    id: str
    direction: str
    percentile: float
    peers: int
    years: tuple[int, int] | None
    value: float | None
    reason: str = ""

    @property
    def span(self) -> str:
        """The year span, e.g. ``2022–2024``."""
        if self.years is None:
            return "years not given"
        first, last = self.years
        return str(first) if first == last else f"{first}–{last}"

    def source(self, origin: str) -> str:
        """The target's source as printed in every row scored against it."""
        return (
            f"peer: {self.percentile:g}th percentile of the latest values of {self.peers} "
            f"cities ({self.span}) in {origin}"
        )

    def describe(self) -> dict[str, Any]:
        """For manifests."""
        row: dict[str, Any] = {
            "direction": self.direction,
            "percentile": self.percentile,
            "peers": self.peers,
            "years": list(self.years) if self.years else None,
        }
        if self.value is None:
            row["refused"] = self.reason
        else:
            row["target"] = self.value
        return row


@dataclass(frozen=True)
class PeerTargets:
    """Peer targets derived for every value that could have one; laid only into gaps.

    :ivar origin: where the peers came from (``the rows scored`` or the peer file's name).
    :ivar found: by output id, what the rule found (values scored higher- or lower-is-better).
    """

    rule: PeerRule
    origin: str
    found: dict[str, PeerTarget] = field(default_factory=dict)

    def apply(self, target_set: TargetSet, catalogue: Catalogue) -> TargetSet:
        """``target_set`` with a peer target for each value it has no target for; a value with
        any target (official, reference, none, local, user) keeps it."""
        targets = [
            Target(
                found.id,
                found.value,
                found.direction,
                "peer",
                found.source(self.origin),
                f"Derived from {found.peers} peer cities; a city is its own peer.",
            )
            for found in self.found.values()
            if found.value is not None and target_set.get(found.id) is None
        ]
        rule = self.rule
        name = f"peer targets (P{rule.percentile:g}, at least {rule.min_peers} cities)"
        stamp = repr((rule.percentile, rule.min_peers, self.origin))
        stamp += repr(sorted((t.id, t.value) for t in targets))
        return target_set.overlay(targets, name, catalogue, fingerprint=stamp)

    def describe(self, target_set: TargetSet) -> dict[str, Any]:
        """The rule, the peers' origin and, for each value without another target, the target
        derived or why none was (for manifests); ``target_set`` is the set before peers."""
        return {
            "percentile": self.rule.percentile,
            "min_peers": self.rule.min_peers,
            "from": self.origin,
            "values": {
                output_id: found.describe()
                for output_id, found in self.found.items()
                if target_set.get(output_id) is None
            },
        }


def derive_peer_targets(
    outputs: Sequence[Output],
    values: Sequence[npt.NDArray[np.float64]],
    status: npt.NDArray[np.int8],
    city: npt.NDArray[np.object_],
    year: npt.NDArray[np.float64],
    rule: PeerRule,
    origin: str,
) -> PeerTargets:
    """Derive peer targets from an evaluation (one value array and status row per output).

    Vectorised: rows are ordered by city then year once; each city's latest valid value of every
    output is found with one ``maximum.reduceat``, and the percentiles with ``nanpercentile``.
    """
    from .scoring import direction_of

    picked = [
        (i, direction_of(output))
        for i, output in enumerate(outputs)
        if direction_of(output) in ("higher", "lower")
    ]
    rows = np.flatnonzero(np.asarray(city, dtype=object) != "")
    if not picked:
        return PeerTargets(rule, origin)
    index = np.array([i for i, _ in picked], dtype=np.intp)
    lower = np.array([d == "lower" for _, d in picked])
    order, starts = _by_city_and_year(city[rows], year[rows])
    columns = rows[order]  # the peers' rows, by city then year: gathered once
    matrix = stack_outputs([values[i][columns] for i in index.tolist()], len(columns))
    valid = np.isfinite(matrix)
    valid &= status[:, columns][index] <= max(PEER_STATUSES)
    latest, years = _latest_per_city(matrix, valid, starts, year[columns])
    peers = np.count_nonzero(~np.isnan(latest), axis=1)
    q = np.where(lower, 100.0 - rule.percentile, float(rule.percentile))
    targets = np.full(len(index), np.nan)
    enough = peers >= rule.min_peers
    for share in np.unique(q[enough]).tolist():
        chosen = enough & (q == share)
        targets[chosen] = np.nanpercentile(latest[chosen], share, axis=1)
    with warnings.catch_warnings():  # all-NaN rows: values no city reported
        warnings.simplefilter("ignore", RuntimeWarning)
        first = np.nanmin(years, axis=1) if years.size else np.full(len(index), np.nan)
        last = np.nanmax(years, axis=1) if years.size else np.full(len(index), np.nan)
    found = {}
    for k, (i, direction) in enumerate(picked):
        span = None if math.isnan(first[k]) else (int(first[k]), int(last[k]))
        value, reason = float(targets[k]), ""
        if not enough[k]:
            value, reason = math.nan, (
                f"only {peers[k]} cities reported it; the peer rule needs {rule.min_peers}"
            )
        elif not value > 0:
            reason = f"the {q[k]:g}th percentile is {value:g}, and a target must be above 0"
        output = outputs[i]
        found[output.id] = PeerTarget(
            output.id,
            direction,
            float(q[k]),
            int(peers[k]),
            span,
            None if reason else value,
            reason,
        )
    return PeerTargets(rule, origin, found)


def _by_city_and_year(
    city: npt.NDArray[np.object_], year: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The rows ordered by city, then year (no year first), then input order; and where each
    city's rows start in that order."""
    n = len(city)
    if n == 0:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    _, codes = np.unique(city.astype(str), return_inverse=True)
    sortable = np.where(np.isnan(year), -np.inf, year)
    order = np.lexsort((np.arange(n), sortable, codes))
    sorted_codes = codes[order]
    return order, np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])


def _latest_per_city(
    matrix: npt.NDArray[np.float64],
    valid: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.intp],
    year: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per output and city, the value and year of the city's latest valid row (NaN: none); the
    columns are ordered by city then year, each city's starting at ``starts``."""
    k, n = matrix.shape
    if n == 0:
        return np.empty((k, 0)), np.empty((k, 0))
    position = np.where(valid, np.arange(n, dtype=np.int32), np.int32(-1))
    last = np.maximum.reduceat(position, starts, axis=1)
    has = last >= 0
    at = np.maximum(last, 0)
    latest = np.where(has, np.take_along_axis(matrix, at, axis=1), np.nan)
    years = np.where(has, year[at], np.nan)
    return latest, years
