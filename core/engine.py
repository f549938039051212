"""The engine: plugins loaded and the graph resolved once, then reused for every call.

The CLI, the Python API and the Excel functions all score through :class:`Engine`, so they cannot
disagree::

    engine = Engine.load()                       # built-in and installed plugins
    result = engine.score(frame)                 # many cities, vectorised
    one = engine.score_one({"city": "Aster", "population": 120_000, ...})
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .catalogue import Catalogue, Output
from .errors import DataError, ValidationError
from .evaluate import Plan, evaluate, run_checks
from .graph import IndicatorGraph
from .indicator_tables import IndicatorTable
from .inputs import ColumnMatcher, Prepared, prepare_frame, prepare_record
from .plugins import INDICATORS_ENV, PluginInfo, env_list, load_plugins
from .result import Result
from .scoring import Bands, score_matrix
from .targets import TargetSet
from .values import NoteTable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Data", "Engine", "default_engine", "score"]

#: What can be scored: a DataFrame, a mapping of column name to values, a list of row
#: mappings, or the path of a CSV, Excel, Parquet or JSON file.
Data = Union[
    "pd.DataFrame",
    Mapping[str, Sequence[Any]],
    Sequence[Mapping[str, Any]],
    str,
    "os.PathLike[str]",
]


def _u4ssc_version() -> str:
    try:
        return version("u4ssc")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


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
        decimal: str = ".",
        strict: bool = False,
        targets: TargetSet | str | os.PathLike[str] | None = None,
        bands: Bands | None = None,
        progress: Callable[[int, int], None] | None = None,
        indicators: Iterable[str] | None = None,
    ) -> Result:
        """Score a table of cities: one row per city and year (wide) or one per value (long).

        :param data: a DataFrame, a mapping of column name to values, a list of row mappings, or
            the path of a CSV, Excel, Parquet or JSON file.
        :param decimal: the decimal separator used in text cells.
        :param strict: raise :class:`ValidationError` on any invalid input instead of scoring the
            rest and marking those values invalid.
        :param targets: a :class:`TargetSet`, or the path of a target CSV laid over the default set.
        :param bands: band edges and the lower-is-better rule (default: U4SSC's).
        :param progress: called as ``progress(done, total)`` as the indicators are evaluated.
        :param indicators: KPI codes (or ids) to score; only they and what they need are evaluated.
        """
        subset = self._subset(indicators)
        target_set = self.targets(targets)
        frame = _as_frame(data)
        notes = NoteTable()
        prepared = prepare_frame(frame, self.matcher, notes, decimal=decimal)
        return self._run(prepared, notes, strict, target_set, bands or self.bands, subset, progress)

    def score_one(
        self,
        record: Mapping[str, object],
        *,
        decimal: str = ".",
        strict: bool = False,
        targets: TargetSet | str | os.PathLike[str] | None = None,
        bands: Bands | None = None,
        indicators: Iterable[str] | None = None,
    ) -> Result:
        """Score one city from a mapping of data item names (or KPI ids) to values.

        Takes a fast path with no DataFrame: parsing and bounds come from the same declarations as
        :meth:`score`, and the values are identical.
        """
        subset = self._subset(indicators)
        target_set = self.targets(targets)
        notes = NoteTable()
        prepared = prepare_record(record, self.matcher, notes, decimal=decimal)
        return self._run(prepared, notes, strict, target_set, bands or self.bands, subset)

    def _run(
        self,
        prepared: Prepared,
        notes: NoteTable,
        strict: bool,
        target_set: TargetSet,
        bands: Bands,
        subset: tuple[Plan, list[Output]],
        progress: Callable[[int, int], None] | None = None,
    ) -> Result:
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
        broken = run_checks(self.catalogue, evaluation, prepared.inputs, prepared.n)
        scores = score_matrix(outputs, evaluation.values, evaluation.status, target_set, bands)
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
        )

    def validate(
        self,
        data: Data,
        *,
        decimal: str = ".",
    ) -> list[Any]:
        """Return every problem in ``data`` without scoring it."""
        return prepare_frame(_as_frame(data), self.matcher, NoteTable(), decimal=decimal).problems

    def manifest(self) -> dict[str, Any]:
        """What this engine is made of: version, plugins and replacements, for every output."""
        if self._manifest is None:
            self._manifest = self._describe()
        return {
            key: list(value) if isinstance(value, list) else value
            for key, value in self._manifest.items()
        }

    def _describe(self) -> dict[str, Any]:
        return {
            "u4ssc_version": _u4ssc_version(),
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


def _as_frame(data: Any) -> pd.DataFrame:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, os.PathLike)):
        from .readers import read_table

        return read_table(Path(data))
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
