"""The engine: plugins loaded and the graph resolved once, then reused for every call.

The CLI, the Python API and the Excel functions all score through :class:`Engine`, so they cannot
disagree::

    engine = Engine.load()                       # built-in and installed plugins
    result = engine.score(frame)                 # many cities, vectorised
    one = engine.score_one({"city": "Aster", "population": 120_000, ...})
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .bounds import unusual
from .catalogue import Catalogue, Output
from .coverage import Needs
from .errors import DataError, InputProblem, UsageError, ValidationError
from .evaluate import Plan, evaluate, run_checks
from .graph import IndicatorGraph
from .indicator_tables import IndicatorTable
from .inputs import (
    ColumnMatcher,
    KeyLedger,
    Prepared,
    merge_prepared,
    prepare_frame,
    prepare_record,
    require_city_years,
)
from .peers import PeerRule, PeerTargets, derive_peer_targets
from .plugins import INDICATORS_ENV, PluginInfo, env_list, load_plugins
from .provenance import trace
from .readers import InputFile, ReadOptions, read_input
from .result import Origin, Result
from .scoring import Bands, Benchmarks, score_matrix
from .targets import TargetSet
from .values import NoteTable
from .verification import prepare as prepare_verification

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Data", "Engine", "default_engine", "input_paths", "score"]

#: What can be scored: a DataFrame, a mapping of column name to values, a list of row
#: mappings, or the path of a CSV, Excel, Parquet or JSON file, or a list of such paths.
Data = Union[
    "pd.DataFrame",
    Mapping[str, Sequence[Any]],
    Sequence[Mapping[str, Any]],
    str,
    "os.PathLike[str]",
    Sequence[Union[str, "os.PathLike[str]"]],
]


def _u4ssc_version() -> str:
    return _version("u4ssc")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """Versions of Python and of the libraries that compute and validate, for manifests."""
    return {
        "python": platform.python_version(),
        **{name: _version(name) for name in ("numpy", "pandas", "pandera")},
    }


class Engine:
    """Plugins, catalogue and indicator graph, built once; score as often as you like.

    :ivar catalogue: everything the plugins registered.
    :ivar graph: the dependency graph (lineage, evaluation order).
    :ivar plugins: the loaded plugins and what each registered.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.graph = IndicatorGraph(catalogue)
        self.plugins: list[PluginInfo] = catalogue.plugins
        self.matcher = ColumnMatcher(catalogue)
        self.plan = Plan.compile(catalogue, self.graph)
        self.outputs = list(catalogue.outputs())
        self._plans: dict[frozenset[str], tuple[Plan, list[Output]]] = {}
        defaults = TargetSet.default(catalogue)
        if catalogue.targets:
            defaults = defaults.overlay(catalogue.targets, "plugins", catalogue)
        #: The default target set: u4ssc's own, then the plugins' targets.
        self.target_set = defaults
        self.bands = Bands()
        self._manifest: dict[str, Any] | None = None
        self._needs_cache: dict[tuple[str, ...], Needs] = {}
        self._benchmark_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], Benchmarks] = {}

    @property
    def warnings(self) -> list[str]:
        """What looks wrong with the plugins but does not stop a run (e.g. a ``u4ssc_*``
        function without ``@hookimpl``); the CLI prints each on stderr."""
        return [warning for plugin in self.plugins for warning in plugin.warnings]

    def _subset(self, indicators: Iterable[str] | None) -> tuple[Plan, list[Output]]:
        """The plan and outputs for some KPIs (codes or ids) and what they need; all by default."""
        if indicators is None:
            return self.plan, self.outputs
        wanted = frozenset(self.catalogue.find_indicator(code).id for code in indicators)
        if wanted not in self._plans:
            plan = Plan.compile(self.catalogue, self.graph, wanted)
            kept = set(plan.ids)
            self._plans[wanted] = (plan, [o for o in self.outputs if o.id in kept])
        return self._plans[wanted]

    def _benchmarks(self, plan: Plan, outputs: list[Output], target_set: TargetSet) -> Benchmarks:
        """The benchmarks of ``outputs``, kept per plan for the engine's own target set: looking
        up 112 targets costs a tenth of a millisecond, a twentieth of scoring one city."""
        if target_set is not self.target_set:
            return Benchmarks.of(outputs, target_set)
        key = (plan.ids, tuple(target_set.fingerprints))
        found = self._benchmark_cache.get(key)
        if found is None:
            found = self._benchmark_cache[key] = Benchmarks.of(outputs, target_set)
        return found

    def _needs(self, plan: Plan) -> Needs:
        """What each output of ``plan`` needs, found once per plan."""
        found = self._needs_cache.get(plan.ids)
        if found is None:
            found = self._needs_cache[plan.ids] = Needs.of(plan, self.graph)
        return found

    def targets(self, targets: TargetSet | str | os.PathLike[str] | None = None) -> TargetSet:
        """The target set to score with: the default, a set, or the default plus a CSV file."""
        if targets is None:
            return self.target_set
        if isinstance(targets, TargetSet):
            return targets
        return self.target_set.overlay_file(Path(targets), self.catalogue)

    @classmethod
    def load(
        cls,
        *,
        plugins_dirs: Sequence[str | os.PathLike[str]] = (),
        plugins: Iterable[tuple[str, object]] = (),
        entry_points: bool = True,
        block: Iterable[str] = (),
        indicator_tables: Sequence[str | os.PathLike[str]] = (),
    ) -> Engine:
        """Load plugins and build the engine.

        :param plugins_dirs: directories of one-off plugin files.
        :param plugins: ``(name, plugin)`` pairs to register directly (modules or objects).
        :param entry_points: load the plugins installed in the ``u4ssc`` entry-point group
            (the built-in dimensions among them).
        :param block: names of plugins not to load.
        :param indicator_tables: indicator tables (CSV, or Excel with ``book.xlsx#Sheet``), each
            registered as a plugin named after its file; ``U4SSC_INDICATORS`` adds more (several
            separated by the platform's path separator).
        :raises PluginError: a plugin failed to load or registered something broken.
        :raises FormulaError: an indicator table has broken rows (all problems, with rows).
        :raises GraphError: the indicators do not form a valid graph (all problems listed).
        """
        tables = [*indicator_tables, *env_list(INDICATORS_ENV, os.pathsep)]
        manager, infos = load_plugins(
            plugins_dirs,
            plugins,
            entry_point_group="u4ssc" if entry_points else None,
            block=block,
            indicator_tables=tables,
        )
        catalogue = Catalogue.build(manager, infos)
        for info in infos:
            if isinstance(info.plugin, IndicatorTable):
                info.plugin.check(catalogue)  # errors with table rows before the graph's own
        return cls(catalogue)

    # -- scoring ---------------------------------------------------------------------------------

    def score(
        self,
        data: Data,
        *,
        decimal: str = "auto",
        layout: str = "auto",
        sheet: str | int | None = None,
        encoding: str | None = None,
        strict: bool = False,
        targets: TargetSet | str | os.PathLike[str] | None = None,
        bands: Bands | None = None,
        progress: Callable[[int, int], None] | None = None,
        indicators: Iterable[str] | None = None,
        peers: PeerRule | PeerTargets | None = None,
    ) -> Result:
        """Score a table of cities: one row per city and year (wide) or one per value (long).

        :param data: a DataFrame, a mapping of column name to values, a list of row mappings, or
            the path of a CSV, Excel, Parquet or JSON file, or a list of such paths (their rows
            are combined, in order; problems name the file and the row in it).
        :param decimal: the decimal separator used in text cells: ``"."``, ``","`` or ``"auto"``
            (see :class:`~u4ssc.core.readers.ReadOptions`; a point for tables given in memory).
        :param layout: ``wide``, ``long`` or ``auto`` (long when there are ``item`` and ``value``
            columns).
        :param sheet: the Excel sheet to read: a name, or a position (an ``int`` counts from 0,
            digits in text from 1, as ``--sheet`` does); default: the first.
        :param encoding: the text encoding of CSV and JSON files (default: detected).
        :param strict: raise :class:`ValidationError` on any invalid input instead of scoring the
            rest and marking those values invalid.
        :param targets: a :class:`TargetSet`, or the path of a target CSV laid over the default set.
        :param bands: band edges and the lower-is-better rule (default: U4SSC's).
        :param progress: called as ``progress(done, total)`` as the indicators are evaluated.
        :param indicators: KPI codes (or ids) to score; only they and what they need are evaluated.
        :param peers: derive peer targets for the values without a target (opt-in): a
            :class:`PeerRule` (peers from the rows scored, or from its ``file``), or peer targets
            already derived (:meth:`peer_targets`).
        """
        self._subset(indicators)  # an unknown KPI code fails before any file is read
        target_set = self.targets(targets)
        notes = NoteTable()
        read = ReadOptions(decimal, encoding, sheet)
        prepared, files = self.prepare(data, notes, read=read, layout=layout)
        result = self.score_prepared(
            prepared,
            notes,
            strict=strict,
            targets=target_set,
            bands=bands,
            progress=progress,
            indicators=indicators,
            peers=peers,
        )
        result.manifest["options"] = _options(read, layout, strict)
        if files:
            result.manifest["inputs"] = [f.describe() for f in files]
        return result

    def prepare(
        self,
        data: Any,
        notes: NoteTable,
        *,
        read: ReadOptions | None = None,
        layout: str = "auto",
    ) -> tuple[Prepared, list[InputFile]]:
        """Read (if given paths) and prepare ``data`` for scoring; see :meth:`score`.

        :return: the prepared rows, and what was read from each file (empty for tables given in
            memory).
        """
        read = read or ReadOptions()
        paths = input_paths(data)
        if paths is None:
            decimal = "." if read.decimal == "auto" else read.decimal
            frame = _as_frame(data)
            return prepare_frame(frame, self.matcher, notes, decimal=decimal, layout=layout), []
        parts, files, ledger = [], [], KeyLedger()
        for path in paths:
            info, frame = read_input(path, read, name=str(path))
            parts.append(self.prepare_part(frame, notes, info, layout=layout))
            require_city_years(info.name, len(frame), int((parts[-1].city != "").sum()))
            ledger.add(parts[-1], info.name)
            files.append(info)
        prepared = merge_prepared(parts)
        prepared.problems += ledger.problems()
        return prepared, files

    def prepare_part(
        self,
        frame: pd.DataFrame,
        notes: NoteTable,
        info: InputFile,
        *,
        layout: str = "auto",
        first_row: int = 0,
    ) -> Prepared:
        """Prepare one file's table (or a chunk of it, starting at ``first_row`` of the file)."""
        try:
            prepared = prepare_frame(
                frame, self.matcher, notes, decimal=info.decimal, layout=layout
            )
        except DataError as error:
            raise DataError(f"{info.name}: {error}") from None
        prepared.problems += info.problems
        if info.verification is not None:
            prepared.verification, problems = prepare_verification(
                info.verification, self.catalogue, notes, prepared.n
            )
            prepared.problems += problems
        prepared.from_file(info.name, first_row, info.cells)
        return prepared

    def score_one(
        self,
        record: Mapping[str, object],
        *,
        decimal: str = ".",
        strict: bool = False,
        targets: TargetSet | str | os.PathLike[str] | None = None,
        bands: Bands | None = None,
        indicators: Iterable[str] | None = None,
        peers: PeerRule | PeerTargets | None = None,
    ) -> Result:
        """Score one city from a mapping of data item names (or KPI ids) to values.

        Takes a fast path with no DataFrame: parsing and bounds come from the same declarations as
        :meth:`score`, and the values are identical.
        """
        notes = NoteTable()
        prepared = prepare_record(record, self.matcher, notes, decimal=decimal)
        return self.score_prepared(
            prepared,
            notes,
            strict=strict,
            targets=targets,
            bands=bands,
            indicators=indicators,
            peers=peers,
        )

    def score_prepared(
        self,
        prepared: Prepared,
        notes: NoteTable,
        *,
        strict: bool = False,
        targets: TargetSet | str | os.PathLike[str] | None = None,
        bands: Bands | None = None,
        progress: Callable[[int, int], None] | None = None,
        indicators: Iterable[str] | None = None,
        peers: PeerRule | PeerTargets | None = None,
    ) -> Result:
        """Score rows already prepared by :meth:`prepare` (or :meth:`prepare_part`).

        :raises ValidationError: ``strict`` and some input is invalid (the first one is named).
        """
        subset = self._subset(indicators)
        target_set = self.targets(targets)
        bands = bands or self.bands
        if strict:
            errors = [p for p in prepared.problems if p.severity == "error"]
            if errors:
                raise ValidationError(errors)
        plan, outputs = subset
        evaluation = evaluate(
            plan,
            self.catalogue,
            prepared.inputs,
            prepared.overrides,
            notes,
            prepared.n,
            progress,
        )
        if prepared.row_notes is not None:
            marked = np.flatnonzero(prepared.row_notes)
            evaluation.invalidate_rows(marked, prepared.row_notes[marked])
        broken = run_checks(self.catalogue, evaluation, prepared.inputs, prepared.n)
        broken += unusual(outputs, evaluation.values)
        found = None
        if isinstance(peers, PeerTargets):
            found = peers
        elif peers is not None and peers.file is not None:
            found = self.peer_targets(peers)
        elif peers is not None:
            found = derive_peer_targets(
                outputs,
                evaluation.values,
                evaluation.status,
                prepared.city,
                prepared.year,
                peers,
                "the rows scored",
            )
        scored_with = target_set if found is None else found.apply(target_set, self.catalogue)
        scores = score_matrix(
            outputs,
            evaluation.values,
            evaluation.status,
            self._benchmarks(plan, outputs, scored_with),
            bands,
        )
        provenance = trace(
            plan,
            prepared.input_provenance,
            prepared.override_provenance,
            evaluation.status,
            notes,
            prepared.n,
        )
        origin = None
        if prepared.files and prepared.origin_file is not None:
            origin = Origin(prepared.files, prepared.origin_file, prepared.rows())
        return Result(
            city=prepared.city,
            year=prepared.year,
            outputs=outputs,
            evaluation=evaluation,
            scores=scores,
            notes=notes,
            problems=prepared.problems,
            broken=broken,
            manifest=self.manifest(),
            aliases=self.catalogue.aliases,
            provenance=provenance,
            origin=origin,
            inputs=prepared.inputs,
            needs=self._needs(plan),
            verification=prepared.verification,
        ).with_peers(found, target_set)

    def peer_targets(self, rule: PeerRule, data: Data | None = None) -> PeerTargets:
        """Derive peer targets once, from ``data`` or else the rule's ``file``, to score other
        inputs with (``score(..., peers=found)``), e.g. each chunk of a large file."""
        source = data if data is not None else rule.file
        if source is None:
            raise UsageError("peer targets need peers: give a peer file or the data to derive from")
        if isinstance(source, (str, os.PathLike)) and not Path(source).is_file():
            raise DataError(f"peer file {str(source)!r} does not exist")
        peers = self.score(source)
        paths = input_paths(source)
        origin = ", ".join(Path(p).name for p in paths) if paths else "the peer data given"
        return derive_peer_targets(
            peers.outputs,
            peers.columns,
            peers.statuses,
            peers.city,
            peers.year,
            rule,
            origin,
        )

    def rescore(self, result: Result, targets: TargetSet | str | os.PathLike[str]) -> Result:
        """``result`` scored against another target set (the same values; the peer targets of
        ``result``, if any, fill the gaps of the new set too): for what-if comparisons."""
        target_set = self.targets(targets)
        found = result.peer_targets
        scored_with = target_set if found is None else found.apply(target_set, self.catalogue)
        benchmarks = Benchmarks.of(result.outputs, scored_with)
        scores = score_matrix(
            result.outputs, result.columns, result.statuses, benchmarks, result.scores.bands
        )
        return result.rescored(scores).with_peers(found, target_set)

    def validate(
        self,
        data: Data,
        *,
        decimal: str = "auto",
        layout: str = "auto",
        sheet: str | int | None = None,
        encoding: str | None = None,
    ) -> list[InputProblem]:
        """Return every problem in ``data`` without scoring it; options as for :meth:`score`."""
        read = ReadOptions(decimal, encoding, sheet)
        return self.prepare(data, NoteTable(), read=read, layout=layout)[0].problems

    def manifest(self) -> dict[str, Any]:
        """What this engine is made of: versions, plugins and replacements, for every output."""
        if self._manifest is None:
            self._manifest = self._describe()
        return {
            key: value.copy() if isinstance(value, (list, dict)) else value
            for key, value in self._manifest.items()
        }

    def _describe(self) -> dict[str, Any]:
        return {
            "u4ssc_version": _u4ssc_version(),
            "versions": dict(_versions()),
            "plugins": [
                {"name": p.name, "version": p.version, "origin": p.origin} for p in self.plugins
            ],
            "replacements": [
                {
                    "code": r.code,
                    "plugin": r.plugin,
                    "replaces_plugin": r.replaced_plugin,
                    "replaces": r.replaced_id,
                }
                for r in self.catalogue.replacements
            ],
        }


def _options(read: ReadOptions, layout: str, strict: bool) -> dict[str, Any]:
    return {
        "decimal": read.decimal,
        "encoding": read.encoding,
        "sheet": read.sheet,
        "layout": layout,
        "strict": strict,
    }


def input_paths(data: object) -> list[str | os.PathLike[str]] | None:
    """``data`` as a list of file paths, or ``None`` when it is not a path or a list of paths."""
    if isinstance(data, (str, os.PathLike)):
        return [data]
    if isinstance(data, Sequence) and data and all(isinstance(d, (str, os.PathLike)) for d in data):
        return list(data)
    return None


def _as_frame(data: Any) -> pd.DataFrame:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})
    if isinstance(data, Sequence):
        return pd.DataFrame.from_records(list(data)).astype(object)
    raise DataError(f"cannot score a {type(data).__name__}: pass a DataFrame, a mapping or a path")


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    """The engine of the installed plugins (and ``U4SSC_PLUGINS_DIR``), built once per process."""
    return Engine.load()


def score(data: Any, **options: Any) -> Result:
    """Score ``data`` with :func:`default_engine`; see :meth:`Engine.score`."""
    return default_engine().score(data, **options)
