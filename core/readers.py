"""Reading input files into a table of raw cells.

Readers never interpret text cells: "NR", "N/A", "97,5 %" reach :mod:`.values`, the one place
that parses numbers. Columns that are clean numbers already are read as numbers.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "WORKBOOK_CITY",
    "WORKBOOK_EXTRAS",
    "WORKBOOK_ID",
    "WORKBOOK_SHEET",
    "WORKBOOK_VALUE",
    "WORKBOOK_YEAR",
    "decode_file",
    "read_table",
]

_SNIFF_BYTES = 65536

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


def read_table(
    path: Path, *, sheet: str | int | None = None, encoding: str | None = None
) -> pd.DataFrame:
    """Read a CSV, Excel (.xlsx), Parquet or JSON file.

    :raises DataError: the file is missing, empty, or not readable as a table.
    """
    if not path.is_file():
        raise DataError(f"input file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            return _read_csv(path, encoding)
        if suffix in (".xlsx", ".xlsm"):
            return _read_excel(path, sheet)
        if suffix == ".parquet":
            import pandas as pd

            return pd.read_parquet(path)
        if suffix == ".json":
            return _read_json(path, encoding)
    except DataError:
        raise
    except (ValueError, OSError, ImportError, json.JSONDecodeError) as error:
        raise DataError(f"cannot read {path.name}: {error}") from error
    raise DataError(
        f"cannot read {path.name}: unknown file type {suffix!r}; use .csv, .xlsx, .parquet or .json"
    )


def decode_file(path: Path, encoding: str | None) -> tuple[str, str]:
    """Return the text and the encoding: UTF-8 (with or without BOM), else Latin-1."""
    data = path.read_bytes()
    if encoding is not None:
        return data.decode(encoding), encoding
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _read_csv(path: Path, encoding: str | None) -> pd.DataFrame:
    import io

    import pandas as pd

    text, _ = decode_file(path, encoding)
    if not text.strip():
        raise DataError(f"{path.name} is empty: it needs a header row and one row per city")
    try:
        dialect = csv.Sniffer().sniff(text[:_SNIFF_BYTES], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=None,
        keep_default_na=False,
        na_values=[""],
        skipinitialspace=True,
    )


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read a sheet (the first by default); a data-collection workbook's inputs when it is one."""
    import pandas as pd

    with pd.ExcelFile(path) as book:
        if sheet is None and WORKBOOK_SHEET in book.sheet_names:
            found = _workbook_inputs(_read_sheet(book, WORKBOOK_SHEET, header=None))
            if found is not None:
                return found
        return _read_sheet(book, sheet if sheet is not None else 0, header=0)


def _read_sheet(book: pd.ExcelFile, sheet: str | int, header: int | None) -> pd.DataFrame:
    """One sheet, text cells as typed: pandas would read "N/A", "NA" or "null" as missing, but
    to u4ssc "N/A" means not applicable (as in the CSV reader)."""
    import pandas as pd

    return pd.read_excel(
        book, sheet_name=sheet, header=header, dtype=object, keep_default_na=False, na_values=[""]
    )


def _workbook_inputs(raw: pd.DataFrame) -> pd.DataFrame | None:
    """The inputs sheet of a data-collection workbook as a long table (city, year, item, value
    and the carried columns); ``None`` when the sheet has no id and value header row."""
    import pandas as pd

    labels = raw.map(lambda cell: str(cell).strip().lower() if isinstance(cell, str) else "")
    header = next(
        (
            r
            for r in range(min(len(raw), _WORKBOOK_HEADER_ROWS))
            if {WORKBOOK_ID, WORKBOOK_VALUE} <= set(labels.iloc[r])
        ),
        None,
    )
    if header is None:
        return None
    heads = list(labels.iloc[header])
    keys = {
        labels.iat[r, 0]: raw.iat[r, 1]
        for r in range(header)
        if raw.shape[1] > 1 and labels.iat[r, 0] in (WORKBOOK_CITY, WORKBOOK_YEAR)
    }
    body = raw.iloc[header + 1 :]
    ids = body.iloc[:, heads.index(WORKBOOK_ID)]
    named = ids.map(lambda cell: isinstance(cell, str) and cell.strip() != "")
    body = body[named.to_numpy(dtype=bool)]
    table = {
        "city": keys.get(WORKBOOK_CITY),
        "year": keys.get(WORKBOOK_YEAR),
        "item": body.iloc[:, heads.index(WORKBOOK_ID)].str.strip(),
        "value": body.iloc[:, heads.index(WORKBOOK_VALUE)],
    }
    for head, column in WORKBOOK_EXTRAS.items():
        if head in heads:
            table[column] = body.iloc[:, heads.index(head)]
    return pd.DataFrame(table).reset_index(drop=True).astype(object)


def _read_json(path: Path, encoding: str | None) -> pd.DataFrame:
    import pandas as pd

    text, _ = decode_file(path, encoding)
    data = json.loads(text)
    if isinstance(data, dict) and "rows" in data:
        data = data["rows"]
    if isinstance(data, list):
        return pd.DataFrame.from_records(data).astype(object)
    if isinstance(data, dict):
        return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})
    raise DataError(f"{path.name}: expected a list of rows or an object of columns")
