"""What-if: the roll-up scores and bands of the same values under another target set.

:func:`compare` puts a result scored against its target set (the baseline) beside the same values
rescored against an alternative (:meth:`Engine.rescore`), one row per city-year and group, so a
city sees how much of its score depends on the choice of targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigurationError
from .result import ROLLUP_COLUMNS
from .scoring import LEVELS

if TYPE_CHECKING:
    import pandas as pd

    from .result import Result

__all__ = ["WHAT_IF_COLUMNS", "compare", "compare_records"]

#: Columns of the what-if table, in order.
WHAT_IF_COLUMNS = (
    *ROLLUP_COLUMNS[:6],  # city, year, level, dimension, subdimension, category
    "baseline_pct",
    "baseline_band",
    "alternative_pct",
    "alternative_band",
    "difference",
    "band_change",
    "baseline_scored",
    "alternative_scored",
    "total",
)


def _arrays(
    baseline: Result,
    alternative: Result,
    levels: Sequence[str],
    tier: str,
    include_local: bool,
) -> dict[str, Any]:
    """The table's columns, row-major: each input row, then each level, then each group (so the
    tables of chunks joined are the table of the whole run)."""
    for level in levels:
        if level not in LEVELS:
            raise ConfigurationError(f"unknown roll-up level {level!r}; use one of {LEVELS}")
    parts = []
    for level in levels:
        base = baseline._rollup_arrays(level, tier, include_local)
        alt = alternative._rollup_arrays(level, tier, include_local)
        with np.errstate(all="ignore"):
            difference = alt["pct"] - base["pct"]
        both = (base["band"] > 0) & (alt["band"] > 0)
        parts.append(
            {
                **{k: base[k] for k in ROLLUP_COLUMNS[:6]},
                "baseline_pct": base["pct"],
                "baseline_band": base["band"],
                "alternative_pct": alt["pct"],
                "alternative_band": alt["band"],
                "difference": difference,
                "band_change": np.where(both, alt["band"].astype(np.int64) - base["band"], 0),
                "changed": both,
                "baseline_scored": base["scored"],
                "alternative_scored": alt["scored"],
                "total": base["total"],
            }
        )
    n = len(baseline)
    if n == 0:
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return {
        k: np.concatenate([p[k].reshape(n, -1) for p in parts], axis=1).ravel() for k in parts[0]
    }


def compare(
    baseline: Result,
    alternative: Result,
    levels: Sequence[str] = LEVELS[::-1],
    *,
    tier: str = "all",
    include_local: bool = False,
) -> pd.DataFrame:
    """The what-if table: per city-year and group, the baseline and alternative % and band, the
    difference in percentage points (alternative − baseline) and the change in bands (steps up or
    down; empty where either is not scored). Columns: :data:`WHAT_IF_COLUMNS`.

    :param levels: roll-up levels, in the order of the table (default: overall to category).
    """
    import pandas as pd

    arrays = _arrays(baseline, alternative, levels, tier, include_local)
    labels = ["not scored", *baseline.scores.bands.labels]
    frame = pd.DataFrame({k: arrays[k] for k in WHAT_IF_COLUMNS})
    frame["year"] = pd.array(arrays["year"], dtype="Float64").astype("Int64")
    for column in ("baseline_band", "alternative_band"):
        frame[column] = pd.Categorical.from_codes(arrays[column], categories=pd.Index(labels))
    frame["band_change"] = pd.arrays.IntegerArray(arrays["band_change"], mask=~arrays["changed"])
    return frame


def compare_records(
    baseline: Result,
    alternative: Result,
    levels: Sequence[str] = LEVELS[::-1],
    *,
    tier: str = "all",
    include_local: bool = False,
) -> list[dict[str, Any]]:
    """The what-if table as plain dicts, without pandas; see :func:`compare`."""
    arrays = _arrays(baseline, alternative, levels, tier, include_local)
    labels = ["not scored", *baseline.scores.bands.labels]
    records = []
    for i in range(len(arrays["level"])):
        row: dict[str, Any] = {k: arrays[k][i] for k in WHAT_IF_COLUMNS}
        row["year"] = None if row["year"] != row["year"] else int(row["year"])
        for key in ("baseline_pct", "alternative_pct", "difference"):
            row[key] = None if row[key] != row[key] else float(row[key])
        row["baseline_band"] = labels[int(row["baseline_band"])]
        row["alternative_band"] = labels[int(row["alternative_band"])]
        row["band_change"] = int(row["band_change"]) if arrays["changed"][i] else None
        for key in ("baseline_scored", "alternative_scored", "total"):
            row[key] = int(row[key])
        records.append(row)
    return records
