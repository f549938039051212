"""Finding, loading and asking plugins, with every failure pinned on the plugin at fault.

Plugins come from four places, in this order:

1. the ``u4ssc`` entry-point group (the built-in dimensions and installed city packages);
2. loose ``.py`` files in the directories given with ``--plugins-dir`` or ``U4SSC_PLUGINS_DIR``
   (several directories separated by the platform's path separator);
3. indicator tables (CSV or Excel, see :mod:`.indicator_tables`) given with ``--indicators`` or
   ``U4SSC_INDICATORS``, each a plugin named after its file;
4. plugin objects passed in by a program (tests, notebooks).

``U4SSC_BLOCK_PLUGINS`` (comma-separated names) keeps named plugins from loading.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginError, U4SSCError
from .hookspecs import PROJECT

__all__ = [
    "BLOCK_ENV",
    "INDICATORS_ENV",
    "PLUGINS_DIR_ENV",
    "PluginInfo",
    "load_plugins",
    "skip_hint",
]

PLUGINS_DIR_ENV = "U4SSC_PLUGINS_DIR"
INDICATORS_ENV = "U4SSC_INDICATORS"
BLOCK_ENV = "U4SSC_BLOCK_PLUGINS"


@dataclass
class PluginInfo:
    """A loaded plugin and what it registered.

    :ivar name: the plugin's name (entry-point name, file stem, or given name).
    :ivar version: the distribution version, ``file`` for a loose file, ``table`` for a table.
    :ivar origin: where it came from (distribution or path).
    :ivar registered: counts of what it registered, by kind (``indicators``, ``data items`` ...).
    :ivar replaces: codes of official indicators this plugin deliberately replaces.
    :ivar warnings: what looks wrong but does not stop the run, e.g. a ``u4ssc_*`` function
        without ``@hookimpl`` (one sentence each, naming the plugin and the fix).
    """

    name: str
    version: str
    origin: str
    plugin: object = field(repr=False)
    registered: dict[str, int] = field(default_factory=dict)
    replaces: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def hooks(self) -> list[str]:
        """Names of the hooks this plugin implements (functions marked with ``@hookimpl``)."""
        return sorted(name for name, marked in _hook_functions(self.plugin) if marked)


def env_list(name: str, separator: str) -> list[str]:
    """The non-empty parts of the environment variable ``name``, split at ``separator``."""
    return [part.strip() for part in os.environ.get(name, "").split(separator) if part.strip()]


def load_plugins(
    plugins_dirs: Sequence[str | os.PathLike[str]] = (),
    extra: Iterable[tuple[str, object]] = (),
    *,
    entry_point_group: str | None = PROJECT,
    block: Iterable[str] = (),
    indicator_tables: Sequence[str | os.PathLike[str]] = (),
) -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """Load every plugin and return the manager and one :class:`PluginInfo` per plugin.

    :param plugins_dirs: directories of loose plugin files, besides ``U4SSC_PLUGINS_DIR``.
    :param extra: ``(name, plugin)`` pairs registered after the others.
    :param entry_point_group: the entry-point group to scan; ``None`` skips entry points.
    :param block: plugin names not to load, besides ``U4SSC_BLOCK_PLUGINS``.
    :param indicator_tables: indicator tables (CSV or Excel) to load as plugins, each named
        after its file. ``U4SSC_INDICATORS`` is not read here (see :meth:`Engine.load`).
    :raises PluginError: a plugin failed to import or implements a hook wrongly; the message
        names the plugin and says how to run without it.
    :raises FormulaError: an indicator table has broken rows.
    :raises DataError: an indicator table is missing or unreadable.
    """
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    blocked = {*block, *env_list(BLOCK_ENV, ",")}
    infos: list[PluginInfo] = []

    def add(name: str, version: str, origin: str, load: Any) -> None:
        if name in blocked:
            return
        first = next((info for info in infos if info.name == name), None)
        if first is not None:
            raise PluginError(
                name,
                f"two plugins are named {name!r}: {first.origin} and {origin}. Rename one of "
                "them (a plugin file is named after the file, an installed plugin after its "
                f"entry point), or skip both with {BLOCK_ENV}={name}",
            )
        try:
            plugin = load()
        except U4SSCError:
            raise  # already says what is wrong and where (a broken indicator table)
        except Exception as error:
            raise PluginError(
                name,
                f"failed to load from {origin}: {type(error).__name__}: {error}. "
                f"Fix or uninstall it, or {skip_hint(name)}",
            ) from error
        hooks = _hook_names()
        for function, marked in _hook_functions(plugin):
            if marked and function not in hooks:
                raise PluginError(
                    name,
                    f"{function} (in {origin}) is not a u4ssc hook{_did_you_mean(function)}. "
                    f"Rename it (the hooks are {', '.join(hooks)}), or {skip_hint(name)}",
                )
        try:
            manager.register(plugin, name=name)
        except pluggy.PluginValidationError as error:
            raise PluginError(name, f"{error}. Fix it, or {skip_hint(name)}") from error
        info = PluginInfo(name, version, origin, plugin, warnings=_unmarked(name, origin, plugin))
        if not info.hooks and not info.warnings:
            info.warnings.append(
                f"plugin {name!r} ({origin}) implements no u4ssc hook, so it adds nothing: mark "
                "its hook functions with @hookimpl (from u4ssc.core import hookimpl)"
            )
        infos.append(info)

    if entry_point_group is not None:
        for ep in sorted(entry_points(group=entry_point_group), key=lambda ep: ep.name):
            dist = ep.dist
            version = dist.version if dist is not None else "unknown"
            origin = f"{dist.name if dist is not None else 'unknown'} ({ep.value})"
            add(ep.name, version, origin, ep.load)

    directories = [*map(str, plugins_dirs), *env_list(PLUGINS_DIR_ENV, os.pathsep)]
    for directory in directories:
        path = Path(directory)
        if not path.is_dir():
            raise PluginError(path.name, f"plugins directory {str(path)!r} does not exist")
        for file in sorted(path.glob("*.py")):
            if file.name.startswith("_"):
                continue
            add(file.stem, "file", str(file), lambda file=file: _load_file(file))

    for table in map(Path, indicator_tables):
        name = Path(table.name.partition("#")[0]).stem  # book.xlsx#Sheet names plugin "book"
        add(name, "table", str(table), lambda t=table, n=name: _load_table(t, n))

    for name, plugin in extra:
        add(name, "object", f"{type(plugin).__name__} given by the caller", lambda p=plugin: p)

    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        plugin_name = manager.get_name(error.plugin) or "?"
        raise PluginError(
            plugin_name,
            f"{error} (u4ssc hooks are: {', '.join(_hook_names())}). Fix it, or "
            f"{skip_hint(plugin_name)}",
        ) from error
    return manager, infos


def skip_hint(name: str) -> str:
    """How to run without plugin ``name``: the end of every message that blames a plugin."""
    return f"skip it with {BLOCK_ENV}={name}"


def _hook_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith(f"{PROJECT}_"))


def _hook_functions(plugin: object) -> list[tuple[str, bool]]:
    """``(name, marked with @hookimpl)`` for each ``u4ssc_*`` function of a plugin."""
    marker = f"{PROJECT}_impl"  # the attribute pluggy's HookimplMarker sets on a function
    found = []
    for name in dir(plugin):
        if name.startswith(f"{PROJECT}_"):
            function = getattr(plugin, name, None)
            if callable(function):
                found.append((name, getattr(function, marker, None) is not None))
    return found


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, _hook_names(), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _unmarked(name: str, origin: str, plugin: object) -> list[str]:
    """A warning for each ``u4ssc_*`` function that is not marked ``@hookimpl``: pluggy ignores
    it, so the plugin silently registers less than its author wrote."""
    hooks = _hook_names()
    warnings = []
    for function, marked in _hook_functions(plugin):
        if marked:
            continue
        if function in hooks:
            what = "is not marked @hookimpl, so u4ssc never calls it"
            fix = "put @hookimpl (from u4ssc.core import hookimpl) on the line above its def"
        else:
            what = f"is not a u4ssc hook{_did_you_mean(function)} and is not marked @hookimpl"
            fix = "rename it to a hook name and put @hookimpl on the line above its def"
        warnings.append(f"plugin {name!r} ({origin}): {function} {what}: {fix}")
    return warnings


def _load_table(path: Path, name: str) -> object:
    from .indicator_tables import read_indicator_table  # numpy and pandas: only when needed

    return read_indicator_table(path, name=name, defer=True)  # reported with unknown names


def _load_file(path: Path) -> ModuleType:
    module_name = f"{PROJECT}_local_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def collect(manager: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, object]]:
    """Call ``hook`` on each plugin that implements it and return ``(plugin name, object)`` pairs.

    Each plugin is called on its own, so a plugin that raises is named in the error and the objects
    are attributed to the plugin that returned them.

    :raises PluginError: a plugin's hook raised or returned something that is not iterable.
    """
    found: list[tuple[str, object]] = []
    caller = getattr(manager.hook, hook)
    for impl in caller.get_hookimpls():  # in registration order
        try:
            returned = impl.function(**kwargs)
            items = list(returned) if returned is not None else []
        except Exception as error:
            raise PluginError(
                impl.plugin_name,
                f"raised {type(error).__name__}: {error}. Fix the plugin, or "
                f"{skip_hint(impl.plugin_name)}",
                hook=hook,
            ) from error
        found += [(impl.plugin_name, item) for item in items]
    return found
