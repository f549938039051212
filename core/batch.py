"""Scoring input files part by part: whole files at once, or large CSV files in chunks of rows.

:class:`Batch` yields :class:`~.result.Result` objects to write one after another. Small inputs
give one result (all files combined, exactly :meth:`Engine.score`); a CSV file over the chunk
threshold gives one result per chunk of rows, so memory stays bounded by the chunk whatever the
file's size. Either way the rows come out in the same order with the same values, so writing
the results one after another gives the same output.

A long table read in chunks is cut only between cities and years (the rows of the city and year
at the end of a chunk move to the next one), so each city and year is scored once when the file
keeps its rows together. A city and year seen in two chunks or two files is reported at the end
(:class:`~.inputs.KeyLedger`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from inspect import signature
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputProblem, UsageError, ValidationError
from .inputs import KeyLedger, Prepared, require_city_years
from .model import canonical_key
from .readers import (
    ROW_DEFECTS,
    InputFile,
    ReadOptions,
    csv_chunks,
    file_format,
    parquet_chunks,
    read_input,
    row_defects,
)
from .result import Result, problem_counts
from .status import LABELS
from .values import NoteTable

if TYPE_CHECKING:
    import pandas as pd

    from .engine import Engine
    from .peers import PeerRule, PeerTargets
    from .scoring import Bands
    from .targets import TargetSet

__all__ = ["CHUNK_BYTES", "CHUNK_ROWS", "LONG_CHUNK_BYTES", "LONG_CHUNK_ROWS", "Batch", "Progress"]

#: The formats read in chunks: CSV and Parquet (Excel and JSON are read whole).
CHUNKED = ("csv", "parquet")
#: CSV and Parquet files larger than this are read in chunks unless told otherwise.
CHUNK_BYTES = 200 * 1024 * 1024
#: Rows per chunk when a file is chunked because of its size.
CHUNK_ROWS = 50_000
#: For an output of KPI values (long: a row per value, 112 per city-year; wide: three columns
#: per value), CSV files larger than this are read in chunks of :data:`LONG_CHUNK_ROWS`, so that
#: a run's memory stays under 1 GB (Parquet files alike).
LONG_CHUNK_BYTES = 50 * 1024 * 1024
LONG_CHUNK_ROWS = 20_000

#: The manifest lists at most this many broken consistency rules row by row (all are counted).
LISTED_WARNINGS = 1000

#: Called as ``progress(done, total)``, in bytes of input read.
Progress = Callable[[int, int], None]


@dataclass
class Batch:
    """Score files, as one result or chunk by chunk; read the summary once the results are used.

    :ivar chunk_rows: rows per chunk; ``None`` chunks only CSV and Parquet files over
        :data:`CHUNK_BYTES` (in chunks of :data:`CHUNK_ROWS`), or with ``per_value`` over
        :data:`LONG_CHUNK_BYTES` (in chunks of :data:`LONG_CHUNK_ROWS`), ``0`` never chunks.
    :ivar per_value: the output holds every KPI value, not roll-ups (peer targets from the
        input, which need every row at once, keep the file whole).
    :ivar problems: every input problem, filled while the results are produced (problems about
        a whole column are kept once per file, not once per chunk).
    :ivar inputs: each file read, as recorded in the manifest (name, format, hash ...).
    """

    engine: Engine
    paths: Sequence[str | os.PathLike[str]]
    read: ReadOptions = field(default_factory=ReadOptions)
    layout: str = "auto"
    chunk_rows: int | None = None
    strict: bool = False
    targets: TargetSet | str | os.PathLike[str] | None = None
    bands: Bands | None = None
    #: Derive peer targets (opt-in): from the whole input, or from the rule's file.
    peers: PeerRule | None = None
    progress: Progress | None = None
    per_value: bool = False
    problems: list[InputProblem] = field(default_factory=list, init=False)
    inputs: list[dict[str, Any]] = field(default_factory=list, init=False)
    _rows: int = field(default=0, init=False)
    _statuses: Counter[str] = field(default_factory=Counter, init=False)
    _warnings: list[dict[str, Any]] = field(default_factory=list, init=False)
    _warning_counts: Counter[str] = field(default_factory=Counter, init=False)
    #: The verification counts of the results, summed (``None`` until a result has some).
    _verification: Counter[str] | None = field(default=None, init=False)
    _base: dict[str, Any] = field(default_factory=dict, init=False)

    @property
    def total_bytes(self) -> int:
        """The size of all inputs (0 for a missing file: reading it reports it)."""
        return sum(Path(p).stat().st_size for p in self.paths if Path(p).is_file())

    def _chunk_rows_of(self, path: str | os.PathLike[str]) -> int | None:
        """Rows per chunk for this file, or ``None`` to read it whole."""
        given = Path(path)
        if self.chunk_rows == 0 or not given.is_file() or file_format(given) not in CHUNKED:
            return None
        if self.chunk_rows is not None:
            return self.chunk_rows
        size = given.stat().st_size
        if self.per_value and (self.peers is None or self.peers.file is not None):
            return LONG_CHUNK_ROWS if size > LONG_CHUNK_BYTES else None
        return CHUNK_ROWS if size > CHUNK_BYTES else None

    @property
    def chunked(self) -> bool:
        """Whether some file is read in chunks (then results come one per chunk)."""
        return any(self._chunk_rows_of(p) is not None for p in self.paths)

    def results(self) -> Iterator[Result]:
        """The results to write, in order: one for the whole input, or one per chunk."""
        if self.chunked:
            yield from self._chunks()
            return
        result = self.engine.score(list(self.paths), **self._score_options())
        self.inputs = list(result.manifest.get("inputs", []))
        self.problems = list(result.problems)
        self._add(result)
        if self.progress is not None:
            total = self.total_bytes
            self.progress(total, total)
        yield result

    def _score_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "decimal": self.read.decimal,
            "encoding": self.read.encoding,
            "sheet": self.read.sheet,
            "layout": self.layout,
            "strict": self.strict,
            "targets": self.targets,
            "bands": self.bands,
        }
        if self.peers is not None:
            options["peers"] = self.peers
        if self.progress is not None and "progress" in signature(self.engine.score).parameters:
            options["progress"] = self.progress
        return options

    # -- chunked ---------------------------------------------------------------------------------

    def validate(self) -> list[InputProblem]:
        """Every input problem, without scoring (chunk by chunk for large files)."""
        if not self.chunked:
            options = self._score_options()
            for unused in ("strict", "targets", "bands", "peers", "progress"):
                options.pop(unused, None)
            self.problems = self.engine.validate(list(self.paths), **options)
            return self.problems
        for _ in self._prepared_parts():
            pass
        return self.problems

    def _chunk_peers(self) -> PeerTargets | None:
        """Peer targets for every chunk alike: derived once from the peer file. Peers from the
        input itself need every row at once, which a chunked run never holds: refused."""
        if self.peers is None:
            return None
        if self.peers.file is None:
            raise UsageError(
                "peer targets from the input need all its rows at once, but the input is read "
                "in chunks: read it whole with --chunk-rows 0, or give a file of peer cities "
                "(--peer-targets FILE)"
            )
        return self.engine.peer_targets(self.peers)

    def _chunks(self) -> Iterator[Result]:
        peers = self._chunk_peers()
        for prepared, notes in self._prepared_parts():
            result = self.engine.score_prepared(
                prepared,
                notes,
                strict=self.strict,
                targets=self.targets,
                bands=self.bands,
                peers=peers,
            )
            self._add(result)
            yield result

    def _prepared_parts(self) -> Iterator[tuple[Prepared, NoteTable]]:
        """Each part prepared, its problems collected; cross-part duplicates at the end."""
        ledger = KeyLedger()
        seen: set[tuple[Any, ...]] = set()
        done, total = 0, self.total_bytes
        for path in self.paths:
            size, rows, named = 0, 0, 0
            for info, frame, first_row, position in self._parts(path):
                notes = NoteTable()
                prepared = self.engine.prepare_part(
                    frame, notes, info, layout=self.layout, first_row=first_row
                )
                ledger.add(prepared, info.name)
                prepared.problems = [p for p in prepared.problems if _first_time(p, seen)]
                self.problems += prepared.problems
                if self.progress is not None:
                    self.progress(done + position, total)
                size = info.size
                rows, named = rows + len(frame), named + int((prepared.city != "").sum())
                yield prepared, notes
            require_city_years(str(path), rows, named)
            done += size
        late = ledger.problems(chunked=True)
        self.problems += late
        if self.strict and late:
            raise ValidationError(late)

    def _parts(
        self, path: str | os.PathLike[str]
    ) -> Iterator[tuple[InputFile, pd.DataFrame, int, int]]:
        """``(file, table, its first row in the file, bytes read so far)`` for each part."""
        rows = self._chunk_rows_of(path)
        if rows is None:
            info, frame = read_input(path, self.read, name=str(path))
            self.inputs.append(info.describe())
            yield info, frame, 0, info.size
            return
        chunked = csv_chunks if file_format(Path(path)) == "csv" else parquet_chunks
        info, chunks, handle = chunked(path, rows, self.read, name=str(path))
        self.inputs.append(info.describe())
        first_row = 0
        for frame in _regrouped(chunks, self.layout):
            yield info, frame, first_row, _position(handle, info.size)
            first_row += len(frame)

    # -- summary ---------------------------------------------------------------------------------

    def _add(self, result: Result) -> None:
        if not self._base:
            self._base = {
                k: v
                for k, v in result.manifest.items()
                if k
                not in ("rows", "status_counts", "problems", "inputs", "options", "verification")
            }
        self._rows += len(result)
        self._statuses.update(result.status_counts())
        room = LISTED_WARNINGS - len(self._warnings)
        self._warnings += [_warning(w) for w in result.first_warnings(room)]
        self._warning_counts.update(result.warning_counts())
        if "verification" in result.manifest:
            self._verification = self._verification or Counter()
            self._verification.update(result.manifest["verification"])

    def manifest(self, **options: Any) -> dict[str, Any]:
        """What the run was: engine, inputs with hashes, options, counts by status and severity,
        and the broken consistency rules (rows broken per rule, and the first
        :data:`LISTED_WARNINGS` row by row); call it after the results were used.

        :param options: further options to record (the output's format, shape ...).
        """
        verification = {} if self._verification is None else {"verification": self._verification}
        return {
            **self._base,
            **{k: dict(v) for k, v in verification.items()},
            "inputs": self.inputs,
            "options": {
                "decimal": self.read.decimal,
                "encoding": self.read.encoding,
                "sheet": self.read.sheet,
                "layout": self.layout,
                "strict": self.strict,
                "chunk_rows": self.chunk_rows,
                "chunked": self.chunked,
                **options,
            },
            "rows": self._rows,
            "status_counts": {k: self._statuses[k] for k in LABELS if self._statuses[k]},
            "problems": problem_counts(self.problems),
            "warning_counts": dict(sorted(self._warning_counts.items())),
            "warnings": self._warnings,
            "warnings_not_listed": sum(self._warning_counts.values()) - len(self._warnings),
        }


def _first_time(problem: InputProblem, seen: set[tuple[Any, ...]]) -> bool:
    """Problems about a whole column come once per file, not once per chunk."""
    if problem.row is not None:
        return True
    key = (problem.file, problem.column, problem.rule, problem.message)
    if key in seen:
        return False
    seen.add(key)
    return True


def _warning(warning: Any) -> dict[str, Any]:
    where: dict[str, Any] = (
        {"file": warning.file, "row": warning.file_row + 1}
        if warning.file is not None
        else {"row": warning.row + 1}
    )
    year = None if warning.year != warning.year else int(warning.year)
    return {
        **where,
        "city": warning.city,
        "year": year,
        "check": warning.check,
        "message": warning.message,
    }


def _position(handle: Any, size: int) -> int:
    try:
        return min(int(handle.tell()), size)
    except (OSError, ValueError):  # closed once the last chunk was read
        return size


def _regrouped(chunks: Iterator[pd.DataFrame], layout: str) -> Iterator[pd.DataFrame]:
    """Chunks of a long table cut between cities and years; other chunks unchanged."""
    import pandas as pd

    held: pd.DataFrame | None = None
    keys: list[Any] | None = None
    for chunk in chunks:
        if keys is None:
            keys = _long_keys(chunk, layout)
        if not keys:
            yield chunk
            continue
        if held is not None:
            defects = {**row_defects(held), **_shifted(row_defects(chunk), len(held))}
            chunk = pd.concat([held, chunk], ignore_index=True)
            chunk.attrs = {ROW_DEFECTS: defects} if defects else {}
        cut = _last_group_start(chunk, keys)
        held = _rows(chunk, cut, len(chunk))
        if cut:
            yield _rows(chunk, 0, cut)
    if held is not None and len(held):
        yield held


def _shifted(defects: dict[int, str], by: int) -> dict[int, str]:
    return {row + by: text for row, text in defects.items()}


def _rows(frame: pd.DataFrame, start: int, stop: int) -> pd.DataFrame:
    """Rows ``start`` to ``stop`` of a chunk, renumbered from 0, with their broken rows."""
    part = frame.iloc[start:stop].reset_index(drop=True)
    defects = {r: t for r, t in _shifted(row_defects(frame), -start).items() if 0 <= r < len(part)}
    part.attrs = {ROW_DEFECTS: defects} if defects else {}
    return part


def _long_keys(chunk: pd.DataFrame, layout: str) -> list[Any]:
    """The city and year columns of a long table (empty for a wide one)."""
    columns = {canonical_key(str(c)): c for c in chunk.columns}
    is_long = "ITEM" in columns and "VALUE" in columns
    if layout == "wide" or (layout == "auto" and not is_long) or "CITY" not in columns:
        return []
    return [columns[k] for k in ("CITY", "YEAR") if k in columns]


def _last_group_start(chunk: pd.DataFrame, keys: list[Any]) -> int:
    """Where the rows of the chunk's last city and year begin (their run at the end)."""
    import numpy as np

    same = np.ones(len(chunk), dtype=bool)
    for key in keys:
        column = chunk[key].astype(str).to_numpy()
        same &= column == column[-1]
    different = np.flatnonzero(~same)
    return int(different[-1]) + 1 if different.size else 0
