"""The result of scoring: every input row × every scored value, with status and reason.

Results are kept as columns (one array per scored value) and turned into a long table only when
asked, so scoring a million city-years does not build a hundred million Python objects.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .errors import InputProblem
from .evaluate import Column
from .model import Check
from .status import LABELS, Status
from .values import NoteTable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ConsistencyWarning", "Result"]

#: Columns of the long table, in order.
LONG_COLUMNS = (
    "city",
    "year",
    "code",
    "data_point",
    "name",
    "value",
    "unit",
    "status",
    "reason",
    "warnings",
)


@dataclass(frozen=True)
class ConsistencyWarning:
    """A consistency rule broken by one input row.

    :ivar row: 0-based input row.
    :ivar check: id of the check function.
    :ivar message: what is wrong and what to look at.
    :ivar ids: ids of the scored values the rule reads.
    """

    row: int
    city: str
    year: float
    check: str
    message: str
    ids: tuple[str, ...]


class Result:
    """Scored values for every input row; build it with :meth:`Engine.score`.

    :ivar outputs: the scored values, in catalogue order.
    :ivar problems: every input problem found (invalid cells, unknown columns, duplicates).
    :ivar manifest: what produced this result (versions, plugins, counts by status).
    """

    def __init__(
        self,
        *,
        city: npt.NDArray[np.object_],
        year: npt.NDArray[np.float64],
        outputs: Sequence[Output],
        columns: dict[str, Column],
        notes: NoteTable,
        problems: list[InputProblem],
        broken: Sequence[tuple[Check, npt.NDArray[np.intp]]],
        manifest: dict[str, Any],
    ) -> None:
        self.city = city
        self.year = year
        self.outputs = list(outputs)
        self.columns = columns
        self.notes = notes
        self.problems = problems
        self._broken = list(broken)
        self.manifest = manifest
        self.manifest["rows"] = len(city)
        self.manifest["status_counts"] = self.status_counts()

    def __len__(self) -> int:
        return len(self.city)

    def __repr__(self) -> str:
        return f"<Result {len(self)} rows × {len(self.outputs)} values>"

    # -- single values -------------------------------------------------------------------------

    def column(self, output_id: str) -> Column:
        """The column of one scored value (code or data point id, exactly as printed)."""
        return self.columns[output_id]

    def value(self, output_id: str, row: int = 0) -> float:
        """The value of one scored value in one row (NaN when it has none)."""
        return float(self.columns[output_id].values[row])

    def status(self, output_id: str, row: int = 0) -> Status:
        """The status of one scored value in one row."""
        return Status(int(self.columns[output_id].status[row]))

    def reason(self, output_id: str, row: int = 0) -> str:
        """Why a value has no number (empty when computed or reported)."""
        return self.notes.text(int(self.columns[output_id].notes[row]))

    def status_counts(self) -> dict[str, int]:
        """How many values have each status, over all rows."""
        counts: Counter[str] = Counter()
        for column in self.columns.values():
            found = np.bincount(column.status, minlength=len(LABELS))
            counts.update({LABELS[i]: int(c) for i, c in enumerate(found) if c})
        return dict(counts)

    # -- warnings --------------------------------------------------------------------------------

    @property
    def warnings(self) -> list[ConsistencyWarning]:
        """Every broken consistency rule, one entry per rule and row."""
        found = []
        for chk, rows in self._broken:
            ids = self._check_ids(chk)
            found += [
                ConsistencyWarning(
                    int(r), str(self.city[r]), float(self.year[r]), chk.id, chk.message, ids
                )
                for r in rows
            ]
        if any(rows.size == 0 for _, rows in self._broken):
            found += [
                ConsistencyWarning(-1, "", math.nan, chk.id, chk.message, ())
                for chk, rows in self._broken
                if rows.size == 0
            ]
        return found

    def _check_ids(self, chk: Check) -> tuple[str, ...]:
        params = set(chk.inputs)
        return tuple(
            o.id for o in self.outputs if o.indicator.id in params or o.indicator.code in params
        )

    def _warning_codes(self) -> npt.NDArray[np.int32]:
        """Per (row, value) note codes of the warnings attached to it, as a (rows, values) array."""
        codes = np.zeros((len(self), len(self.outputs)), np.int32)
        index = {o.id: i for i, o in enumerate(self.outputs)}
        for chk, rows in self._broken:
            for output_id in self._check_ids(chk):
                col = index[output_id]
                old = codes[rows, col]
                for code in np.unique(old):
                    text = self.notes.text(int(code))
                    joined = f"{text}; {chk.message}" if text else chk.message
                    codes[rows[old == code], col] = self.notes.code(joined)
        return codes

    # -- tables ----------------------------------------------------------------------------------

    def _long_arrays(self) -> dict[str, Any]:
        n, v = len(self), len(self.outputs)
        columns = [self.columns[o.id] for o in self.outputs]
        values = np.stack([c.values for c in columns], axis=1).ravel() if v else np.empty(0)
        status = np.stack([c.status for c in columns], axis=1).ravel() if v else np.empty(0, int)
        notes = np.stack([c.notes for c in columns], axis=1).ravel() if v else np.empty(0, int)
        return {
            "city": np.repeat(self.city, v),
            "year": np.repeat(self.year, v),
            "out": np.tile(np.arange(v), n),
            "value": values,
            "status": status,
            "reason": notes,
            "warnings": self._warning_codes().ravel(),
        }

    def to_frame(self) -> pd.DataFrame:
        """The long table: one row per input row and scored value, in input then catalogue order.

        Columns: city, year, code, data_point, name, value, unit, status, reason, warnings.
        """
        import pandas as pd

        arrays = self._long_arrays()
        out = arrays["out"]

        def categorical(codes: Any, categories: Sequence[str]) -> Any:
            return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)))

        def per_output(values: list[str]) -> Any:
            categories = list(dict.fromkeys(values))
            position = {value: i for i, value in enumerate(categories)}
            codes = np.array([position[v] for v in values], dtype=np.int64)
            return categorical(codes[out], categories)

        return pd.DataFrame(
            {
                "city": arrays["city"],
                "year": pd.array(arrays["year"], dtype="Float64").astype("Int64"),
                "code": per_output([o.indicator.code for o in self.outputs]),
                "data_point": per_output([o.point.key if o.point else "" for o in self.outputs]),
                "name": per_output([o.name for o in self.outputs]),
                "value": arrays["value"],
                "unit": per_output([o.unit for o in self.outputs]),
                "status": categorical(arrays["status"], LABELS),
                "reason": categorical(arrays["reason"], self.notes.texts),
                "warnings": categorical(arrays["warnings"], self.notes.texts),
            }
        )

    def records(self) -> Iterator[dict[str, Any]]:
        """The long table's rows as plain dicts, without pandas (for small results)."""
        arrays = self._long_arrays()
        for i in range(len(arrays["out"])):
            output = self.outputs[arrays["out"][i]]
            year = arrays["year"][i]
            value = float(arrays["value"][i])
            yield {
                "city": str(arrays["city"][i]),
                "year": None if math.isnan(year) else int(year),
                "code": output.indicator.code,
                "data_point": output.point.key if output.point else "",
                "name": output.name,
                "value": None if math.isnan(value) else value,
                "unit": output.unit,
                "status": LABELS[arrays["status"][i]],
                "reason": self.notes.text(int(arrays["reason"][i])),
                "warnings": self.notes.text(int(arrays["warnings"][i])),
            }
