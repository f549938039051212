"""Writing results: long or wide tables as CSV, Excel, Parquet or JSON, and the run manifest.

Every format is written by a :class:`Sink`, table after table, so a run scored in chunks (or a
long table tabulated a slice of rows at a time) is streamed to its file without the whole table
or its text in memory: CSV through pyarrow's CSV writer, Parquet row group by row group, JSON row
batch by row batch (built column by column with pyarrow), Excel through openpyxl's write-only
sheet. Everything is a pure function of the tables and the manifest, so the same input gives
byte-identical output every time: rows keep input order then catalogue order, the Excel file has
fixed document properties and zip timestamps, and the manifest holds no time. Text cells written
to CSV and Excel are protected against formula injection (:func:`protect`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from u4ssc.core import OutputError
from u4ssc.core.files import fixed_zip, json_dumps

if TYPE_CHECKING:
    import pandas as pd

    from u4ssc.core import Result

__all__ = [
    "BINARY",
    "FORMATS",
    "LEVELS",
    "SHAPES",
    "Sink",
    "manifest_text",
    "open_sink",
    "output_format",
    "protect",
    "render",
    "table",
]

#: Output formats, and those that are binary (they need a file, not stdout).
FORMATS = ("csv", "xlsx", "parquet", "json")
BINARY = frozenset({"xlsx", "parquet"})
#: Output shapes: one row per value (long) or per city and year (wide).
SHAPES = ("long", "wide")
#: What a row is: a KPI value, or a roll-up at one of four levels.
LEVELS = ("kpi", "category", "subdimension", "dimension", "overall")
#: The suffix of each format's files.
SUFFIXES = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
}
#: A text cell starting with one of these could run as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's row limit, header included.
EXCEL_ROWS = 1_048_576


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: as given, else from the output's suffix, else CSV.

    :raises OutputError: the suffix is one of another format's (``-o x.xlsx --format csv``), or
        unknown and no format is given (``-o x.pdf``): nothing is written under a misleading name.
    """
    suffix = "" if output is None else output.suffix.lower()
    implied = SUFFIXES.get(suffix)
    if fmt is not None:
        if implied is not None and implied != fmt:
            raise OutputError(
                f"cannot write {output}: its suffix {output.suffix} is for {implied}, but "
                f"--format asks for {fmt}: name the file .{fmt}, or leave out --format"
            )
        return fmt
    if implied is not None:
        return implied
    if suffix:
        known = ", ".join(sorted(SUFFIXES))
        raise OutputError(
            f"cannot write {output}: {output.suffix} is not an output format; name the file "
            f"{known}, or choose the format with --format"
        )
    return "csv"


# -- tables ---------------------------------------------------------------------------------------


def table(
    result: Result,
    *,
    level: str = "kpi",
    shape: str = "long",
    tier: str = "all",
    include_local: bool = False,
    rows: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The table to write: KPI values or roll-ups, long or wide.

    Long KPI rows are :meth:`Result.to_frame` (with ``rows = (start, stop)``, of those input
    rows only: the long table a slice at a time); long roll-ups :meth:`Result.rollups`. Wide
    tables have one row per city and year: for KPIs, each output id's value, ``<id> status`` and
    ``<id> points``; for roll-ups, each group's % (``<group>``), ``<group> band``,
    ``<group> points`` and ``<group> coverage_pct``.
    """
    if level == "kpi":
        return result.to_frame(*(rows or ())) if shape == "long" else _wide_values(result)
    rollups = result.rollups(level, tier=tier, include_local=include_local)
    return (
        rollups if shape == "long" else _wide_rollups(result, rollups, level, tier, include_local)
    )


def _keys(result: Result) -> dict[str, Any]:
    import pandas as pd

    return {
        "city": result.city,
        "year": pd.array(result.year, dtype="Float64").astype("Int64"),
    }


def _points(points: Any) -> Any:
    import pandas as pd

    return pd.arrays.IntegerArray(points, mask=points == 0)


def _wide_values(result: Result) -> pd.DataFrame:
    import pandas as pd

    from u4ssc.core.status import LABELS

    columns = _keys(result)
    categories = pd.Index(list(LABELS))
    for i, output in enumerate(result.outputs):
        columns[output.id] = result.values[i]
        columns[f"{output.id} status"] = pd.Categorical.from_codes(
            result.statuses[i], categories=categories
        )
        columns[f"{output.id} points"] = _points(result.scores.points[i])
        for column, found in result.verification_columns(i).items():
            columns[f"{output.id} {column}"] = found
    return pd.DataFrame(columns)


def _wide_rollups(
    result: Result, rollups: pd.DataFrame, level: str, tier: str, include_local: bool
) -> pd.DataFrame:
    import pandas as pd

    n = len(result)
    groups = (
        len(rollups) // n
        if n
        else len(result.rollup(level, tier=tier, include_local=include_local))
    )
    columns = _keys(result)
    names = rollups[["dimension", "subdimension", "category"]].to_numpy(dtype=object)[:groups]
    for j, parts in enumerate(names):
        label = " / ".join(str(p) for p in parts if p) or "overall"
        for source, suffix in (("pct", ""), ("band", " band"), ("points", " points")):
            columns[label + suffix] = _column_of(rollups[source], n, groups, j)
        columns[f"{label} coverage_pct"] = _column_of(rollups["coverage_pct"], n, groups, j)
    return pd.DataFrame(columns)


def _column_of(series: pd.Series, n: int, groups: int, j: int) -> Any:
    """Group ``j``'s values from a roll-up column laid out row-major (rows, then groups)."""
    return series.iloc[j::groups].reset_index(drop=True) if n else series.iloc[:0]


# -- protection -----------------------------------------------------------------------------------


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def protect(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells (and headers) that a spreadsheet could run as a formula get a leading ``'``.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is protected;
    numbers stay numbers (a negative value is a number, not text, and is left alone).
    """
    import pandas as pd

    columns: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = [_safe(c) if isinstance(c, str) else c for c in column.cat.categories]
            if len(set(categories)) == len(categories):
                column = pd.Series(
                    pd.Categorical.from_codes(column.cat.codes, categories=pd.Index(categories)),
                    index=frame.index,
                    name=name,
                )
            else:  # protecting made two categories equal: plain text then
                column = column.astype(object).map(_safe_cell)
        elif pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(
            column.dtype
        ):
            risky = column.str.startswith(FORMULA_STARTS, na=False).to_numpy(dtype=bool)
            if risky.any():
                column = column.astype(object).where(~risky, "'" + column.astype(str))
        columns[_safe(str(name))] = column
    return pd.DataFrame(columns, index=frame.index)


def _safe_cell(value: object) -> object:
    return _safe(value) if isinstance(value, str) else value


# -- formats --------------------------------------------------------------------------------------

#: Rows handed to openpyxl at a time (the Excel sink's Python rows are built a batch at a time).
BATCH_ROWS = 65_536
#: Categorical columns whose categories are the run's note texts: they differ from chunk to
#: chunk, so Parquet stores them as plain strings (the other categorical columns are
#: dictionary-encoded).
NOTE_COLUMNS = frozenset({"reason", "source", "warnings", "verifier_comment", "verified_on"})


def _cells(frame: pd.DataFrame) -> list[list[Any]]:
    """Rows of plain Python values: missing cells ``None``, numpy scalars as int or float."""
    import pandas as pd

    columns = []
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        values = series.astype(object).where(series.notna(), None).tolist()
        columns.append(values)
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _arrow_table(frame: pd.DataFrame, *, dictionary: bool) -> Any:
    """The table as Arrow, without a Python string per row for categorical columns.

    With ``dictionary``, categorical columns stay dictionary-encoded (int32 codes into their
    categories), except :data:`NOTE_COLUMNS`; otherwise they are decoded to plain strings. Text
    columns are strings and the other columns keep their pandas types (nullable integers stay
    integers), so every chunk of one output has the same schema.
    """
    import pandas as pd
    import pyarrow as pa

    text: dict[int, Any] = {}
    for i, name in enumerate(frame.columns):
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            indices = pa.array(codes.astype("int32"), mask=codes < 0)
            categories = pa.array([str(c) for c in column.cat.categories], type=pa.string())
            encoded = pa.DictionaryArray.from_arrays(indices, categories)
            keep = dictionary and str(name) not in NOTE_COLUMNS
            text[i] = encoded if keep else encoded.cast(pa.string())
        elif pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(
            column.dtype
        ):
            text[i] = pa.array(column.astype(object).where(column.notna(), None), type=pa.string())
    names = [str(n) for n in frame.columns]
    table = pa.Table.from_pandas(
        frame.drop(columns=[frame.columns[i] for i in text]), preserve_index=False
    )
    for i, array in sorted(text.items()):
        table = table.add_column(i, names[i], array)
    return table.replace_schema_metadata(None)


def _cell_texts(array: Any, word: Callable[[str], str], missing: str) -> Any:
    """Each cell of an Arrow array as text: ``word(text)`` for text (computed once per distinct
    text), numbers in their shortest exact form, ``missing`` for a missing or non-finite number.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_dictionary(kind):
        words = pa.array([word(str(w)) for w in array.dictionary.to_pylist()], pa.string())
        return pc.fill_null(pc.take(words, array.indices), missing)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _cell_texts(pc.dictionary_encode(array), word, missing)
    if pa.types.is_floating(kind):
        finite = pc.fill_null(pc.is_finite(array), False)
        return pc.if_else(finite, pc.cast(array, pa.string()), pa.scalar(missing))
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        return pc.fill_null(pc.cast(array, pa.string()), missing)
    if pa.types.is_null(kind):
        return pa.array([missing] * len(array), pa.string())
    return _cell_texts(pc.cast(array, pa.string()), word, missing)


def _whole(column: Any) -> Any:
    """One array of a table's column (its chunks joined, as one long table slice has one)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _json_word(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _csv_word(value: str) -> str:
    """A text cell of CSV, quoted only where it must be (a comma, quote or line end in it)."""
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _json_rows(table: Any) -> Any:
    """One ``,\n{...}`` text per row of an Arrow table (built column by column, not row by row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [
        pc.binary_join_element_wise(
            pa.scalar(_json_word(name) + ": "), _cell_texts(_whole(column), _json_word, "null"), ""
        )
        for name, column in zip(table.column_names, table.columns, strict=True)
    ]
    if not parts:
        return pa.array([",\n{}"] * table.num_rows, pa.string())
    fields = pc.binary_join_element_wise(*parts, ", ")
    return pc.binary_join_element_wise(",\n{", fields, "}", "")


def _csv_rows(table: Any) -> Any:
    """One CSV line per row of an Arrow table (built column by column, not row by row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [_cell_texts(_whole(column), _csv_word, "") for column in table.columns]
    if not parts:
        return pa.array(["\n"] * table.num_rows, pa.string())
    return pc.binary_join_element_wise(pc.binary_join_element_wise(*parts, ","), "\n", "")


def _text_bytes(array: Any) -> memoryview:
    """The texts of an Arrow string array, concatenated: its data buffer, not a copy per row."""
    import numpy as np

    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    return memoryview(array.buffers()[2])[first:last]


def manifest_text(manifest: Mapping[str, Any]) -> str:
    """The run manifest as JSON text (no timestamps: reruns give the same bytes)."""
    return json_dumps(manifest, indent=2) + "\n"


def render(frame: pd.DataFrame, fmt: str, manifest: Mapping[str, Any]) -> bytes:
    """The table in ``fmt`` (``csv``, ``xlsx``, ``parquet`` or ``json``), as bytes."""
    buffer = io.BytesIO()
    sink = open_sink(fmt, buffer)
    sink.write(frame)
    sink.close(manifest)
    return buffer.getvalue()


# -- writing table after table --------------------------------------------------------------------


class Sink(Protocol):
    """Writes tables one after another into one output, streamed: what was written is not kept."""

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows."""

    def close(self, manifest: Mapping[str, Any]) -> None:
        """Finish the output (a Parquet footer, JSON's manifest); the stream itself stays open."""


class _CsvSink:
    """CSV (comma, ``\\n`` line ends, UTF-8, protected against formulas), table by table: each
    table's lines are built column by column with pyarrow (the CLI hands it slices of rows)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.header = True

    def write(self, frame: pd.DataFrame) -> None:
        arrow = _arrow_table(protect(frame), dictionary=True)
        if self.header:
            line = ",".join(_csv_word(name) for name in arrow.column_names) + "\n"
            self.stream.write(line.encode("utf-8"))
            self.header = False
        if arrow.num_rows:
            self.stream.write(_text_bytes(_csv_rows(arrow)))

    def close(self, manifest: Mapping[str, Any]) -> None:
        self.stream.flush()


class _ParquetSink:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.writer: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = _arrow_table(frame, dictionary=True)
        if self.writer is None:
            # Parquet's dictionary pages for the text columns only (numbers are too varied to
            # gain from them), statistics for the keys a reader filters on: 40 % less time.
            text = [f.name for f in arrow.schema if not pa.types.is_primitive(f.type)]
            keys = [name for name in ("city", "year", "code") if name in arrow.column_names]
            self.writer = pq.ParquetWriter(
                self.stream, arrow.schema, use_dictionary=text, write_statistics=keys
            )
        self.writer.write_table(arrow.cast(self.writer.schema))

    def close(self, manifest: Mapping[str, Any]) -> None:
        if self.writer is not None:
            self.writer.close()


class _JsonSink:
    """``{"rows": [...], "manifest": {...}}``, rows written table by table as they come (built
    column by column with pyarrow); the manifest (which counts them) last."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.stream.write(b'{"rows": [')
        self.first = True

    def write(self, frame: pd.DataFrame) -> None:
        arrow = _arrow_table(frame, dictionary=True)
        if arrow.num_rows:
            text = _text_bytes(_json_rows(arrow))
            self.stream.write(text[1:] if self.first else text)  # no comma before the first row
            self.first = False

    def close(self, manifest: Mapping[str, Any]) -> None:
        ending = "\n],\n" if not self.first else "],\n"
        self.stream.write(f'{ending}"manifest": {json_dumps(manifest, indent=1)}\n}}\n'.encode())
        self.stream.flush()


class _XlsxSink:
    """An Excel workbook, protected against formulas, the same bytes every time; rows go into
    openpyxl's write-only sheet as they come (it keeps them in a temporary file).

    :raises OutputError: more rows than an Excel sheet holds.
    """

    def __init__(self, stream: IO[bytes], sheet: str = "scores") -> None:
        from openpyxl import Workbook

        self.stream = stream
        self.book = Workbook(write_only=True)
        self.book.properties.creator = "u4ssc"
        self.sheet = self.book.create_sheet(sheet)
        self.rows = 0
        self.started = False

    def write(self, frame: pd.DataFrame) -> None:
        if self.rows + len(frame) + 1 > EXCEL_ROWS:
            raise OutputError(
                f"{self.rows + len(frame)} rows do not fit in an Excel sheet (at most "
                f"{EXCEL_ROWS - 1}): write csv or parquet, or --shape wide"
            )
        safe = protect(frame)
        if not self.started:
            self.sheet.append([str(c) for c in safe.columns])
            self.started = True
        for start in range(0, len(safe), BATCH_ROWS):
            for row in _cells(safe.iloc[start : start + BATCH_ROWS]):
                self.sheet.append(row)
        self.rows += len(frame)

    def close(self, manifest: Mapping[str, Any]) -> None:
        buffer = io.BytesIO()
        self.book.save(buffer)
        self.stream.write(fixed_zip(buffer.getvalue()))


_SINKS: dict[str, Callable[[IO[bytes]], Sink]] = {
    "csv": _CsvSink,
    "parquet": _ParquetSink,
    "json": _JsonSink,
    "xlsx": _XlsxSink,
}


def open_sink(fmt: str, stream: IO[bytes]) -> Sink:
    """A sink writing ``fmt`` (``csv``, ``xlsx``, ``parquet`` or ``json``) table after table.

    :raises OutputError: an unknown format.
    """
    if fmt not in _SINKS:
        raise OutputError(f"unknown output format {fmt!r}: use one of {', '.join(FORMATS)}")
    return _SINKS[fmt](stream)
