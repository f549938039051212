"""The ``u4ssc`` command line, a thin layer over :class:`u4ssc.core.Engine`.

Start-up stays fast: this module imports click only. The engine, numpy and pandas are imported by
the commands that need them, never by ``u4ssc --help``.

Exit codes (docs/cli.md): 0 success; 1 invalid input (``validate`` found errors, or ``--strict``);
2 usage error or unknown KPI code; 3 plugin or indicator-graph error; 4 unreadable input file;
5 the output cannot be written.
"""

from __future__ import annotations

import contextlib
import functools
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

# Roll-up levels, as in u4ssc.core.scoring (not imported: it would load numpy for --help).
LEVELS = ("category", "subdimension", "dimension", "overall")

if TYPE_CHECKING:
    from u4ssc.core import Engine, U4SSCError

T = TypeVar("T")


class U4SSCClickError(click.ClickException):
    """A u4ssc error shown as one short message, with the error's own exit code."""

    def __init__(self, error: U4SSCError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


def _fail(error: Exception) -> U4SSCClickError:
    return U4SSCClickError(error)  # type: ignore[arg-type]


class Context:
    """What every command shares: the options of the group and the engine, built on first use."""

    def __init__(self, plugins_dirs: Sequence[Path], indicator_tables: Sequence[Path] = ()) -> None:
        self.plugins_dirs = list(plugins_dirs)
        self.indicator_tables = list(indicator_tables)
        self._engine: Engine | None = None

    def add_plugins_dirs(self, directories: Iterable[Path]) -> None:
        """Load the plugin files of these directories too (a command's own ``--plugins-dir``)."""
        assert self._engine is None, "plugin directories must be added before the engine is built"
        self.plugins_dirs += directories

    def add_tables(self, tables: Iterable[Path]) -> None:
        """Load these indicator tables too (a command's own ``--indicators``)."""
        assert self._engine is None, "indicator tables must be added before the engine is built"
        self.indicator_tables += tables

    @property
    def engine(self) -> Engine:
        """The engine, built once; plugin and graph errors become short CLI messages."""
        if self._engine is None:
            from u4ssc.core import Engine, U4SSCError

            try:
                self._engine = Engine.load(
                    plugins_dirs=self.plugins_dirs, indicator_tables=self.indicator_tables
                )
            except U4SSCError as error:
                raise _fail(error) from error
            for warning in self._engine.warnings:
                click.echo(f"warning: {warning}", err=True)
        return self._engine


pass_context = click.make_pass_decorator(Context)

INDICATORS = click.option(
    "--indicators",
    "indicator_tables",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Load an indicator table: a CSV file, or an Excel workbook (book.xlsx#Sheet for a "
    "sheet other than the first), one local indicator per row. Repeatable. "
    "Also read from U4SSC_INDICATORS.",
)

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


class FiniteRange(click.FloatRange):
    """A number in a range, refusing ``nan`` and infinity (which a range check lets through:
    every comparison with nan is false)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            low, high = self.min, self.max
            span = f"from {low:g} to {high:g}" if high is not None else f"of {low:g} or more"
            self.fail(f"{value!r} is not a finite number: give a number {span}", param, ctx)
        return super().convert(number, param, ctx)


#: --peer-targets [FILE], --peer-percentile, --peer-min: opt-in peer targets (docs/scoring.md).
PEER_OPTIONS = (
    click.option(
        "--peer-targets",
        "peer_file",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="[FILE]",
        help="Give each value without a target a peer target: a percentile of the latest values "
        "of the cities in the input, or in FILE (a file of peer cities). Put it after INPUT "
        "when it has no FILE.",
    ),
    click.option(
        "--peer-percentile",
        type=FiniteRange(50, 100),
        default=None,
        help="The peers' percentile that is 100 %% of target for higher-is-better values; "
        "lower-is-better use 100 minus it. Default 90.",
    ),
    click.option(
        "--peer-min",
        type=click.IntRange(min=2),
        default=None,
        help="How many distinct cities must report a value for it to get a peer target. "
        "Default 10.",
    ),
)


def peer_options(func: Any) -> Any:
    """The peer-target options, handed to the command as one ``peers`` (a PeerRule or None)."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        kwargs["peers"] = _peer_rule(
            kwargs.pop("peer_file"), kwargs.pop("peer_percentile"), kwargs.pop("peer_min")
        )
        return func(*args, **kwargs)

    for option in reversed(PEER_OPTIONS):
        command = option(command)
    return command


def _peer_rule(file: str | None, percentile: float | None, minimum: int | None) -> Any:
    if file is None:
        if percentile is not None or minimum is not None:
            raise click.UsageError("--peer-percentile and --peer-min need --peer-targets")
        return None
    from u4ssc.core.peers import PeerRule

    chosen: dict[str, Any] = {"file": Path(file) if file else None}
    if percentile is not None:
        chosen["percentile"] = percentile
    if minimum is not None:
        chosen["min_peers"] = minimum
    return PeerRule(**chosen)


PLUGINS_DIR_HELP = (
    "Load one-off plugin files (*.py) from this directory. Repeatable. "
    "Also read from U4SSC_PLUGINS_DIR."
)
PLUGINS_DIR_TYPE = click.Path(exists=True, file_okay=False, path_type=Path)


def _add_plugins_dirs(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> None:
    if value:
        ctx.find_object(Context).add_plugins_dirs(value)  # type: ignore[union-attr]


#: ``--plugins-dir`` after a command that loads plugins, the same as before the command.
PLUGINS_DIR = click.option(
    "--plugins-dir",
    multiple=True,
    type=PLUGINS_DIR_TYPE,
    expose_value=False,
    callback=_add_plugins_dirs,
    help=PLUGINS_DIR_HELP,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="u4ssc", prog_name="u4ssc")
@click.option(
    "--plugins-dir", "plugins_dirs", multiple=True, type=PLUGINS_DIR_TYPE, help=PLUGINS_DIR_HELP
)
@INDICATORS
@click.pass_context
def cli(
    ctx: click.Context, plugins_dirs: tuple[Path, ...], indicator_tables: tuple[Path, ...]
) -> None:
    """Compute, validate and benchmark the U4SSC KPIs for smart sustainable cities.

    Plugins are loaded from the u4ssc entry-point group (the three U4SSC dimensions and any city
    package), from --plugins-dir and U4SSC_PLUGINS_DIR, and from indicator tables given with
    --indicators or U4SSC_INDICATORS; U4SSC_BLOCK_PLUGINS=a,b skips plugins.
    """
    ctx.obj = Context(plugins_dirs, indicator_tables)


# -- listings -------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@PLUGINS_DIR
@pass_context
def plugins(context: Context, fmt: str) -> None:
    """List the loaded plugins, their versions and what each registered."""
    rows = [
        {
            "name": p.name,
            "version": p.version,
            "origin": p.origin,
            "hooks": p.hooks,
            **{k.replace(" ", "_"): v for k, v in p.registered.items()},
            "replaces": p.replaces,
        }
        for p in context.engine.plugins
    ]
    if fmt == "json":
        click.echo(_json(rows, indent=2))
        return
    table = [
        {
            "plugin": r["name"],
            "version": r["version"],
            "data items": r["data_items"],
            "indicators": r["indicators"],
            "checks": r["checks"],
            "replaces": ", ".join(r["replaces"]),
            "from": r["origin"],
        }
        for r in rows
    ]
    click.echo(_table(table))


@cli.command()
@FORMAT
@PLUGINS_DIR
@click.option("--dimension", help="Only this dimension (name or code: Economy, EC, ...).")
@click.option("--tier", type=click.Choice(["core", "advanced"]), help="Only core or advanced KPIs.")
@click.option("--category", help="Only this category (case-insensitive).")
@click.option("--search", help="Only KPIs whose code, name, unit or definition contains TEXT.")
@pass_context
def indicators(
    context: Context,
    fmt: str,
    dimension: str | None,
    tier: str | None,
    category: str | None,
    search: str | None,
) -> None:
    """List the KPIs with their metadata, data points and inputs."""
    from u4ssc.core.listing import indicator_rows

    rows = indicator_rows(
        context.engine, dimension=dimension, tier=tier, category=category, search=search
    )
    _emit(
        rows,
        fmt,
        table_columns=("code", "name", "tier", "unit", "direction", "plugin"),
    )


@cli.command()
@FORMAT
@PLUGINS_DIR
@pass_context
def inputs(context: Context, fmt: str) -> None:
    """List the raw data items a city reports, with units, bounds and descriptions."""
    from u4ssc.core.listing import input_rows

    _emit(
        input_rows(context.engine),
        fmt,
        table_columns=("name", "title", "unit", "kind", "used_by", "plugin"),
    )


@cli.command()
@click.argument("code")
@PLUGINS_DIR
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of targets laid over the default set (as for 'score').",
)
@peer_options
@pass_context
def explain(context: Context, code: str, targets_path: Path | None, peers: Any) -> None:
    """Explain one KPI: definition, formula, inputs, the tree of what it needs, metadata, and
    its benchmark (with --peer-targets FILE, the peer target FILE's cities give it)."""
    from u4ssc.core import U4SSCError
    from u4ssc.core.listing import explain_text

    if peers is not None and peers.file is None:
        raise click.UsageError("explain scores no input: give the peers' file, --peer-targets FILE")
    try:
        engine = context.engine
        found = None if peers is None else engine.peer_targets(peers)
        click.echo(explain_text(engine, code, targets=engine.targets(targets_path), peers=found))
    except U4SSCError as error:
        raise _fail(error) from error


@cli.command()
@click.argument("code", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "mermaid", "json"]),
    default="dot",
    show_default=True,
    help="Graphviz DOT, Mermaid flowchart, or JSON nodes and edges.",
)
@PLUGINS_DIR
@pass_context
def graph(context: Context, code: str | None, fmt: str) -> None:
    """Print the dependency graph of every indicator, or the lineage of one KPI (CODE)."""
    from u4ssc.core import U4SSCError

    graph = context.engine.graph
    try:
        if fmt == "json":
            click.echo(_json(graph.to_json(code), indent=2))
        else:
            click.echo(graph.to_dot(code) if fmt == "dot" else graph.to_mermaid(code), nl=False)
    except U4SSCError as error:
        raise _fail(error) from error


# -- scoring --------------------------------------------------------------------------------------

# Choices, as in u4ssc.writers and u4ssc.core (not imported: that would load pandas for --help).
OUTPUT_FORMATS = ("csv", "xlsx", "parquet", "json")
BINARY_FORMATS = ("xlsx", "parquet")
#: A run is long enough for a progress bar over this many rows (or when read in chunks).
LONG_RUN_ROWS = 100_000
#: Inputs this large (bytes) show the bar from the start, before their rows are counted.
LONG_RUN_BYTES = 20 * 1024 * 1024


def _encoding_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import codecs

    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}; try utf-8 or latin-1") from None
    return value


def _choice(name: str, choices: Sequence[str], help: str, default: str | None = None) -> Any:
    """A click option choosing among ``choices``, its default shown."""
    return click.option(
        name,
        type=click.Choice(choices),
        default=default,
        show_default=default is not None,
        help=help,
    )


@dataclass(frozen=True)
class Reading:
    """What to read and how: the input files and the reader options of score and validate."""

    inputs: tuple[Path, ...]
    decimal: str
    encoding: str | None
    sheet: str | None
    layout: str
    chunk_rows: int | None

    def batch(self, engine: Engine, **options: Any) -> Any:
        """A :class:`u4ssc.core.batch.Batch` over the inputs (``options``: strict, targets)."""
        from u4ssc.core.batch import Batch
        from u4ssc.core.readers import ReadOptions

        return Batch(
            engine,
            list(self.inputs),
            read=ReadOptions(self.decimal, self.encoding, self.sheet),
            layout=self.layout,
            chunk_rows=self.chunk_rows,
            **options,
        )


def reader_options(func: Any) -> Any:
    """The arguments and options of every command that reads input files (score, validate),
    handed to the command as one ``reading`` (:class:`Reading`)."""
    options = [
        click.argument(
            "inputs", metavar="INPUT...", nargs=-1, required=True, type=click.Path(path_type=Path)
        ),
        _choice(
            "--decimal",
            ["auto", ".", ","],
            "Decimal separator in text cells; auto: a comma for CSV files with another "
            "delimiter whose first rows prove it (see docs/cli.md).",
            "auto",
        ),
        click.option(
            "--encoding",
            callback=_encoding_option,
            help="Text encoding of CSV and JSON files (default: UTF-8, else Latin-1).",
        ),
        click.option("--sheet", help="Excel sheet, by name or number (default: the first)."),
        _choice(
            "--layout",
            ["auto", "wide", "long"],
            "wide: a row per city and year; long: city, year, item, value[, unit, source, "
            "quality]; auto: long when there are item and value columns.",
            "auto",
        ),
        click.option(
            "--chunk-rows",
            type=click.IntRange(min=0),
            default=None,
            help="Read CSV and Parquet files in chunks of N rows (default: files over 200 MB, "
            "50 000 rows a chunk, or over 50 MB, 20 000 rows a chunk, for KPI values; 0: never).",
        ),
    ]
    fields = ("inputs", "decimal", "encoding", "sheet", "layout", "chunk_rows")

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        reading = Reading(**{name: kwargs.pop(name) for name in fields})
        return func(*args, reading=reading, **kwargs)

    for option in reversed(options):
        command = option(command)
    return command


@cli.command()
@reader_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="Output format (default: from the output suffix, else csv).",
)
@_choice(
    "--shape",
    ["long", "wide"],
    "long: a row per city, year and value; wide: a row per city and year.",
    "long",
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the run manifest here (default: OUTPUT.manifest.json next to the output).",
)
@click.option(
    "--strict", is_flag=True, help="Fail on the first invalid cell instead of scoring the rest."
)
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of targets (code,target[,direction,kind,source,note]) laid over the default set.",
)
@_choice(
    "--level",
    ["kpi", *LEVELS],
    "kpi: one row per KPI value; otherwise the roll-up scores at that level.",
    "kpi",
)
@_choice("--tier", ["all", "core"], "Roll up core and advanced KPIs, or core KPIs only.", "all")
@click.option(
    "--include-local", is_flag=True, help="Count local (city) indicators in the overall score."
)
@peer_options
@click.option(
    "--what-if",
    "what_if",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of other targets (laid over the default set, as --targets): write the roll-up "
    "scores and bands under both target sets side by side, with the difference "
    "(all levels, or the one --level names).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@INDICATORS
@PLUGINS_DIR
@pass_context
def score(
    context: Context,
    reading: Reading,
    output: Path | None,
    fmt: str | None,
    shape: str,
    manifest_path: Path | None,
    strict: bool,
    targets_path: Path | None,
    level: str,
    tier: str,
    include_local: bool,
    peers: Any,
    what_if: Path | None,
    quiet: bool,
    indicator_tables: tuple[Path, ...],
) -> None:
    """Score INPUT files (CSV, Excel, Parquet or JSON; wide or long layout), combined in order.

    Writes one row per city, year and KPI value with its status, reason, target, % of target,
    points, band, source and quality (or, with --shape wide, one row per city and year; with
    --level, the roll-up scores with their coverage; with --what-if, the roll-ups under two
    target sets side by side), and a run manifest. Input problems are summarised on stderr;
    invalid cells become 'invalid' values unless --strict.
    """
    from u4ssc.core import U4SSCError

    context.add_tables(indicator_tables)
    read = [
        *reading.inputs,
        targets_path,
        what_if,
        *context.indicator_tables,
        None if peers is None or peers.file is None else peers.file,
    ]
    where, fmt, manifest_where = _score_destinations(output, fmt, manifest_path, read)
    options = {"format": fmt, "shape": shape, "level": level, "tier": tier}
    options["include_local"] = include_local
    if peers is not None:
        options["peer_targets"] = {
            "file": None if peers.file is None else str(peers.file),
            "percentile": peers.percentile,
            "min_peers": peers.min_peers,
        }
    if what_if is not None:
        if shape == "wide":
            raise click.UsageError("--what-if writes a long table: drop --shape wide")
        options["what_if"] = str(what_if)
    # KPI values (a row, or three columns, per value) are the large tables: chunked sooner.
    per_value = level == "kpi" and what_if is None
    batch = reading.batch(
        context.engine, strict=strict, targets=targets_path, peers=peers, per_value=per_value
    )
    try:
        # Read before scoring: a broken file fails at once, and chunks share the one set.
        alternative = None if what_if is None else context.engine.targets(what_if)
        with _Progress(quiet, batch, long_output=per_value and shape == "long") as progress:
            batch.progress = progress.to
            manifest = _write_run(batch, fmt, where, progress, options, alternative)
        if manifest_where is not None:
            from u4ssc.core.files import write_output
            from u4ssc.writers import manifest_text

            write_output(manifest_where, manifest_text(manifest))
        _report_peers(manifest)
    except U4SSCError as error:
        raise _fail(error) from error
    finally:
        _report_problems(batch.problems)
    if not quiet:
        click.echo(_summary(manifest, output, manifest_where), err=True)


def _score_destinations(
    output: Path | None, fmt: str | None, manifest_path: Path | None, read: list[Path | None]
) -> tuple[Any, str, Any]:
    """Check, before any scoring, where ``score`` writes: ``(output, format, manifest)``.

    The output and the manifest go through the one safe writer (:mod:`u4ssc.core.files`); the
    manifest goes next to the output only when the output is a regular file (not a device or
    FIFO), unless --manifest names it. Refusals exit 5.
    """
    from u4ssc.core import U4SSCError
    from u4ssc.core.files import destination
    from u4ssc.writers import output_format

    try:
        fmt = output_format(fmt, output)
        if fmt in BINARY_FORMATS and output is None:
            raise click.UsageError(f"{fmt} output is binary: give a file to write with -o")
        where = None if output is None else destination(output, inputs=read)
        if manifest_path is None and where is not None and where.regular and fmt != "json":
            manifest_path = output.with_name(f"{output.name}.manifest.json")  # type: ignore[union-attr]
        manifest = None
        if manifest_path is not None:
            manifest = destination(manifest_path, inputs=[*read, output], what="the manifest")
    except U4SSCError as error:
        raise _fail(error) from error
    return where, fmt, manifest


def _summary(manifest: dict[str, Any], output: Path | None, manifest_where: Any) -> str:
    """The one line a successful ``score`` prints on stderr: rows, values, where they went."""
    counts = manifest["status_counts"]
    values = sum(counts.values())
    statuses = ", ".join(f"{count} {status}" for status, count in counts.items())
    where = "stdout" if output is None else str(output)
    if manifest_where is not None:
        where += f" (manifest {manifest_where.path})"
    rows = manifest["rows"]
    return (
        f"scored {rows} city-year{'s' * (rows != 1)}, {values} value{'s' * (values != 1)}"
        f"{f' ({statuses})' if statuses else ''}: wrote {where}"
    )


#: A long table is tabulated and written this many rows at a time (of the output), so its
#: memory is bounded by the slice, not by the run.
SLICE_ROWS = 1 << 18


def _write_run(
    batch: Any,
    fmt: str,
    where: Any,
    progress: _Progress,
    options: dict[str, Any],
    what_if: Any = None,
) -> dict[str, Any]:
    """Score and write, result after result (one, or one per chunk) and, for a long KPI
    table, slice after slice of rows; return the manifest.

    With ``what_if`` (a target set), write the roll-ups under both sets side by side.
    """
    from u4ssc.writers import open_sink, table

    shaping = {k: options[k] for k in ("level", "shape", "tier", "include_local")}
    alternative: dict[str, Any] = {}
    sliced = what_if is None and shaping["level"] == "kpi" and shaping["shape"] == "long"

    def tabulate(result: Any, rows: tuple[int, int] | None = None) -> Any:
        if what_if is None:
            return table(result, **shaping, rows=rows)
        from u4ssc.core.scoring import LEVELS as ALL_LEVELS
        from u4ssc.core.whatif import compare

        rescored = batch.engine.rescore(result, what_if)
        alternative["targets"] = rescored.manifest["targets"]
        level = shaping["level"]
        levels = ALL_LEVELS[::-1] if level == "kpi" else (level,)
        tier, local = shaping["tier"], shaping["include_local"]
        return compare(result, rescored, levels, tier=tier, include_local=local)

    def parts(result: Any) -> Iterable[tuple[Any, float]]:
        """The tables of one result, each with the share of the result written after it."""
        if not sliced:
            yield tabulate(result), 1.0
            return
        n = len(result)
        step = max(SLICE_ROWS // max(len(result.outputs), 1), 1)
        for start in range(0, max(n, 1), step):
            yield tabulate(result, (start, start + step)), min(start + step, n) / max(n, 1)

    with _destination(where) as stream:
        sink = open_sink(fmt, stream)
        for result in batch.results():
            progress.scored(len(result))
            for frame, share in parts(result):
                sink.write(frame)
                progress.wrote(share)
        manifest = dict(batch.manifest(**options))
        if alternative:
            manifest["what_if_targets"] = alternative["targets"]
        sink.close(manifest)
    progress.step(100, "done")
    return manifest


@contextlib.contextmanager
def _destination(where: Any) -> Iterator[Any]:
    """The output's stream: the safe writer's (:func:`u4ssc.core.files.open_output`) for a
    file, else stdout."""
    if where is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    from u4ssc.core.files import open_output

    with open_output(where) as stream:
        yield stream


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


class Eta:
    """Time left, from the progress measured so far: the pace since progress was first seen.

    The time before the first report (start-up, reading the first chunk) does not count, so a
    slow start does not inflate the estimate; once a tenth of the run is done, the estimate is
    the remaining share at the pace measured over the rest (tests/test_batch_cli.py checks it
    is right within 2x with a fake clock).

    :param clock: seconds, monotonic (``time.monotonic``; a fake one in tests).
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        import time

        self.clock = clock or time.monotonic
        self.first: tuple[float, float] | None = None

    def left(self, done: float, total: float) -> float | None:
        """Seconds left after ``done`` of ``total``, or ``None`` while there is no pace yet."""
        now = self.clock()
        if self.first is None or done < self.first[1]:
            self.first = (now, done)
            return None
        since, then = self.first
        if done <= then or total <= 0:
            return None
        return (now - since) / (done - then) * max(total - done, 0)

    @staticmethod
    def text(seconds: float | None) -> str:
        """``about 40 s left``, ``about 3 min left`` (empty without an estimate)."""
        if seconds is None:
            return ""
        if seconds < 90:
            return f"about {max(round(seconds), 1)} s left"
        return f"about {round(seconds / 60)} min left"


class _Progress:
    """A progress bar on stderr for long runs on a terminal; nothing otherwise.

    A chunked run shows the bytes read (each chunk is read, scored and written before the next).
    A whole run shows 100 steps: the engine moves the first ones as it evaluates the indicators
    (up to :attr:`scored_at`), the slices of the output written move the rest. It appears from
    the start when the inputs are large, else once scoring shows the run is long. The time left
    is :class:`Eta`'s, from the measured pace.
    """

    def __init__(self, quiet: bool, batch: Any, *, long_output: bool = False) -> None:
        self.enabled = not quiet and _stderr_is_tty()
        self.chunked = batch.chunked
        self.total = batch.total_bytes
        #: Where a whole run's bar stands once scoring is done: writing a long table costs
        #: several times the scoring (measured in benchmarks/batch.py), other tables less.
        self.scored_at = 25 if long_output else 80
        self.bar: Any = None
        self.done = 0
        self.eta = Eta()

    def __enter__(self) -> _Progress:
        if self.chunked:
            self._start(self.total)
        elif self.total > LONG_RUN_BYTES:
            self._start(100)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.render_finish()

    def _start(self, length: int) -> None:
        if self.enabled and self.bar is None:
            self.bar = click.progressbar(
                length=max(length, 1),
                label="scoring",
                file=sys.stderr,
                show_eta=False,
                item_show_func=lambda text: text,
            )
            self.bar.render_progress()

    def _move(self, position: int, label: str | None = None) -> None:
        if self.bar is not None:
            if label is not None:
                self.bar.label = label
            left = self.eta.left(max(position, self.done), self.bar.length)
            self.bar.update(max(position - self.done, 0), Eta.text(left))
            self.done = max(position, self.done)

    def to(self, done: int, total: int) -> None:
        """Progress reported by the run: bytes read (chunked), or indicators evaluated."""
        if self.chunked:
            self._move(done)
        else:
            self._move(self.scored_at * done // max(total, 1))

    def scored(self, rows: int) -> None:
        """A result is scored: a whole run shows the bar from here if it is long."""
        if not self.chunked:
            if rows > LONG_RUN_ROWS:
                self._start(100)
            self._move(self.scored_at, "writing")

    def wrote(self, share: float) -> None:
        """A whole run wrote ``share`` (0–1) of its output."""
        if not self.chunked:
            self._move(self.scored_at + int((100 - self.scored_at) * share))

    def step(self, position: int, label: str) -> None:
        """A whole run reached ``position`` (of 100); ``label`` names what comes next."""
        if not self.chunked:
            self._move(position, label)


# -- coverage and trends --------------------------------------------------------------------------

#: Tables of 'u4ssc coverage', as Coverage.frame names them.
COVERAGE_TABLES = {"kpi": "per KPI value", "input": "per input", "gain": "per city-year"}


def _table_output(func: Any) -> Any:
    """-o, --format and --targets for the commands that write one analysis table (coverage,
    trends); the inputs are read whole (a city's years must be seen together)."""
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write here instead of the terminal.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["table", *OUTPUT_FORMATS]),
            default=None,
            help="Output format (default: from the output suffix; a table on the terminal).",
        ),
        click.option(
            "--targets",
            "targets_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="CSV of targets laid over the default set (as for 'score').",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _scored(
    context: Context,
    reading: Reading,
    targets_path: Path | None,
    peers: Any,
    indicator_tables: tuple[Path, ...],
) -> Any:
    """Score the inputs whole (with peer targets when ``peers`` is a rule, and the command's own
    indicator tables), input problems summarised on stderr; return the result and the run
    manifest."""
    from u4ssc.core import U4SSCError

    if reading.chunk_rows:
        raise click.UsageError(
            "this command needs every row at once: leave out --chunk-rows (or give 0)"
        )
    context.add_tables(indicator_tables)
    whole = Reading(**{**reading.__dict__, "chunk_rows": 0})
    batch = whole.batch(context.engine, targets=targets_path, peers=peers)
    try:
        result = next(iter(batch.results()))
    except U4SSCError as error:
        raise _fail(error) from error
    finally:
        _report_problems(batch.problems)
    return result, batch


def _analysis_destination(
    output: Path | None, fmt: str | None, reading: Reading, targets_path: Path | None
) -> tuple[Any, str]:
    """Where one analysis table goes (coverage, trends), checked before scoring:
    ``(destination, format)``; destination ``None`` is stdout, format ``table`` the terminal."""
    from u4ssc.core import U4SSCError
    from u4ssc.core.files import destination
    from u4ssc.writers import output_format

    if fmt == "table" or (fmt is None and output is None):
        if output is not None:
            raise click.UsageError("--format table is for the terminal: leave out -o")
        return None, "table"
    try:
        fmt = output_format(fmt, output)
        if fmt in BINARY_FORMATS and output is None:
            raise click.UsageError(f"{fmt} output is binary: give a file to write with -o")
        read = [*reading.inputs, targets_path]
        return (None if output is None else destination(output, inputs=read)), fmt
    except U4SSCError as error:
        raise _fail(error) from error


def _write_analysis(
    frame: Any,
    fmt: str,
    where: Any,
    manifest: dict[str, Any],
    columns: Sequence[str] | None = None,
) -> None:
    """Write one analysis table: to the terminal as a table, else through the writers."""
    from u4ssc.core import U4SSCError
    from u4ssc.writers import open_sink

    if fmt == "table":
        click.echo(_frame_table(frame, columns))
        return
    try:
        with _destination(where) as stream:
            sink = open_sink(fmt, stream)
            sink.write(frame)
            sink.close(manifest)
    except U4SSCError as error:
        raise _fail(error) from error


#: Columns shown on the terminal (files get every column).
TERMINAL_COLUMNS = {
    "trends": (
        "city",
        "year",
        "code",
        "data_point",
        "value",
        "target",
        "change",
        "change_since_first",
        "movement",
        "year_to_target",
        "progress",
    ),
    # The per-KPI table without its name, total and several_missing columns.
    "kpi": (
        *("code", "data_point", "target_kind", "scored", "no_benchmark", "not_reported"),
        *("not_applicable", "invalid", "error", "coverage_pct", "missing_inputs"),
    ),
}


def _frame_table(frame: Any, columns: Sequence[str] | None = None) -> str:
    """A DataFrame as the terminal table of the listings: numbers to 4 significant digits,
    blanks for missing cells."""

    def cell(value: Any) -> Any:
        if value is None or value != value:
            return ""
        return f"{value:.4g}" if isinstance(value, float) else value

    shown = frame[list(columns)] if columns else frame
    rows = [
        {str(k): cell(v) for k, v in row.items()} for row in shown.astype(object).to_dict("records")
    ]
    return _table(rows) if rows else "(none)"


@cli.command()
@reader_options
@_table_output
@click.option(
    "--table",
    "which",
    type=click.Choice(list(COVERAGE_TABLES)),
    default=None,
    help="kpi: why each KPI value is not scored; input: the inputs missing most often; gain: "
    "per city-year, the values reporting each input would gain (default: all three on the "
    "terminal, kpi in a file).",
)
@peer_options
@INDICATORS
@PLUGINS_DIR
@pass_context
def coverage(
    context: Context,
    reading: Reading,
    output: Path | None,
    fmt: str | None,
    targets_path: Path | None,
    which: str | None,
    peers: Any,
    indicator_tables: tuple[Path, ...],
) -> None:
    """Say why values are not scored and which inputs would fill the gaps, for INPUT files.

    Per KPI value: how many city-years are scored, have no benchmark, are not reported, not
    applicable, invalid or an error, and the inputs it misses most. Per input: how often it is
    missing and how many values it blocks. Per city-year and input: the values reporting that
    input alone would gain (a value missing several inputs counts as 'shared' for each).
    """
    where, fmt = _analysis_destination(output, fmt, reading, targets_path)
    result, batch = _scored(context, reading, targets_path, peers, indicator_tables)
    found = result.coverage()
    if which is None and fmt == "table":
        for name, title in COVERAGE_TABLES.items():
            click.echo(f"Coverage {title}:")
            click.echo(_frame_table(found.frame(name), TERMINAL_COLUMNS.get(name)))
            click.echo("")
        return
    which = which or "kpi"
    manifest = batch.manifest(command="coverage", table=which)
    _write_analysis(found.frame(which), fmt, where, manifest, TERMINAL_COLUMNS.get(which))


@cli.command()
@reader_options
@_table_output
@click.option(
    "--latest", is_flag=True, help="Only each city's last year (its last step and whole span)."
)
@click.option(
    "--stable",
    "stable_pct",
    type=FiniteRange(min=0),
    default=1.0,
    show_default=True,
    help="A value that changed by at most this % of its previous value is 'stable'.",
)
@peer_options
@INDICATORS
@PLUGINS_DIR
@pass_context
def trends(
    context: Context,
    reading: Reading,
    output: Path | None,
    fmt: str | None,
    targets_path: Path | None,
    latest: bool,
    stable_pct: float,
    peers: Any,
    indicator_tables: tuple[Path, ...],
) -> None:
    """Show each city's progress KPI by KPI across the years of INPUT files.

    One row per city, year and KPI value: the change from the previous year and since the
    first, whether it moved towards or away from its target (by the KPI's direction), the year
    it would reach the target at its last pace, and a progress status with its reason.
    """
    where, fmt = _analysis_destination(output, fmt, reading, targets_path)
    result, batch = _scored(context, reading, targets_path, peers, indicator_tables)
    frame = result.trends(stable_pct=stable_pct).to_frame(latest=latest)
    manifest = batch.manifest(command="trends", latest=latest, stable_pct=stable_pct)
    _write_analysis(frame, fmt, where, manifest, TERMINAL_COLUMNS["trends"])


@cli.command()
@reader_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: every problem with its fields.",
)
@PLUGINS_DIR
@pass_context
def validate(context: Context, reading: Reading, fmt: str) -> None:
    """Check INPUT files without scoring them: list every problem.

    Exits 0 when there is no error (warnings are allowed), 1 otherwise.
    """
    from u4ssc.core import U4SSCError

    batch = reading.batch(context.engine)
    try:
        problems = batch.validate()
    except U4SSCError as error:
        raise _fail(error) from error
    errors = sum(p.severity == "error" for p in problems)
    if fmt == "json":
        fields = ("file", "row", "column", "value", "rule", "severity", "message")
        rows = [
            {
                **{k: getattr(p, k) for k in fields},
                "row": None if p.row is None else p.row + 1,
            }
            for p in problems
        ]
        counts = {"error": errors, "warning": len(problems) - errors}
        click.echo(_json({"counts": counts, "problems": rows}, indent=1))
    else:
        for line in _problem_lines(problems):
            click.echo(line)
        click.echo(f"{errors} error(s), {len(problems) - errors} warning(s)")
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("output", metavar="OUT.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT.xlsx if it exists.")
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of targets laid over the default set, for the Targets sheet (as for 'score').",
)
@INDICATORS
@PLUGINS_DIR
@pass_context
def template(
    context: Context,
    output: Path,
    force: bool,
    targets_path: Path | None,
    indicator_tables: tuple[Path, ...],
) -> None:
    """Write the data-collection workbook: inputs, KPIs with native formulas, targets, roll-ups.

    The workbook computes every KPI, its points and band with ordinary spreadsheet formulas
    (no macros, no Python); 'u4ssc score OUT.xlsx' reads a filled one back (give it the same
    --targets and --indicators).
    """
    from u4ssc.core import OutputError
    from u4ssc.core.files import destination
    from u4ssc.excel_addin.template import write_template

    context.add_tables(indicator_tables)
    read = [targets_path, *context.indicator_tables]
    _run(lambda: destination(output, inputs=read, suffixes=(".xlsx",), what="the workbook"))
    if output.exists() and not force:
        raise _fail(
            OutputError(
                f"{output} exists (perhaps a filled workbook): pass --force to overwrite it"
            )
        )
    report = _run(lambda: write_template(output, context.engine, targets_path))
    for message in report.untranslated:
        click.echo(f"warning: {message}; the workbook shows 'error' for it", err=True)
    click.echo(f"wrote {output}: {report.inputs} inputs, {report.outputs} KPI values")


@cli.command("lite-requirements")
@click.option(
    "--wheel-url",
    required=True,
    help="HTTPS URL of the u4ssc wheel you host (or of its folder, ending in /).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of stdout.",
)
def lite_requirements(wheel_url: str, output: Path | None) -> None:
    """Write the requirements.txt of an xlwings Lite workbook: xlwings and u4ssc.

    Paste it into the requirements.txt tab of the xlwings Lite editor, and
    excel_addin/lite/main.py into its main.py tab (see docs/excel.md). Build the wheel with
    'pip wheel --no-deps -w dist .' and host it where Excel may fetch it over HTTPS with CORS
    allowed (GitHub Pages, your own server; not a GitHub release asset).
    """
    from u4ssc.excel_addin.lite_setup import requirements_text

    text, warnings = _run(lambda: requirements_text(wheel_url))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if output is None:
        click.echo(text, nl=False)
        return
    _run(lambda: output.write_text(text, encoding="utf-8", newline="\n"))
    click.echo(f"wrote {output}", err=True)


# -- plugins --------------------------------------------------------------------------------------


@cli.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Create the package's folder in this directory.",
)
def new_plugin(name: str, directory: Path) -> None:
    """Create a plugin package NAME (e.g. aster-kpis) for a city's own indicators.

    Writes NAME/pyproject.toml (with the u4ssc entry point), a module with one data item, one
    indicator and its local target, a test and a README. Then: cd NAME && pip install -e ".[test]"
    && pytest.
    """
    from u4ssc.core import U4SSCError
    from u4ssc.scaffold import create_plugin_package, plugin_names

    try:
        names = plugin_names(name)
        written = create_plugin_package(name, directory)
    except U4SSCError as error:
        raise _fail(error) from error
    chosen = f"package {names.dist}, module {names.module}, code {names.code!r}"
    if names.transliterated:
        click.echo(
            f"note: {name!r} written in ASCII letters, as package names must be: {chosen} "
            f"(titles say {names.city})",
            err=True,
        )
    elif names.changed:
        click.echo(
            f"note: {name!r} written with letters, digits and single dashes only, as package "
            f"names must be: {chosen}",
            err=True,
        )
    root = directory / names.dist
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f'next: cd {root} && pip install -e ".[test]" && pytest')


# -- wheel and reports ----------------------------------------------------------------------------

INPUT = click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
CITY_YEAR = (
    click.option("--city", help="Only this city (as in the input's city column)."),
    click.option("--year", type=int, help="Only this year."),
)
SCORING = (
    click.option(
        "--decimal",
        type=click.Choice([".", ","]),
        default=".",
        show_default=True,
        help="Decimal separator in text cells.",
    ),
    click.option(
        "--targets",
        "targets_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="CSV of targets laid over the default set (as for 'score').",
    ),
    click.option(
        "--include-local", is_flag=True, help="Count local (city) indicators in the overall score."
    ),
    INDICATORS,
    PLUGINS_DIR,
)


def _run(action: Callable[[], T]) -> T:
    """Run a library call; its errors, and files that cannot be written, become short messages."""
    from u4ssc.core import OutputError, U4SSCError

    try:
        return action()
    except U4SSCError as error:
        raise _fail(error) from error
    except OSError as error:
        failed = OutputError(f"cannot write {error.filename}: {error.strerror}")
        raise _fail(failed) from error


def _city_periods(
    check: Callable[[Path, list[Any]], Any],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command INPUT, --city, --year and the scoring options of 'score' (--decimal,
    --targets, --include-local, --indicators, --peer-targets ...); call it with the
    city-periods they select (scored, with input problems summarised on stderr) and the files
    the run reads, as ``read``. ``check(output, read)`` refuses a bad output before scoring."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        @pass_context
        def run(
            context: Context,
            input_path: Path,
            city: str | None,
            year: int | None,
            decimal: str,
            targets_path: Path | None,
            include_local: bool,
            indicator_tables: tuple[Path, ...],
            peer_file: str | None,
            peer_percentile: float | None,
            peer_min: int | None,
            **options: Any,
        ) -> None:
            from u4ssc.report import city_periods

            context.add_tables(indicator_tables)
            peers = _peer_rule(peer_file, peer_percentile, peer_min)
            read = [input_path, targets_path, *context.indicator_tables, peer_file or None]
            _run(lambda: check(options["output"], read))
            result = _run(
                lambda: context.engine.score(
                    input_path, decimal=decimal, targets=targets_path, peers=peers
                )
            )
            periods = _run(
                lambda: city_periods(result, city=city, year=year, include_local=include_local)
            )
            _report_problems(result.problems)
            command(periods, read=read, **options)

        for decorator in reversed((INPUT, *CITY_YEAR, *SCORING, *PEER_OPTIONS)):
            run = decorator(run)
        return run

    return decorate


def _wheel_check(output: Path, read: list[Any]) -> Any:
    from u4ssc.report import wheel_destination

    return wheel_destination(output, read)


def _reports_check(output: Path, read: list[Any]) -> Any:
    from u4ssc.report import reports_destination

    return reports_destination(output, read)


@cli.command()
@_city_periods(_wheel_check)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The picture to write: a .svg or .png file.",
)
def wheel(periods: list[Any], output: Path, read: list[Any]) -> None:
    """Draw the U4SSC benchmarking wheel of one city and year as SVG or PNG.

    Rings from the centre: dimensions, sub-dimensions, categories, then every KPI and data point,
    each coloured by its band as 'u4ssc score' gives it; grey where not scored. Needs the report
    extra: pip install 'u4ssc[report]'.
    """
    if len(periods) != 1:
        names = ", ".join(p.title for p in periods[:4]) + (", ..." if len(periods) > 4 else "")
        raise click.UsageError(
            f"{len(periods)} city-periods match ({names}); choose one with --city and --year"
        )
    from u4ssc.report import write_wheel

    click.echo(_run(lambda: write_wheel(periods[0], output, read)))


@cli.command()
@_city_periods(_reports_check)
@click.option(
    "--compare",
    is_flag=True,
    help="Write a page comparing the city-periods: roll-up scores side by side and a "
    "KPI x city-period grid coloured by band (with a directory: the reports too).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="A .html file (one city-period, or with --compare the comparison page), or a "
    "directory: one report per city-period (and comparison.html with --compare).",
)
def report(periods: list[Any], compare: bool, output: Path, read: list[Any]) -> None:
    """Write self-contained HTML reports: the wheel, scores, every KPI, warnings, manifest.

    Each page is one file that loads nothing from the network and runs no script. Needs the
    report extra: pip install 'u4ssc[report]'.
    """
    if output.suffix.lower() == ".html" and len(periods) > 1 and not compare:
        raise click.UsageError(
            f"{len(periods)} city-periods match but {output.name} is one file: choose one "
            "with --city and --year, give a directory, or use --compare"
        )
    from u4ssc.report import write_reports

    for path in _run(lambda: write_reports(periods, output, compare=compare, inputs=read)):
        click.echo(path)


# -- helpers --------------------------------------------------------------------------------------


def _json(value: Any, indent: int) -> str:
    """Strict JSON, as every JSON u4ssc writes: NaN and infinite numbers are ``null``."""
    from u4ssc.core.files import json_dumps

    return json_dumps(value, indent=indent)


def _problem_lines(problems: Iterable[Any]) -> list[str]:
    return [f"{p.severity}: {p.where}: {p.message}" for p in problems]


def _report_peers(manifest: dict[str, Any]) -> None:
    """One line on stderr: how many values got a peer target, and the fix when none did."""
    peer = manifest["targets"].get("peer")
    if peer is None:
        return
    found = list(peer["values"].values())
    derived = sum("target" in v for v in found)
    line = (
        f"peer targets: {derived} of the {len(found)} values without a target got one from the "
        f"cities in {peer['from']}"
    )
    if derived < len(found):
        line += f"; {len(found) - derived} refused (each with its reason in the manifest)"
    if derived == 0 and any(v["refused"].startswith("only ") for v in found):
        line += (
            f". Fewer than {peer['min_peers']} cities reported them: give a file of peer "
            "cities (--peer-targets FILE) or a lower --peer-min"
        )
    click.echo(line, err=True)


def _report_problems(problems: Sequence[Any], limit: int = 20) -> None:
    lines = _problem_lines(problems)
    for line in lines[:limit]:
        click.echo(line, err=True)
    if len(lines) > limit:
        click.echo(f"... and {len(lines) - limit} more (run 'u4ssc validate' for all)", err=True)


def _emit(rows: list[dict[str, Any]], fmt: str, table_columns: Sequence[str]) -> None:
    if fmt == "json":
        click.echo(_json(rows, indent=2))
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=list(rows[0]) if rows else [], lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _flat(v) for k, v in row.items()})
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(_table([{c: _flat(r[c]) for c in table_columns} for r in rows]))


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(v["id"] if isinstance(v, dict) else str(v) for v in value)
    return value


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(none)"
    headers = list(rows[0])
    cells = [[str(r[h]) for h in headers] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join([line.rstrip(), rule, *body])


def _add_plugin_commands() -> None:
    """Let plugins add commands (hook u4ssc_cli_commands), without building the engine."""
    from u4ssc.core import U4SSCError
    from u4ssc.core.plugins import collect, load_plugins

    try:
        manager, _ = load_plugins()
        collect(manager, "u4ssc_cli_commands", cli=cli)
    except U4SSCError as error:
        # The command that needs the engine reports this in full; don't hide the built-ins.
        click.echo(f"warning: plugin commands not loaded: {error}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``u4ssc`` console script."""
    _add_plugin_commands()
    cli.main(args=argv, prog_name="u4ssc")
