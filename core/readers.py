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

__all__ = ["decode_file", "read_table"]

_SNIFF_BYTES = 65536


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
    import pandas as pd

    return pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)


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
