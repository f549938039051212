"""Fuzzing every reader through ``u4ssc score``: random cells and files never raise a traceback,
never lose a row, and always end with a documented exit code.

Each reader gets tables of random cells (wrong types, huge and tiny numbers, NaN and infinity as
text, unicode, spreadsheet errors), random headers (duplicated, missing, blank) and random row
lengths. When the run succeeds, every input row with a city must be in the output, once per
scored value; when the file cannot be read, the exit code must say so (4).
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections import Counter
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from u4ssc import cli as cli_module
from u4ssc.cli import cli

#: Exit codes documented in docs/cli.md.
DOCUMENTED = {0, 1, 2, 3, 4, 5}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NAME = st.sampled_from(
    [
        "city",
        "year",
        "households",
        "households_online",
        "crimes",
        "population",
        "no2",
        "plan",
        "T: T: T: 1C",
        "",
        "City",
        "ünïcödé",
        "x",
    ]
)
#: Headers: usually with a city column first, sometimes without one or with it twice.
HEADER = st.one_of(
    st.lists(NAME, max_size=5), st.lists(NAME, max_size=4).map(lambda h: ["city", *h])
)
TYPED = [
    "",
    "NR",
    "N/A",
    "n/a: closed",
    "#DIV/0!",
    "#N/A",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "1e400",
    "1e-400",
    "-0",
    "97,5 %",
    "1 234,5",
    "1.234,5",
    "1,234.5",
    "12 ppb",
    "yes",
    "TRUE",
    "—",
    "2024",
    "  3  ",
    "0x1F",
]
#: Text without the characters that delimit CSV cells and rows (those go in the raw-file test).
PLAIN = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=',;|"\t\r\n'),
    max_size=8,
)
TEXT = st.one_of(
    st.sampled_from(TYPED),
    PLAIN,
    st.floats().map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


@pytest.fixture
def score(monkeypatch, toy_engine_cls):
    """Run ``u4ssc score FILE -o out.json`` on the toy engine; return (exit code, output rows)."""
    monkeypatch.setattr(cli_module.Context, "engine", property(lambda self: toy_engine_cls))
    runner = CliRunner()
    outputs = len(toy_engine_cls.outputs)

    def invoke(path: Path, expected: Counter[str]) -> int:
        out = path.with_name("out.json")
        result = runner.invoke(cli, ["score", str(path), "-o", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        assert result.exit_code in DOCUMENTED
        assert result.exit_code in (0, 4), result.output  # not strict: only unreadable fails
        event(f"exit code {result.exit_code}")
        if result.exit_code == 0:
            rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
            found = Counter(r["city"] for r in rows)
            for city, count in expected.items():
                assert found[city] == count * outputs, (city, found)
        else:
            assert result.output.startswith("Error: ")
        return result.exit_code

    return invoke


def cities(header: list[object], rows: list[list[object]]) -> Counter[str]:
    """Input rows per (stripped) city name, for a header with exactly one ``city`` column."""
    names = [str(h).strip() if h is not None else "" for h in header]
    if names.count("city") != 1:
        return Counter()
    at = names.index("city")
    found = [str(r[at]).strip() for r in rows if at < len(r) and r[at] is not None]
    return Counter(c for c in found if c)


# -- CSV ------------------------------------------------------------------------------------------


@FUZZ
@given(
    header=HEADER,
    rows=st.lists(st.lists(TEXT, min_size=0, max_size=6), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_csv_reader(score, header, rows, encoding):
    text = "\n".join(",".join(row) for row in [header, *rows]) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        decoded = path.read_bytes().decode(encoding)
        expected = cities(header, [r for r in rows if len(r) <= len(header)])
        if decoded != text:  # latin-1 could not hold a character: it became "?"
            expected = Counter()
        score(path, expected)


@FUZZ
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_csv_reader_on_raw_files(score, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(data)
        score(path, Counter())


# -- Excel ----------------------------------------------------------------------------------------

XLSX_CELLS = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
)


@FUZZ
@given(
    header=st.one_of(HEADER, st.lists(st.one_of(st.none(), NAME, st.integers(0, 9)), max_size=5)),
    rows=st.lists(st.lists(XLSX_CELLS, max_size=6), max_size=6),
)
def test_xlsx_reader(score, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    non_empty = [r for r in rows if any(c is not None and c != "" for c in r)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.xlsx"
        book.save(path)
        named = [r for r in non_empty if not r or isinstance(r[0], (str, type(None)))]
        expected = cities(header, named) if len(named) == len(non_empty) else Counter()
        if header and header[0] is None and all(h is None for h in header):
            expected = Counter()  # the first non-empty row becomes the header
        score(path, expected)


# -- Parquet --------------------------------------------------------------------------------------

COLUMN = st.integers(0, 5).flatmap(
    lambda n: st.one_of(
        st.lists(st.one_of(st.none(), TEXT), min_size=n, max_size=n).map(pa.array),
        st.lists(st.floats(), min_size=n, max_size=n).map(pa.array),
        st.lists(
            st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), min_size=n, max_size=n
        ).map(lambda v: pa.array(v, type=pa.int64())),
        st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n).map(
            lambda v: pa.array(v, type=pa.bool_())
        ),
        st.lists(st.one_of(st.none(), st.dates()), min_size=n, max_size=n).map(pa.array),
    )
)


@FUZZ
@given(columns=HEADER.flatmap(lambda h: st.tuples(*[st.tuples(st.just(n), COLUMN) for n in h])))
def test_parquet_reader(score, columns):
    length = min((len(c) for _, c in columns), default=0)
    names = [n for n, _ in columns]
    arrays = [c.slice(0, length) for _, c in columns]
    table = pa.table(arrays, names=names) if columns else pa.table({})
    rows = [[a[i].as_py() for a in arrays] for i in range(length)]
    text_city = all(
        str(a.type) == "string" for n, a in zip(names, arrays, strict=True) if n.strip() == "city"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.parquet"
        pq.write_table(table, path)
        score(path, cities(names, rows) if text_city else Counter())


# -- JSON -----------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        TEXT,
        st.integers(-(10**400), 10**400),
        st.floats(),
    ),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(PLAIN, inner, max_size=2),
    max_leaves=4,
)


#: A row: usually with a city (of any JSON type), and random other keys (a "city" among them
#: replaces the first one).
JSON_ROW = st.tuples(
    st.one_of(st.none(), TEXT, JSON_VALUES, st.just(None).map(lambda _: ...)),
    st.dictionaries(NAME, JSON_VALUES, max_size=4),
).map(lambda pair: {**({} if pair[0] is ... else {"city": pair[0]}), **pair[1]})


@FUZZ
@given(
    rows=st.lists(JSON_ROW, max_size=6),
    shape=st.sampled_from(["rows", "wrapped", "columns"]),
)
def test_json_reader(score, rows, shape):
    keys = list(dict.fromkeys(k for r in rows for k in r))
    payload: object = rows
    if shape == "wrapped":
        payload = {"rows": rows}
    elif shape == "columns":
        payload = {k: [r.get(k) for r in rows] for k in keys}
    text_city = all(isinstance(r.get("city"), (str, type(None))) for r in rows)
    expected = cities(keys, [[r.get(k) for k in keys] for r in rows]) if text_city else Counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        score(path, expected)


@FUZZ
@given(text=st.text(max_size=60))
def test_json_reader_on_raw_text(score, text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(text, encoding="utf-8")
        score(path, Counter())
