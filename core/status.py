"""The status every input cell and every output value carries.

Statuses are stored as small integers in numpy arrays. Their order is a precedence: when a formula
has several blocked inputs, the highest status wins (an invalid input matters more than a missing
one), so combining inputs is one ``np.maximum``.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Status"]


class Status(IntEnum):
    """What happened to a value."""

    COMPUTED = 0
    """Computed from the inputs (for an input cell: a usable value)."""
    REPORTED = 1
    """The city reported the final value itself; it wins over computing."""
    NOT_REPORTED = 2
    """Not reported: an input it needs is missing (the reason names it)."""
    NOT_APPLICABLE = 3
    """Does not apply to this city; the reason says why."""
    INVALID = 4
    """An input it needs is invalid (the reason says which and why)."""
    ERROR = 5
    """The formula could not give a number for this row (e.g. a zero denominator)."""

    @property
    def label(self) -> str:
        """The status as printed: ``computed``, ``not reported``, ..."""
        return self.name.lower().replace("_", " ")


#: Labels indexed by status code, for vectorised look-up.
LABELS: tuple[str, ...] = tuple(s.label for s in Status)
