"""Reading input files into tables of raw cells: CSV, Excel (.xlsx), Parquet and JSON.

Readers never interpret text cells: "NR", "N/A", "97,5 %", "#DIV/0!" reach :mod:`.values`, the
one place that parses numbers. Columns that are clean numbers already are read as numbers (the
fast path); everything else stays text, and booleans, dates and None stay what the file says, so
the cell parser can give each a precise message.

Every reader applies the same header rules (:func:`column_names`): names are stripped, a column
without a header is named ``column N (no header)`` (and dropped when it is empty as well), and two
columns with the same name are an error, since nobody can tell which one is meant.

A CSV file can also be read in chunks of rows (:func:`csv_chunks`), with memory bounded by the
chunk, for files too large to hold at once.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import DataError, InputProblem
from .model import canonical_key
from .values import ExcelText, UnsavedFormula, guess_decimal
from .verification import (
    QUESTION_HEADERS,
    QUESTIONS_SHEET,
    VERIFICATION_HEADERS,
    VERIFICATION_SHEET,
    VerifierSheets,
    sheet_table,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMATS",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_UNPACKED",
    "ROW_DEFECTS",
    "WORKBOOK_CITY",
    "WORKBOOK_EXTRAS",
    "WORKBOOK_FORMULAS",
    "WORKBOOK_ID",
    "WORKBOOK_LOOKUP",
    "WORKBOOK_SHEET",
    "WORKBOOK_VALUE",
    "WORKBOOK_YEAR",
    "InputFile",
    "ReadOptions",
    "column_names",
    "csv_chunks",
    "decode_file",
    "file_format",
    "formula_fingerprint",
    "parquet_chunks",
    "percent_format",
    "read_input",
    "read_table",
]

#: File suffixes by input format.
FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
}
#: How much of a CSV file the delimiter and header are sniffed from.
_SNIFF_BYTES = 65536
#: How many data rows of a CSV file ``decimal="auto"`` looks at (the same in every mode, so a
#: chunked run and a whole-file run read the file identically).
DECIMAL_SAMPLE_ROWS = 1000
_BLOCK = 1 << 24
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PANDAS_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
#: The key in a table's ``attrs`` under which a reader lists its broken rows (row position in the
#: table: message), only when there are some: prepare reports them and marks their values invalid.
ROW_DEFECTS = "u4ssc broken rows"
#: Limits on an Excel workbook, so that a small file that unpacks to gigabytes (a zip bomb) is
#: refused before it is read: the unpacked size of its parts in bytes, and the cells of a sheet.
#: The environment variables ``U4SSC_MAX_XLSX_MB`` and ``U4SSC_MAX_XLSX_CELLS`` raise them.
MAX_XLSX_UNPACKED = 1 << 30
MAX_XLSX_CELLS = 20_000_000
#: Columns read as text whatever they hold (a city named 01 stays 01, and a year is parsed, or
#: echoed in its problem, as typed: 1e20, not 1e+20), by canonical key.
TEXT_COLUMNS = frozenset({"CITY", "YEAR", "ITEM", "UNIT", "SOURCE", "QUALITY"})


@dataclass(frozen=True)
class ReadOptions:
    """How to read input files.

    :ivar decimal: ``"."``, ``","`` or ``"auto"``: a decimal comma for CSV files whose delimiter
        is not a comma and whose first rows prove it (:func:`u4ssc.core.values.guess_decimal`),
        else a decimal point. Files other than CSV hold typed numbers and use ``"."``.
    :ivar encoding: the text encoding of CSV and JSON files; ``None`` detects UTF-8 (with or
        without BOM), UTF-16 with a BOM, and otherwise Latin-1.
    :ivar sheet: the Excel sheet: a name; an ``int`` position counted from 0 (as in pandas); or
        text digits counted from 1 (``"2"`` is the second sheet, as ``--sheet 2`` reads), when no
        sheet has that name. ``None`` is the first sheet.
    """

    decimal: str = "auto"
    encoding: str | None = None
    sheet: str | int | None = None

    def __post_init__(self) -> None:
        if self.decimal not in ("auto", ".", ","):
            raise DataError(f"decimal must be 'auto', '.' or ',', not {self.decimal!r}")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise DataError(
                    f"unknown encoding {self.encoding!r}: use e.g. utf-8, latin-1 or cp1252"
                ) from None


@dataclass
class InputFile:
    """What was read from one file, for the manifest and for messages.

    :ivar name: the path as given, used in every message about the file.
    :ivar sha256: hash of the file's bytes.
    """

    path: Path
    name: str
    format: str
    sha256: str = ""
    size: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    sheet: str | None = None
    #: Per column of the table read (``value``, ``city``, ``quality``, ...), the spreadsheet cell
    #: of each row (``Inputs!D39``): set for a data-collection workbook, whose table rows are not
    #: its sheet's rows, so that messages name the cell a user sees.
    cells: dict[str, list[str]] | None = None
    #: Problems with the file as a whole, found while reading it (a workbook's replaced formulas).
    problems: list[InputProblem] = field(default_factory=list)
    #: A data-collection workbook's Verification and Questions sheets, as typed (``None`` for
    #: other files, and for a workbook without a Verification sheet).
    verification: VerifierSheets | None = None

    def describe(self) -> dict[str, Any]:
        """The file as recorded in a manifest: name, format, size, hash and how it was read."""
        found: dict[str, Any] = {
            "file": self.name,
            "format": self.format,
            "bytes": self.size,
            "sha256": self.sha256,
        }
        for key in ("encoding", "delimiter", "sheet"):
            if getattr(self, key) is not None:
                found[key] = getattr(self, key)
        found["decimal"] = self.decimal
        return found


def file_format(path: Path) -> str:
    """The input format of ``path`` from its suffix.

    :raises DataError: the suffix is not one u4ssc reads.
    """
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        hint = " (save it as .xlsx)" if path.suffix.lower() == ".xls" else ""
        raise DataError(
            f"cannot read {path}: unknown file type {path.suffix!r}{hint}; "
            "use .csv, .xlsx, .parquet or .json"
        )
    return found


def read_input(
    path: str | os.PathLike[str], options: ReadOptions | None = None, *, name: str | None = None
) -> tuple[InputFile, pd.DataFrame]:
    """Read a whole CSV, Excel, Parquet or JSON file.

    :param name: how messages name the file (default: the path as given).
    :return: what was read (format, hash, encoding ...) and the table of raw cells.
    :raises DataError: the file is missing, empty, or not readable as a table.
    """
    options = options or ReadOptions()
    path = Path(path)
    info = _open_info(path, name)
    if info.format == "csv":  # parsed from the file, never held as bytes and text at once
        _, dialect = _csv_dialect(info, path, options)
        with path.open("rb") as raw:
            frame = _clean_columns(_parse_csv(info, raw, dialect))
        return info, _with_defects(frame, _short_rows(info, path, dialect), 0)
    data = path.read_bytes()
    info.sha256 = hashlib.sha256(data).hexdigest()
    info.size = len(data)
    readers = {"xlsx": _read_xlsx, "parquet": _read_parquet, "json": _read_json}
    frame = readers[info.format](info, data, options)
    return info, _clean_columns(frame)


# The data-collection workbook (``u4ssc template``) keeps its inputs on one sheet: labelled city
# and reporting-year cells above a table with one row per data item (or reported final value).
# The template writes, and the reader looks for, exactly these labels (any case).
#: Name of the inputs sheet.
WORKBOOK_SHEET = "Inputs"
#: Labels, in the first column, of the cells whose right-hand neighbour holds the city and year.
WORKBOOK_CITY = "city"
WORKBOOK_YEAR = "reporting year"
#: Headers of the columns holding the data item name (or KPI id) and the value.
WORKBOOK_ID = "id"
WORKBOOK_VALUE = "value"
#: Headers of columns carried along, and the long-layout column each becomes.
WORKBOOK_EXTRAS = {"source": "source", "data quality": "quality", "comment": "comment"}
#: How many rows from the top the header row may be.
_WORKBOOK_HEADER_ROWS = 30
#: The hidden sheet where the template finds each input by id, and lists the fingerprint of
#: every formula it wrote on the KPIs sheet (headers of those two columns, in its first row).
WORKBOOK_LOOKUP = "Lookup"
WORKBOOK_FORMULAS = ("formula cell", "formula fingerprint")


def formula_fingerprint(formula: object) -> str:
    """A short fingerprint of a cell's formula, as the template wrote it: what ``u4ssc score``
    compares to tell a formula typed over (spreadsheets' ``_xlfn.`` prefixes and case aside)."""
    text = re.sub(r"_xl(?:fn|ws)\.", "", str(formula)).upper()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_table(
    path: Path, *, sheet: str | int | None = None, encoding: str | None = None
) -> pd.DataFrame:
    """Read a CSV, Excel (.xlsx), Parquet or JSON file into a table of raw cells.

    :raises DataError: the file is missing, empty, or not readable as a table.
    """
    return read_input(path, ReadOptions(encoding=encoding, sheet=sheet))[1]


def decode_file(path: Path, encoding: str | None) -> tuple[str, str]:
    """The text of a file and its encoding: as given, else detected as for CSV input.

    :raises DataError: the file is empty, binary, or not in the given encoding.
    """
    info = _open_info(path, None)
    data = path.read_bytes()
    found = _encoding(info, data[:_SNIFF_BYTES], encoding, lambda: [data])
    return _decode(info, data, found), found


def _open_info(path: Path, name: str | None) -> InputFile:
    shown = name if name is not None else str(path)
    if not path.exists():
        raise DataError(f"input file {shown!r} does not exist")
    if not path.is_file():
        raise DataError(f"{shown!r} is not a file")
    return InputFile(path, shown, file_format(path))


# -- header rules ---------------------------------------------------------------------------------


def column_names(raw: Sequence[object], file: str) -> list[str]:
    """Clean header names: stripped text, ``column N (no header)`` for blanks, no duplicates.

    :raises DataError: two columns have the same name.
    """
    names = ["" if cell is None else str(cell).strip().lstrip("\ufeff").strip() for cell in raw]
    names = [n or f"column {i + 1} (no header)" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if n in seen:
            raise DataError(
                f"{file}: columns {seen[n] + 1} and {i + 1} are both named {n!r}: "
                "rename or delete one of them"
            )
        seen[n] = i
    return names


def _clean_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as float columns, everything else as object columns of what the file holds.

    Columns without a header and without a single value (trailing delimiters) are dropped.
    """
    import numpy as np
    import pandas as pd

    columns: dict[str, Any] = {}
    for name in frame.columns:
        series = frame[name]
        if name.endswith("(no header)") and series.isna().all():
            continue
        dtype = series.dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        kind_kept = pd.api.types.is_object_dtype(dtype)
        if kind_kept:  # Excel, JSON: numbers only (and blanks)
            kind = pd.api.types.infer_dtype(series, skipna=True)
            numeric = kind in ("integer", "floating", "mixed-integer-float")
        if numeric:
            try:
                columns[name] = series.to_numpy(dtype=np.float64, na_value=np.nan)
                continue
            except OverflowError:  # an integer too large for a float: the cell parser says so
                pass
        values = series.to_numpy(dtype=object)
        if pd.api.types.is_bool_dtype(dtype) and series.hasnans:
            values[series.isna().to_numpy()] = None
        # An object column stays one (pandas would make text alone a str column), so that
        # cells keep their type: a workbook's typed text (ExcelText) among them.
        columns[name] = pd.Series(values, dtype=object, copy=False) if kind_kept else values
    cleaned: pd.DataFrame = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), copy=False)
    return cleaned


def _with_defects(frame: pd.DataFrame, defects: dict[int, str], first: int) -> pd.DataFrame:
    """``frame`` (rows ``first`` on of its file) with the :data:`ROW_DEFECTS` of its rows."""
    mine = {row - first: text for row, text in defects.items() if 0 <= row - first < len(frame)}
    if mine:
        frame.attrs[ROW_DEFECTS] = mine
    return frame


def row_defects(frame: pd.DataFrame) -> dict[int, str]:
    """The broken rows a reader found in ``frame``: row position -> message."""
    found: dict[int, str] = frame.attrs.get(ROW_DEFECTS, {})
    return found


# -- CSV ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    encoding: str
    delimiter: str
    decimal: str
    header: list[str]
    first_row_cells: int | None


def _csv_dialect(info: InputFile, path: Path, options: ReadOptions) -> tuple[InputFile, _Dialect]:
    """Hash, encoding (checked in one streaming pass) and dialect of a CSV file."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    encoding = _encoding(info, head, options.encoding, lambda: _blocks(path))
    info.sha256, info.size = _hash_and_check(info, path, encoding)
    sample = _decode(info, head, encoding, partial=True)

    def reopen() -> IO[str]:
        return io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")

    dialect = _dialect(info, sample, encoding, options, reopen)
    _note_dialect(info, dialect)
    return info, dialect


def _short_rows(info: InputFile, path: Path, dialect: _Dialect) -> dict[int, str]:
    """Rows with fewer cells than the header, by row (0-based under the header): their message.

    pandas pads a short row with empty cells, which hides a row written with another delimiter
    (``a;b;c`` under a header of commas is one cell). One pass of pyarrow's CSV parser counts
    every row's cells (only the first column is kept); each short row it finds is read again by
    the csv module with the reader's own rules, so that it alone decides. A row that lacks only
    unnamed trailing columns (a header ending in a delimiter) is not short.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = dialect.header
    needed = max((i + 1 for i, n in enumerate(header) if not n.endswith("(no header)")), default=0)
    if needed < 2:
        return {}
    found: dict[int, tuple[str, int]] = {}

    def handle(row: Any) -> str:
        if row.actual_columns < needed and row.number is not None:
            cells = next(
                csv.reader([row.text], delimiter=dialect.delimiter, skipinitialspace=True), []
            )
            if len(cells) < needed:
                found[int(row.number) - 2] = (row.text, len(cells))
        return "skip"

    names = [f"c{i}" for i in range(len(header))]
    try:
        pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False, skip_rows=1, column_names=names, encoding=dialect.encoding
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.delimiter, newlines_in_values=True, invalid_row_handler=handle
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=names[:1], column_types={names[0]: pa.string()}
            ),
        )
    except (pa.ArrowException, LookupError, ValueError):  # pandas says what is wrong
        return {}
    lines = _lines_of(path, dialect, sorted(found))
    return {
        row: _short_message(dialect, text, cells, lines.get(row))
        for row, (text, cells) in found.items()
    }


def _lines_of(path: Path, dialect: _Dialect, rows: list[int]) -> dict[int, int]:
    """The line of the file each of ``rows`` (ascending, 0-based under the header) starts on.

    Read again with the csv module up to the last of them: only for rows already found broken.
    """
    found: dict[int, int] = {}
    wanted = iter(rows)
    target = next(wanted, None)
    with io.TextIOWrapper(path.open("rb"), encoding=dialect.encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect.delimiter, skipinitialspace=True)
        record = -2  # the header is record -1
        try:
            while target is not None:
                start = reader.line_num + 1
                cells = next(reader, None)
                if cells is None:
                    break
                record += 1 if cells else 0
                if cells and record == target:
                    found[target] = start
                    target = next(wanted, None)
        except csv.Error:  # a cell over the csv module's limit: the rest have no line
            pass
    return found


def _short_message(dialect: _Dialect, text: str, cells: int, line: int | None) -> str:
    header = len(dialect.header)
    other = [d for d in ",;\t|" if d != dialect.delimiter and text.count(d) >= header - 1]
    hint = (
        f": it uses {other[0]!r} where the header uses {dialect.delimiter!r}; save the file with "
        "one delimiter throughout"
        if other
        else ": add the missing cells (empty ones too), or quote cells that contain a line break"
    )
    where = f"line {line}" if line is not None else "the row"
    return (
        f"{where} has {cells} cell(s) but the header has {header}{hint}; until then no value "
        "of this row is scored"
    )


def csv_chunks(
    path: str | os.PathLike[str],
    chunk_rows: int,
    options: ReadOptions | None = None,
    *,
    name: str | None = None,
) -> tuple[InputFile, Iterator[pd.DataFrame], IO[bytes]]:
    """Read a CSV file in chunks of ``chunk_rows`` rows, with memory bounded by the chunk.

    The file is hashed and its encoding checked in one streaming pass first, so a decoding error
    is found before any chunk is returned. Chunks are read with exactly the options of
    :func:`read_input`, so the same file gives the same cells in either mode.

    :return: what was read, the chunks, and the open binary file (its position tells how far
        reading got, for a progress bar; it is closed when the chunks are exhausted).
    """
    options = options or ReadOptions()
    path = Path(path)
    info = _open_info(path, name)
    if info.format != "csv":
        raise DataError(f"{info.name}: only CSV files are read in chunks")
    info, dialect = _csv_dialect(info, path, options)
    defects = _short_rows(info, path, dialect)
    raw = path.open("rb")
    return info, _chunks(info, raw, dialect, chunk_rows, defects), raw


def _chunks(
    info: InputFile, raw: IO[bytes], dialect: _Dialect, chunk_rows: int, defects: dict[int, str]
) -> Iterator[pd.DataFrame]:
    first = 0
    with raw:
        reader = _parse_csv(info, raw, dialect, chunksize=chunk_rows)
        while True:
            try:
                chunk = _parse_errors(info, dialect, lambda: next(reader))
            except StopIteration:
                return
            yield _with_defects(_clean_columns(chunk), defects, first)
            first += len(chunk)


def _note_dialect(info: InputFile, dialect: _Dialect) -> None:
    info.encoding = dialect.encoding
    info.delimiter = dialect.delimiter
    info.decimal = dialect.decimal


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            yield block


def _encoding(info: InputFile, head: bytes, given: str | None, blocks: Any) -> str:
    """The encoding: as given, else from a BOM, else UTF-8 if every byte decodes, else Latin-1."""
    if not head.strip():
        raise DataError(f"{info.name} is empty: it needs a header row and one row per city")
    if given is not None:
        return given
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        raise DataError(f"{info.name} is not a text file{_looks_like(head)}")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for block in blocks():
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _looks_like(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return ": it looks like an Excel workbook or another zip file; name it .xlsx"
    if head.startswith(b"PAR1"):
        return ": it looks like a Parquet file; name it .parquet"
    return " (it holds NUL bytes): save it as CSV, or give its encoding with --encoding"


def _decode(info: InputFile, data: bytes, encoding: str, *, partial: bool = False) -> str:
    try:
        if partial:
            return codecs.getincrementaldecoder(encoding)().decode(data, final=False)
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DataError(
            f"cannot decode {info.name} as {encoding} at byte {error.start}: give the file's "
            "encoding with --encoding (e.g. latin-1 or cp1252), or save it as UTF-8"
        ) from None


def _hash_and_check(info: InputFile, path: Path, encoding: str) -> tuple[str, int]:
    """SHA-256 and size of the file, read once; decoding errors are found here, before scoring."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)()
    size = 0
    for block in _blocks(path):
        digest.update(block)
        try:
            decoder.decode(block)
        except UnicodeDecodeError as error:
            raise DataError(
                f"cannot decode {info.name} as {encoding} at byte {size + error.start}: give "
                "the file's encoding with --encoding (e.g. latin-1 or cp1252)"
            ) from None
        size += len(block)
    return digest.hexdigest(), size


def _dialect(
    info: InputFile, sample: str, encoding: str, options: ReadOptions, reopen: Any
) -> _Dialect:
    """Delimiter (sniffed), header, and the decimal separator (given, or guessed from the rows)."""
    if not sample.strip():
        raise DataError(f"{info.name} is empty: it needs a header row and one row per city")
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    with reopen() as stream:
        lines: list[str] = []  # the lines of the record being read

        def feed() -> Iterator[str]:
            for line in stream:
                lines.append(line)
                yield line

        reader = csv.reader(feed(), delimiter=delimiter, skipinitialspace=True)
        header_cells: list[str] = []
        first_row = None
        try:
            lines.clear()
            header_cells = next(reader, [])
            while first_row is None:
                start = reader.line_num + 1
                lines.clear()
                record = next(reader, None)
                if record is None:
                    break
                first_row = record or None
        except csv.Error as error:
            if "field larger than field limit" not in str(error):
                raise DataError(f"{info.name}: cannot read the first rows: {error}") from None
            start = 1 if not header_cells else start
            _big_cell(info, "".join(lines), delimiter, start, header_cells)
    header = column_names(header_cells, info.name)
    decimal = options.decimal
    if decimal == "auto":
        decimal = "." if delimiter == "," else _guess_decimal(info, reopen(), delimiter, header)
    return _Dialect(
        encoding, delimiter, decimal, header, None if first_row is None else len(first_row)
    )


def _big_cell(info: InputFile, text: str, delimiter: str, line: int, header: list[str]) -> None:
    """Refuse a first row with a cell over the csv module's field limit, saying where it starts."""
    limit = csv.field_size_limit()
    cells = next(csv.reader(io.StringIO(text[:limit]), delimiter=delimiter), [""])
    column = len(cells)
    name = f" ({header[column - 1]!r})" if 0 < column <= len(header) else ""
    raise DataError(
        f"{info.name}: line {line}, column {column}{name}: a cell of more than {limit:,} "
        'characters starts here; usually a quote (") that is never closed makes the rest of '
        "the file one cell: close the quote, or shorten the cell"
    )


def _guess_decimal(info: InputFile, stream: IO[str], delimiter: str, header: list[str]) -> str:
    import pandas as pd

    with stream, warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        cells = _parse_errors(
            info,
            None,
            lambda: pd.read_csv(
                stream,
                sep=delimiter,
                dtype=str,
                nrows=DECIMAL_SAMPLE_ROWS,
                keep_default_na=False,
                skipinitialspace=True,
                index_col=False,
                on_bad_lines="skip",
            ),
        )
    uniques = pd.unique(cells.to_numpy(dtype=object).ravel()) if cells.size else []
    return guess_decimal(uniques)


def _parse_csv(
    info: InputFile, stream: IO[bytes], dialect: _Dialect, *, chunksize: int | None = None
) -> Any:
    """``pandas.read_csv`` with u4ssc's rules: text stays text, only blank cells are missing."""
    import pandas as pd

    if dialect.first_row_cells is not None and dialect.first_row_cells > len(dialect.header):
        _ragged(info, dialect, 2, dialect.first_row_cells)

    def read() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            return pd.read_csv(
                stream,
                encoding=dialect.encoding,
                names=dialect.header,
                header=0,
                sep=dialect.delimiter,
                decimal=dialect.decimal,
                dtype={n: str for n in dialect.header if canonical_key(n) in TEXT_COLUMNS},
                keep_default_na=False,
                na_values=[""],
                skipinitialspace=True,
                index_col=False,
                chunksize=chunksize,
            )

    return _parse_errors(info, dialect, read)


def _parse_errors(info: InputFile, dialect: _Dialect | None, read: Any) -> Any:
    """Run a pandas read, turning its parser errors into messages that say where and what."""
    import pandas as pd

    try:
        return read()
    except StopIteration:
        raise
    except pd.errors.ParserError as error:
        found = _PANDAS_LINE.search(str(error))
        if found is not None and dialect is not None:
            _ragged(info, dialect, int(found.group(2)), int(found.group(3)))
        text = str(error).replace("Error tokenizing data. C error: ", "")
        raise DataError(f"{info.name} cannot be read as CSV: {text.strip()}") from None
    except (ValueError, UnicodeDecodeError, pd.errors.ParserWarning) as error:
        raise DataError(f"{info.name} cannot be read as CSV: {error}") from None


def _ragged(info: InputFile, dialect: _Dialect, line: int, cells: int) -> None:
    raise DataError(
        f"{info.name}: line {line} (row {line - 1}) has {cells} cells but the header has "
        f"{len(dialect.header)}: remove the extra cells, or quote cells that contain "
        f"{dialect.delimiter!r}"
    )


# -- Excel ----------------------------------------------------------------------------------------


def _read_xlsx(info: InputFile, data: bytes, options: ReadOptions) -> pd.DataFrame:
    """The first sheet (or ``options.sheet``); empty rows are skipped, error cells stay text."""
    import pandas as pd

    has_formulas = _check_unpacked(info, data)
    book = _open_book(info, data, data_only=True)
    formulas = _open_book(info, data, data_only=False) if has_formulas else None
    try:
        if options.sheet is None and WORKBOOK_SHEET in book.sheetnames:
            found = _workbook_inputs(
                _xlsx_rows(info, book[WORKBOOK_SHEET], formulas, keep_empty=True)
            )
            if found is not None:
                info.sheet = WORKBOOK_SHEET
                info.cells = found.attrs.pop("cells")
                info.problems = _workbook_checks(data, found, info.cells)
                info.verification = _verifier_sheets(info, book)
                return found
        sheet = _sheet(info, book, options.sheet)
        info.sheet = sheet.title
        rows = _xlsx_rows(info, sheet, formulas)
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
    if not rows:
        raise DataError(f"{info.name}: sheet {info.sheet!r} is empty: it needs a header row")
    width = max(len(r) for r in rows)
    header = column_names([*rows[0], *[None] * (width - len(rows[0]))], info.name)
    body = [(*r, *[None] * (width - len(r))) for r in rows[1:]]
    columns = list(zip(*body, strict=True)) if body else [() for _ in header]
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object)
            for name, values in zip(header, columns, strict=True)
        }
    )


def _workbook_inputs(rows: list[tuple[Any, ...]]) -> pd.DataFrame | None:
    """The inputs sheet of a data-collection workbook as a long table (city, year, item, value
    and the carried columns); ``None`` when the sheet has no id and value header row."""
    import pandas as pd

    width = max((len(r) for r in rows), default=0)
    grid = [(*r, *[None] * (width - len(r))) for r in rows]
    labels = [[c.strip().lower() if isinstance(c, str) else "" for c in r] for r in grid]
    header = next(
        (
            i
            for i, row in enumerate(labels[:_WORKBOOK_HEADER_ROWS])
            if {WORKBOOK_ID, WORKBOOK_VALUE} <= set(row)
        ),
        None,
    )
    if header is None:
        return None
    heads = labels[header]
    keys = {
        labels[r][0]: grid[r][1]
        for r in range(header)
        if width > 1 and labels[r][0] in (WORKBOOK_CITY, WORKBOOK_YEAR)
    }
    from openpyxl.utils import get_column_letter

    at = heads.index(WORKBOOK_ID)
    lines = [
        i
        for i in range(header + 1, len(grid))
        if isinstance(grid[i][at], str) and grid[i][at].strip()
    ]
    body = [grid[i] for i in lines]
    table: dict[str, list[Any]] = {
        "city": [keys.get(WORKBOOK_CITY)] * len(body),
        "year": [keys.get(WORKBOOK_YEAR)] * len(body),
        "item": [r[at].strip() for r in body],
        # Text as text: the workbook's formulas do not count a number typed as text.
        "value": [_as_typed(r[heads.index(WORKBOOK_VALUE)]) for r in body],
    }
    # The sheet's own cells (rows count from 1), for messages: the key cells for city and year.
    key_cell = {
        labels[r][0]: f"{WORKBOOK_SHEET}!B{r + 1}"
        for r in range(header)
        if labels[r][0] in (WORKBOOK_CITY, WORKBOOK_YEAR)
    }
    cells = {
        "city": [key_cell.get(WORKBOOK_CITY, "")] * len(body),
        "year": [key_cell.get(WORKBOOK_YEAR, "")] * len(body),
    }
    for head, column in {WORKBOOK_VALUE: "value", **WORKBOOK_EXTRAS}.items():
        if head in heads:
            table.setdefault(column, [r[heads.index(head)] for r in body])
            letter = get_column_letter(heads.index(head) + 1)
            cells[column] = [f"{WORKBOOK_SHEET}!{letter}{i + 1}" for i in lines]
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in table.items()})
    frame.attrs["cells"] = cells
    return frame


def _as_typed(value: object) -> object:
    return ExcelText(value) if type(value) is str else value


def _verifier_sheets(info: InputFile, book: Any) -> VerifierSheets | None:
    """The Verification and Questions sheets of a data-collection workbook, as typed."""
    if VERIFICATION_SHEET not in book.sheetnames:
        return None

    def table(sheet: str, headers: dict[str, str]) -> list[Any]:
        if sheet not in book.sheetnames:
            return []
        found = sheet_table(_xlsx_rows(info, book[sheet], keep_empty=True), sheet, headers)
        if found is None:
            info.problems.append(
                InputProblem(
                    None,
                    None,
                    None,
                    "verification",
                    f"sheet {sheet!r} has no header row with the columns "
                    f"{', '.join(map(repr, headers.values()))}, so nothing on it is read: copy "
                    "the header row from a fresh u4ssc template",
                    severity="warning",
                    cell=f"{sheet}!A1",
                )
            )
        return found or []

    return VerifierSheets(
        table(VERIFICATION_SHEET, VERIFICATION_HEADERS), table(QUESTIONS_SHEET, QUESTION_HEADERS)
    )


def percent_format(number_format: object) -> bool:
    """Whether a cell's number format shows its number as a percentage (``0.0%``, not ``"%"``
    in quotes): such a cell holding 0.97 shows, and means, 97 %."""
    text = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", str(number_format or ""))
    return "%" in text


def _workbook_checks(
    data: bytes, found: pd.DataFrame, cells: dict[str, list[str]]
) -> list[InputProblem]:
    """What the cells' values alone do not tell, read from the workbook's formulas and formats:
    a number in a %-formatted value cell is read as what it shows (0.97 as 97, in ``found``),
    and each replaced KPIs formula is reported (:func:`_replaced_formulas`)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        _percent_cells(book[WORKBOOK_SHEET], found, cells.get("value", []))
        return _replaced_formulas(book, found, cells)
    finally:
        book.close()


def _percent_cells(sheet: Any, found: pd.DataFrame, value_cells: list[str]) -> None:
    """Scale the numbers of %-formatted value cells by 100, in place."""
    import pandas as pd
    from openpyxl.utils import coordinate_to_tuple

    where = [coordinate_to_tuple(c.split("!", 1)[1]) for c in value_cells]
    if not where:
        return
    column = where[0][1]
    shown = set()
    for line in sheet.iter_rows(min_col=column, max_col=column):
        for cell in line:
            value = getattr(cell, "value", None)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if number and percent_format(getattr(cell, "number_format", None)):
                shown.add(cell.row)
    values = found["value"].to_numpy(dtype=object, copy=True)
    for i, (row, _) in enumerate(where):
        value = values[i]
        if row in shown and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[i] = value * 100
    found["value"] = pd.Series(values, dtype=object)


def _replaced_formulas(
    book: Any, found: pd.DataFrame, cells: dict[str, list[str]]
) -> list[InputProblem]:
    """A warning for each formula the template wrote (fingerprints on the Lookup sheet) that is
    no longer there: a value or ``NR`` typed over a KPI, which the workbook would then show
    instead of what it computes from the inputs."""
    from openpyxl.utils import coordinate_to_tuple

    if WORKBOOK_LOOKUP not in book.sheetnames:
        return []
    rows = list(book[WORKBOOK_LOOKUP].iter_rows(values_only=True))
    head = [str(c).strip().lower() if c is not None else "" for c in (rows[0] if rows else ())]
    if not set(WORKBOOK_FORMULAS) <= set(head):
        return []
    at, fp = (head.index(h) for h in WORKBOOK_FORMULAS)
    wanted: dict[str, dict[tuple[int, int], str]] = {}
    for r in rows[1:]:
        if len(r) > max(at, fp) and isinstance(r[at], str) and "!" in r[at]:
            sheet, cell = r[at].rsplit("!", 1)
            wanted.setdefault(sheet.strip("'"), {})[coordinate_to_tuple(cell)] = str(r[fp])
    final = dict(zip(found["item"], cells.get("value", []), strict=False))
    problems = []
    for sheet, prints in wanted.items():
        if sheet not in book.sheetnames:
            continue
        grid = list(book[sheet].iter_rows(values_only=True))
        for (row, column), expected in sorted(prints.items()):
            line = grid[row - 1] if row <= len(grid) else ()
            got = line[column - 1] if column <= len(line) else None
            if formula_fingerprint(got) == expected:
                continue
            kpi = line[0] if line else None
            where = final.get(str(kpi), "the final-values section of the Inputs sheet")
            problems.append(
                InputProblem(
                    None,
                    None,
                    None if got is None else str(got),
                    "formula",
                    f"the workbook's formula here was replaced by {got!r}, so the workbook "
                    f"shows that for {kpi} instead of what its inputs give; u4ssc scores the "
                    f"inputs. Type a city's own final value in {where} instead, and restore "
                    "the formula (copy it from a fresh u4ssc template)",
                    severity="warning",
                    cell=f"{sheet}!{_cell_name(row, column)}",
                )
            )
    return problems


def _cell_name(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _sheet(info: InputFile, book: Any, sheet: str | int | None) -> Any:
    names = list(book.sheetnames)
    if sheet is None:
        return book[names[0]]
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return book[names[sheet]]
    if isinstance(sheet, str) and sheet in names:
        return book[sheet]
    text = str(sheet).strip()
    if isinstance(sheet, str) and text.isdigit() and 1 <= int(text) <= len(names):
        return book[names[int(text) - 1]]
    raise DataError(
        f"{info.name} has no sheet {sheet!r}: give a name or a number from 1 to {len(names)} "
        f"(sheets: {', '.join(names)})"
    )


def _open_book(info: InputFile, data: bytes, *, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise DataError(
            f"cannot read {info.name} as an Excel workbook (.xlsx): {error or type(error).__name__}"
        ) from None


def _limit(variable: str, default: int) -> int:
    """A limit, from its environment variable when that holds a positive whole number."""
    given = os.environ.get(variable, "").strip().replace("_", "")
    return int(given) if given.isdigit() and int(given) > 0 else default


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _check_unpacked(info: InputFile, data: bytes) -> bool:
    """Refuse a workbook whose parts unpack to more than the limit, before anything is unpacked
    (the zip's declared sizes are checked here; Python's zip reader never unpacks a part beyond
    its declared size, so a lying size makes the part unreadable, not larger). Return whether a
    sheet holds formulas."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return False  # openpyxl says what the file is not
    with archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        limit = _limit("U4SSC_MAX_XLSX_MB", MAX_XLSX_UNPACKED >> 20)
        if unpacked > limit << 20:
            raise DataError(
                f"{info.name} unpacks to {unpacked / (1 << 20):,.0f} MB, over the limit of "
                f"{limit:,} MB for an Excel workbook: save the sheet as CSV (read in chunks, "
                "of any size), or raise the limit with the environment variable "
                "U4SSC_MAX_XLSX_MB"
            )
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and _holds_formula(archive, part):
                return True
    return False


def _holds_formula(archive: Any, part: Any) -> bool:
    try:
        with archive.open(part) as stream:
            tail = b""
            while block := stream.read(_BLOCK):
                if _FORMULA.search(tail + block):
                    return True
                tail = block[-16:]
    except Exception:  # a damaged part: openpyxl says so
        return False
    return False


def _xlsx_rows(
    info: InputFile, sheet: Any, formulas: Any = None, *, keep_empty: bool = False
) -> list[tuple[Any, ...]]:
    """The rows of a sheet as Excel last calculated them; a formula cell without a saved result
    becomes an :class:`~.values.UnsavedFormula` (``formulas``: the workbook read for formulas,
    when some sheet holds any). At most ``U4SSC_MAX_XLSX_CELLS`` cells are read."""
    limit = _limit("U4SSC_MAX_XLSX_CELLS", MAX_XLSX_CELLS)
    cells = 0
    rows = []
    try:
        texts = formulas[sheet.title].iter_rows(values_only=True) if formulas is not None else None
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            cells += len(row)
            if cells > limit:
                raise DataError(
                    f"sheet {sheet.title!r} of {info.name} has more than {limit:,} cells, the "
                    "limit for an Excel sheet: save it as CSV (read in chunks, of any size), "
                    "or raise the limit with the environment variable U4SSC_MAX_XLSX_CELLS"
                )
            if texts is not None:
                row = _saved(sheet.title, r, row, next(texts, ()))
            if keep_empty or any(cell is not None and cell != "" for cell in row):
                rows.append(_trimmed(row))
    except DataError:
        raise
    except Exception as error:  # a damaged sheet part
        raise DataError(f"cannot read sheet {sheet.title!r} of {info.name}: {error}") from None
    return rows


def _saved(title: str, r: int, row: tuple[Any, ...], texts: tuple[Any, ...]) -> tuple[Any, ...]:
    """``row`` with each formula cell that has no saved result marked as such."""
    from openpyxl.utils import get_column_letter

    if not any(cell is None for cell in row):
        return row
    found = list(row)
    for c, (cell, text) in enumerate(zip(row, texts, strict=False)):
        if cell is None and text is not None and (not isinstance(text, str) or text[:1] == "="):
            formula = text if isinstance(text, str) else str(getattr(text, "text", "") or text)
            found[c] = UnsavedFormula(title, f"{get_column_letter(c + 1)}{r + 1}", formula)
    return tuple(found)


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


# -- Parquet --------------------------------------------------------------------------------------


def _read_parquet(info: InputFile, data: bytes, options: ReadOptions) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(io.BytesIO(data)).read()
    except (pa.ArrowException, OSError, ValueError) as error:
        raise DataError(f"cannot read {info.name} as a Parquet file: {error}") from None
    return _parquet_frame(info, table, column_names(table.column_names, info.name))


def _parquet_frame(info: InputFile, table: Any, names: list[str]) -> pd.DataFrame:
    """The raw cells of a Parquet table (or of one chunk of its rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        frame: pd.DataFrame = table.rename_columns(names).to_pandas()
    except (pa.ArrowException, ValueError, TypeError) as error:  # pragma: no cover - exotic types
        raise DataError(f"{info.name}: cannot convert the Parquet columns: {error}") from None
    for name, column in zip(names, table.columns, strict=True):
        if pa.types.is_floating(column.type):  # a NaN (not a null) is said, as typed NaN is
            nan = pc.fill_null(pc.is_nan(column), False).to_numpy(zero_copy_only=False)
            if nan.any():
                cells = frame[name].to_numpy(dtype=object)
                cells[nan] = "NaN"
                frame[name] = cells
    return frame


def parquet_chunks(
    path: str | os.PathLike[str],
    chunk_rows: int,
    options: ReadOptions | None = None,
    *,
    name: str | None = None,
) -> tuple[InputFile, Iterator[pd.DataFrame], IO[bytes]]:
    """Read a Parquet file in chunks of ``chunk_rows`` rows, with memory bounded by the chunk;
    the cells are those :func:`read_input` reads (the file is hashed in one streaming pass
    first). Returns as :func:`csv_chunks` does."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    info = _open_info(path, name)
    if info.format != "parquet":
        raise DataError(f"{info.name}: not a Parquet file")
    digest = hashlib.sha256()
    info.size = 0
    for block in _blocks(path):
        digest.update(block)
        info.size += len(block)
    info.sha256 = digest.hexdigest()
    raw = path.open("rb")
    try:
        parquet = pq.ParquetFile(raw)
    except (pa.ArrowException, OSError, ValueError) as error:
        raw.close()
        raise DataError(f"cannot read {info.name} as a Parquet file: {error}") from None
    names = column_names(parquet.schema_arrow.names, info.name)

    def chunks() -> Iterator[pd.DataFrame]:
        with raw:
            batches = parquet.iter_batches(batch_size=chunk_rows)
            while True:
                try:
                    batch = next(batches)
                except StopIteration:
                    return
                except (pa.ArrowException, OSError, ValueError) as error:
                    raise DataError(f"cannot read {info.name} as a Parquet file: {error}") from None
                table = pa.Table.from_batches([batch])
                yield _clean_columns(_parquet_frame(info, table, names))

    return info, chunks(), raw


# -- JSON -----------------------------------------------------------------------------------------


def _read_json(info: InputFile, data: bytes, options: ReadOptions) -> pd.DataFrame:
    """A list of row objects, an object of equally long column lists, or ``{"rows": [...]}``."""
    import pandas as pd

    encoding = _encoding(info, data[:_SNIFF_BYTES], options.encoding, lambda: [data])
    info.encoding = encoding
    try:
        parsed = json.loads(
            _decode(info, data, encoding), object_pairs_hook=_unique_keys, parse_constant=_constant
        )
    except json.JSONDecodeError as error:
        raise DataError(
            f"{info.name} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}"
        ) from None
    except _DuplicateKey as error:
        raise DataError(
            f"{info.name}: the key {error.args[0]!r} appears twice in one object: keep one"
        ) from None
    if isinstance(parsed, dict) and "rows" in parsed:
        parsed = parsed["rows"]
    if isinstance(parsed, list):
        return _json_rows(info, parsed)
    if isinstance(parsed, dict) and all(isinstance(v, list) for v in parsed.values()):
        lengths = {len(v) for v in parsed.values()}
        if len(lengths) > 1:
            raise DataError(
                f"{info.name}: the columns have different lengths ({sorted(lengths)}): "
                "give every column one value per row"
            )
        names = column_names(list(parsed), info.name)
        return pd.DataFrame(
            {n: pd.Series(v, dtype=object) for n, v in zip(names, parsed.values(), strict=True)}
        )
    raise DataError(
        f"{info.name}: expected a list of row objects, an object of column lists, "
        'or {"rows": [...]}'
    )


def _constant(name: str) -> object:
    """JSON's non-standard ``NaN`` stays the text NaN, so the cell parser warns about it."""
    return "NaN" if name == "NaN" else float(name)


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def _json_rows(info: InputFile, rows: list[Any]) -> pd.DataFrame:
    import pandas as pd

    if not rows:
        raise DataError(f"{info.name} holds no rows: give one object per city and year")
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise DataError(
                f"{info.name}: row {i + 1} is {type(row).__name__} {json.dumps(row)[:40]}, not "
                'an object of column: value (e.g. {"city": "Aster", "year": 2024, ...})'
            )
    keys = list(dict.fromkeys(k for row in rows for k in row))
    names = column_names(keys, info.name)
    return pd.DataFrame(
        {
            name: pd.Series([row.get(key) for row in rows], dtype=object)
            for name, key in zip(names, keys, strict=True)
        }
    )
