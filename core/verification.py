"""The verifier's work in a data-collection workbook: per KPI value a verification status, comment
and date, an override of the "reported" flag, and the questions raised with the city.

The workbook (``u4ssc template``) has a **Verification** sheet, one row per KPI and data point
(id, then the verifier's cells), and a **Questions** sheet, one row per question (the KPI value's
id, the question, who raised it and when, the city's answer, whether it is closed). The reader
hands both sheets over as typed (:class:`VerifierSheets`); :func:`prepare` checks every cell and
turns them into codes per KPI value (:class:`Verification`); a result carries them into every
output row (:data:`VERIFICATION_COLUMNS`) and counts them in the manifest (:func:`summary`).

The "reported" flag follows the official U4SSC template: ``yes`` when the value has a number
(computed from the inputs, or a final value the city reported), ``no`` otherwise, unless the
verifier set it. A status is ``yes`` or ``no`` (any case); a date is a spreadsheet date or
``YYYY-MM-DD`` text. Anything else is a problem naming its cell, and the cell counts as empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .errors import InputProblem
from .model import canonical_key
from .status import Status
from .values import NoteTable

if TYPE_CHECKING:
    from .catalogue import Catalogue, Output

__all__ = [
    "QUESTIONS_SHEET",
    "QUESTION_HEADERS",
    "VERIFICATION_COLUMNS",
    "VERIFICATION_HEADERS",
    "VERIFICATION_SHEET",
    "YES_NO",
    "Entered",
    "Verdicts",
    "Verification",
    "VerifierSheets",
    "prepare",
    "sheet_table",
    "summary",
]

#: Names of the two sheets.
VERIFICATION_SHEET = "Verification"
QUESTIONS_SHEET = "Questions"
#: Headers (any case) of the Verification sheet's columns read back: the KPI value's id, the
#: verifier's override of the reported flag, the status, the comment and the date.
VERIFICATION_HEADERS = {
    "id": "id",
    "override": "reported (verifier)",
    "verified": "verified",
    "comment": "verifier comment",
    "date": "verified on",
}
#: Headers of the Questions sheet's columns.
QUESTION_HEADERS = {
    "kpi": "kpi",
    "question": "question",
    "raised_by": "raised by",
    "raised_on": "raised on",
    "answer": "answer",
    "closed": "closed",
}
#: The labels of status codes 0 (nothing typed), 1 and 2.
YES_NO = ("", "yes", "no")
_YES, _NO = 1, 2
#: Columns added to every output row when the input had a Verification sheet.
VERIFICATION_COLUMNS = (
    "reported",
    "verified",
    "verifier_comment",
    "verified_on",
    "questions",
    "open_questions",
)
#: How many rows from the top a sheet's header row may be.
_HEADER_ROWS = 30


@dataclass(frozen=True)
class Entered:
    """A cell as the workbook holds it, and where it is (``Verification!H7``)."""

    value: object
    cell: str


@dataclass
class VerifierSheets:
    """The Verification and Questions sheets as typed: one mapping per row, from the keys of
    :data:`VERIFICATION_HEADERS` (or :data:`QUESTION_HEADERS`) to the cell."""

    verdicts: list[dict[str, Entered]]
    questions: list[dict[str, Entered]]


def sheet_table(
    rows: Sequence[Sequence[Any]], sheet: str, headers: Mapping[str, str]
) -> list[dict[str, Entered]] | None:
    """The rows of a sheet under its header row (the first of the top rows holding every header
    of ``headers``, any case), as mappings from the keys of ``headers`` to their cells; rows with
    nothing typed are left out. ``None`` when no header row is found.

    :param rows: the sheet's rows from its first row on, empty rows included.
    """
    from openpyxl.utils import get_column_letter

    wanted = {label: key for key, label in headers.items()}
    header = None
    for r, row in enumerate(rows[:_HEADER_ROWS]):
        labels = [c.strip().lower() if isinstance(c, str) else "" for c in row]
        if set(wanted) <= set(labels):
            header, at = r, {wanted[label]: i for i, label in enumerate(labels) if label in wanted}
            break
    if header is None:
        return None
    letters = {key: get_column_letter(i + 1) for key, i in at.items()}
    found = []
    for r in range(header + 1, len(rows)):
        row = rows[r]
        cells = {
            key: Entered(row[i] if i < len(row) else None, f"{sheet}!{letters[key]}{r + 1}")
            for key, i in at.items()
        }
        # An id alone is the template's, not an entry: a row counts once something is typed.
        if any(not _blank(c.value) for key, c in cells.items() if key != "id"):
            found.append(cells)
    return found


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(slots=True)
class Verdicts:
    """The verifier's entries for one KPI value, over the rows: status and override codes
    (index into :data:`YES_NO`), comment and date as note codes, and the questions on it."""

    verified: npt.NDArray[np.int8]
    override: npt.NDArray[np.int8]
    comment: npt.NDArray[np.int32]
    date: npt.NDArray[np.int32]
    questions: npt.NDArray[np.int32]
    open: npt.NDArray[np.int32]

    @classmethod
    def empty(cls, n: int) -> Verdicts:
        """Nothing entered on any of ``n`` rows."""
        small, codes = np.zeros(n, np.int8), np.zeros(n, np.int32)
        return cls(small, small.copy(), codes, codes.copy(), codes.copy(), codes.copy())

    @classmethod
    def concat(cls, parts: Sequence[Verdicts]) -> Verdicts:
        """The rows of several parts, in order."""
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in cls.__slots__))


@dataclass
class Verification:
    """What the verifier entered, for ``n`` input rows.

    :ivar by_output: entries by output id (an output without any has none).
    :ivar questions: every question, as a record (``kpi``, ``question``, ``raised_by``,
        ``raised_on``, ``answer``, ``closed``, ``cell``), with the input ``row`` it is about.
    """

    n: int
    by_output: dict[str, Verdicts] = field(default_factory=dict)
    questions: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def concat(cls, parts: Sequence[Verification | None], sizes: Sequence[int]) -> Verification:
        """The rows of several parts in order (``None`` for a part without a Verification sheet,
        of ``sizes[i]`` rows)."""
        ids = dict.fromkeys(k for p in parts if p is not None for k in p.by_output)
        merged = cls(sum(sizes))
        for output_id in ids:
            merged.by_output[output_id] = Verdicts.concat(
                [
                    p.by_output.get(output_id) or Verdicts.empty(n)
                    if p is not None
                    else Verdicts.empty(n)
                    for p, n in zip(parts, sizes, strict=True)
                ]
            )
        start = 0
        for part, n in zip(parts, sizes, strict=True):
            if part is not None:
                merged.questions += [{**q, "row": q["row"] + start} for q in part.questions]
            start += n
        return merged

    def matrices(self, outputs: Sequence[Output], status: npt.NDArray[np.int8]) -> dict[str, Any]:
        """The (outputs × rows) codes of :data:`VERIFICATION_COLUMNS`: ``reported`` as the
        verifier set it, else yes where the value has a number (``status``: the evaluated
        status matrix); the rest as entered."""
        shape = (len(outputs), self.n)
        found: dict[str, npt.NDArray[Any]] = {
            "verified": np.zeros(shape, np.int8),
            "override": np.zeros(shape, np.int8),
            "comment": np.zeros(shape, np.int32),
            "date": np.zeros(shape, np.int32),
            "questions": np.zeros(shape, np.int32),
            "open": np.zeros(shape, np.int32),
        }
        for i, output in enumerate(outputs):
            entered = self.by_output.get(output.id)
            if entered is not None:
                for name, matrix in found.items():
                    matrix[i] = getattr(entered, name)
        given = status <= Status.REPORTED
        override = found.pop("override")
        found["reported"] = np.where(override > 0, override, np.where(given, _YES, _NO)).astype(
            np.int8
        )
        found["overridden"] = override > 0
        return found


def prepare(
    sheets: VerifierSheets, catalogue: Catalogue, notes: NoteTable, n: int
) -> tuple[Verification, list[InputProblem]]:
    """Check the verifier's cells of one workbook (whose table has ``n`` rows: the entries
    hold for each of them) and code them; every unusable cell is a problem naming it."""
    problems: list[InputProblem] = []
    ids = _output_ids(catalogue)
    codes: dict[str, dict[str, int]] = {}
    for row in sheets.verdicts:
        output_id = _output(row.get("id"), ids, catalogue, problems, "id")
        if output_id is None:
            continue
        if output_id in codes:
            problems.append(
                _problem(
                    row["id"],
                    "id",
                    f"{output_id} has a second row here; the first one is read: delete this row",
                )
            )
            continue
        codes[output_id] = {
            "verified": _yes_no(row.get("verified"), "verified", problems),
            "override": _yes_no(row.get("override"), "reported (verifier)", problems),
            "comment": notes.code(_text(row.get("comment"))),
            "date": notes.code(_date(row.get("date"), "verified on", problems)),
        }
    questions: list[dict[str, Any]] = []
    for row in sheets.questions:
        output_id = _output(row.get("kpi"), ids, catalogue, problems, "KPI", required=True)
        closed = _yes_no(row.get("closed"), "closed", problems)
        record = {
            "kpi": output_id,
            "question": _text(row.get("question")),
            "raised_by": _text(row.get("raised_by")),
            "raised_on": _date(row.get("raised_on"), "raised on", problems),
            "answer": _text(row.get("answer")),
            "closed": closed == _YES,
            "cell": row["kpi"].cell if "kpi" in row else "",
            "row": 0,
        }
        if output_id is not None:
            questions.append(record)
    found = Verification(n, questions=[{**q, "row": r} for r in range(n) for q in questions])
    asked: dict[str, list[int]] = {}
    for q in questions:
        counts = asked.setdefault(q["kpi"], [0, 0])
        counts[0] += 1
        counts[1] += not q["closed"]
    for output_id in dict.fromkeys([*codes, *asked]):
        entry = codes.get(output_id, {})
        total, still_open = asked.get(output_id, [0, 0])
        found.by_output[output_id] = Verdicts(
            np.full(n, entry.get("verified", 0), np.int8),
            np.full(n, entry.get("override", 0), np.int8),
            np.full(n, entry.get("comment", 0), np.int32),
            np.full(n, entry.get("date", 0), np.int32),
            np.full(n, total, np.int32),
            np.full(n, still_open, np.int32),
        )
    return found, problems


def summary(matrices: Mapping[str, Any], questions: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The manifest's counts: KPI values verified (yes), not verified (no), not yet checked;
    reported, and of those the flags the verifier set; questions, open ones, and the values
    with an open question."""
    verified = matrices["verified"]
    return {
        "values": int(verified.size),
        "verified": int((verified == _YES).sum()),
        "not_verified": int((verified == _NO).sum()),
        "not_checked": int((verified == 0).sum()),
        "reported": int((matrices["reported"] == _YES).sum()),
        "reported_set_by_verifier": int(matrices["overridden"].sum()),
        "questions": len(questions),
        "open_questions": sum(not q["closed"] for q in questions),
        "values_with_open_questions": int((matrices["open"] > 0).sum()),
    }


# -- cells ----------------------------------------------------------------------------------------


def _output_ids(catalogue: Catalogue) -> dict[str, str]:
    """Output ids by canonical key (``ec:ict:ict:1c`` finds ``EC: ICT: ICT: 1C``)."""
    return {canonical_key(o.id): o.id for o in catalogue.outputs()}


def _output(
    entered: Entered | None,
    ids: Mapping[str, str],
    catalogue: Catalogue,
    problems: list[InputProblem],
    column: str,
    *,
    required: bool = False,
) -> str | None:
    if entered is None or _blank(entered.value):
        if required and entered is not None:
            problems.append(
                _problem(
                    entered,
                    column,
                    "this question names no KPI: pick the KPI or data "
                    "point it is about from the list, else it is not counted",
                )
            )
        return None
    text = str(entered.value).strip()
    found = ids.get(canonical_key(text))
    if found is None:
        close = catalogue.suggest(text, ids.values())
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        problems.append(
            _problem(
                entered,
                column,
                f"{text!r} is not the id of a KPI or data point of this "
                f"workbook, so the row is not counted{hint}",
            )
        )
    return found


def _yes_no(entered: Entered | None, column: str, problems: list[InputProblem]) -> int:
    """0 for an empty cell, 1 for yes, 2 for no (any case); a problem for anything else."""
    if entered is None or _blank(entered.value):
        return 0
    text = str(entered.value).strip().lower() if isinstance(entered.value, str) else None
    if text in YES_NO[1:]:
        return YES_NO.index(text)
    problems.append(
        _problem(
            entered,
            column,
            f"{entered.value!r} is not yes or no: pick yes or no from "
            "the list, or leave the cell empty; it is read as empty",
        )
    )
    return 0


def _date(entered: Entered | None, column: str, problems: list[InputProblem]) -> str:
    """The ISO date of a date cell (a spreadsheet date, or YYYY-MM-DD text); empty for an
    empty cell, and a problem for anything else."""
    if entered is None or _blank(entered.value):
        return ""
    value = entered.value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    problems.append(
        _problem(
            entered,
            column,
            f"{value!r} is not a date: type a date such as 2025-03-14 "
            "(the cell is formatted as a date); it is read as empty",
        )
    )
    return ""


def _text(entered: Entered | None) -> str:
    if entered is None or _blank(entered.value):
        return ""
    return str(entered.value).strip()


def _problem(entered: Entered, column: str, message: str) -> InputProblem:
    value = None if entered.value is None else str(entered.value)
    return InputProblem(None, column, value, "verification", message, cell=entered.cell)
