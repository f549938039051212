"""Arithmetic that U4SSC formulas share, written once for indicator functions to call.

Each helper works on numpy arrays (a whole column of cities) and on numpy scalars (one city) alike.
A zero denominator gives ``inf`` or ``nan`` here; the engine never lets that out: it turns the
cell into an ``error`` status that names the zero input.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SHARE_TOLERANCE", "per_100k", "per_capita", "percent", "ratio", "shares_off_100"]

#: Population divisor of "per 100 000 inhabitants" indicators.
PER_100K = 100_000.0

#: How far shares that should add up to 100 % may stray, in percentage points (U4SSC guidance).
SHARE_TOLERANCE = 2.0


def percent(part: Any, whole: Any) -> Any:
    """Return ``part`` as a percentage of ``whole``."""
    return part / whole * 100.0


def per_100k(count: Any, population: Any) -> Any:
    """Return ``count`` per 100 000 inhabitants."""
    return count / (population / PER_100K)


def per_capita(total: Any, population: Any) -> Any:
    """Return ``total`` per inhabitant."""
    return total / population


def ratio(numerator: Any, denominator: Any) -> Any:
    """Return ``numerator / denominator`` (named for formulas that are plain ratios)."""
    return numerator / denominator


def shares_off_100(*shares: Any, tolerance: float = SHARE_TOLERANCE) -> Any:
    """Return where percentage shares do not add up to 100 within ``tolerance`` points.

    Missing shares (NaN) make the sum NaN, and NaN compares false: incomplete data is not flagged.
    """
    total = sum(shares)
    return abs(total - 100.0) > tolerance
