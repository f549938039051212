"""Writing results: long or wide tables as CSV, Excel, Parquet or JSON, and the run manifest.

Everything here is a pure function of a :class:`~u4ssc.core.Result` (through
``result.to_frame()``, ``result.rollups(level)`` and the manifest) to text or bytes, so the same
input gives byte-identical output every time: rows keep input order then catalogue order, the
Excel file has fixed document properties and zip timestamps, and the manifest holds no time.
Text cells written to CSV and Excel are protected against formula injection (:func:`protect`).

For runs read in chunks, :func:`open_sink` writes CSV or Parquet one table after another; the
tables joined are exactly what :func:`render` writes for the whole run.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from u4ssc.core import OutputError

if TYPE_CHECKING:
    import pandas as pd

    from u4ssc.core import Result

__all__ = [
    "BINARY",
    "FORMATS",
    "LEVELS",
    "SHAPES",
    "Sink",
    "csv_text",
    "json_text",
    "manifest_text",
    "open_sink",
    "output_format",
    "parquet_bytes",
    "protect",
    "render",
    "table",
    "xlsx_bytes",
]

#: Output formats, and those that are binary (they need a file, not stdout).
FORMATS = ("csv", "xlsx", "parquet", "json")
BINARY = frozenset({"xlsx", "parquet"})
#: Output shapes: one row per value (long) or per city and year (wide).
SHAPES = ("long", "wide")
#: What a row is: a KPI value, or a roll-up at one of four levels.
LEVELS = ("kpi", "category", "subdimension", "dimension", "overall")
_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".json": "json"}
#: A text cell starting with one of these could run as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's row limit, header included.
EXCEL_ROWS = 1_048_576
_FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: as given, else from the output's suffix, else CSV."""
    if fmt is not None:
        return fmt
    if output is None:
        return "csv"
    return _SUFFIXES.get(output.suffix.lower(), "csv")


# -- tables ---------------------------------------------------------------------------------------


def table(
    result: Result,
    *,
    level: str = "kpi",
    shape: str = "long",
    tier: str = "all",
    include_local: bool = False,
) -> pd.DataFrame:
    """The table to write: KPI values or roll-ups, long or wide.

    Long KPI rows are :meth:`Result.to_frame`; long roll-ups :meth:`Result.rollups`. Wide tables
    have one row per city and year: for KPIs, each output id's value, ``<id> status`` and
    ``<id> points``; for roll-ups, each group's % (``<group>``), ``<group> band``,
    ``<group> points`` and ``<group> coverage_pct``.
    """
    if level == "kpi":
        return result.to_frame() if shape == "long" else _wide_values(result)
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


def csv_text(frame: pd.DataFrame, *, header: bool = True) -> str:
    """The table as CSV (comma, ``\\n`` line ends, UTF-8 text), protected against formulas."""
    return str(protect(frame).to_csv(index=False, header=header, lineterminator="\n"))


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


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "scores") -> bytes:
    """The table as an Excel workbook, protected against formulas, the same bytes every time.

    :raises OutputError: more rows than an Excel sheet holds.
    """
    from openpyxl import Workbook

    if len(frame) + 1 > EXCEL_ROWS:
        raise OutputError(
            f"{len(frame)} rows do not fit in an Excel sheet (at most {EXCEL_ROWS - 1}): "
            "write csv or parquet, or --shape wide"
        )
    book = Workbook(write_only=True)
    book.properties.creator = "u4ssc"
    ws = book.create_sheet(sheet)
    safe = protect(frame)
    ws.append([str(c) for c in safe.columns])
    for row in _cells(safe):
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every timestamp fixed, including the document's own created/modified."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _FIXED_TIME.encode() + rb"\g<2>",
                    content,
                )
            fixed = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def _arrow_table(frame: pd.DataFrame) -> Any:
    """The table for Parquet: text columns as plain strings, so every chunk has one schema.

    Categorical columns are decoded by Arrow from their codes, without a Python string per row;
    the other columns keep their pandas types (nullable integers stay integers).
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
            text[i] = pa.DictionaryArray.from_arrays(indices, categories).cast(pa.string())
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
    return table


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The table as a Parquet file (text as plain strings), the same bytes every time."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(_arrow_table(frame), buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """JSON for numpy and pandas scalars."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_text(frame: pd.DataFrame, manifest: Mapping[str, Any]) -> str:
    """``{"manifest": ..., "rows": [...]}``: missing cells are ``null``, never NaN."""
    names = [str(c) for c in frame.columns]
    rows = [dict(zip(names, row, strict=True)) for row in _cells(frame)]
    return (
        json.dumps(
            {"manifest": manifest, "rows": rows},
            indent=1,
            ensure_ascii=False,
            allow_nan=False,
            default=_plain,
        )
        + "\n"
    )


def manifest_text(manifest: Mapping[str, Any]) -> str:
    """The run manifest as JSON text (no timestamps: reruns give the same bytes)."""
    return json.dumps(manifest, indent=2, ensure_ascii=False, default=_plain) + "\n"


def render(frame: pd.DataFrame, fmt: str, manifest: Mapping[str, Any]) -> bytes:
    """The table in ``fmt`` (``csv``, ``xlsx``, ``parquet`` or ``json``), as bytes."""
    if fmt == "csv":
        return csv_text(frame).encode("utf-8")
    if fmt == "xlsx":
        return xlsx_bytes(frame)
    if fmt == "parquet":
        return parquet_bytes(frame)
    if fmt == "json":
        return json_text(frame, manifest).encode("utf-8")
    raise OutputError(f"unknown output format {fmt!r}: use one of {', '.join(FORMATS)}")


# -- writing table after table --------------------------------------------------------------------


class Sink(Protocol):
    """Writes tables one after another into one output."""

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows."""

    def close(self) -> None:
        """Finish the output (a Parquet footer); the stream itself stays open."""


class _CsvSink:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.header = True

    def write(self, frame: pd.DataFrame) -> None:
        self.stream.write(csv_text(frame, header=self.header).encode("utf-8"))
        self.header = False

    def close(self) -> None:
        self.stream.flush()


class _ParquetSink:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.writer: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        arrow = _arrow_table(frame)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.stream, arrow.schema)
        self.writer.write_table(arrow.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def open_sink(fmt: str, stream: IO[bytes]) -> Sink:
    """A sink writing ``fmt`` table after table; only CSV and Parquet can be written so.

    :raises OutputError: another format (it needs the whole table at once).
    """
    if fmt == "csv":
        return _CsvSink(stream)
    if fmt == "parquet":
        return _ParquetSink(stream)
    raise OutputError(
        f"{fmt} output cannot be written chunk by chunk: write csv or parquet, or read the "
        "input whole with --chunk-rows 0"
    )
