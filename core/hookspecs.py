"""The hooks a u4ssc plugin can implement.

A plugin is a module (or any object) with functions named like the hooks below, each marked with
:data:`hookimpl`. The built-in dimensions are plugins of exactly this kind, registered through the
``u4ssc`` entry-point group like any third-party package. Every hook is optional.

The project name, the hook marker, the entry-point group and the hook prefix are all ``u4ssc``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pluggy

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "u4ssc"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def u4ssc_data_items() -> Iterable[Any]:
    """Return the raw data items this plugin declares.

    Each item is a :class:`u4ssc.core.DataItem`. An item is declared once, by one plugin, and any
    plugin's indicators may use it by naming it as a parameter. The declarations drive input
    validation, the ``u4ssc inputs`` listing and the documentation.

    :return: an iterable of :class:`u4ssc.core.DataItem`.
    """


@hookspec
def u4ssc_indicators() -> Iterable[Any]:
    """Return the indicator functions this plugin adds.

    Each is a function decorated with :func:`u4ssc.core.indicator`. The engine builds its
    dependency graph from their parameter names. Two plugins may not define the same code or
    function name unless one of them passes ``replaces=True`` to the decorator: that indicator
    then replaces the other one everywhere, and the replacement is shown by ``u4ssc plugins`` and
    ``u4ssc explain`` and recorded in the manifest of every result. A formula works element-wise,
    one value per row from that row's inputs. The decorator's ``bounds=(lowest, highest)`` is the
    range every value must lie in (by default from the unit; a value outside is ``invalid``) and
    ``usual=(lowest, highest)`` the range it usually lies in (outside it, a warning on the row).

    :return: an iterable of decorated functions (``indicators_in(module)`` collects a module's).
    """


@hookspec
def u4ssc_targets() -> Iterable[Any]:
    """Return benchmark targets this plugin contributes, such as a city's local targets.

    Each is a :class:`u4ssc.core.Target`, usually with ``kind="local"`` and a ``source`` naming
    the plan it comes from. They are laid over the default target set, after it and before a
    target file given by the user, and may name any KPI code or data point id.

    :return: an iterable of :class:`u4ssc.core.Target`.
    """


@hookspec
def u4ssc_checks() -> Iterable[Any]:
    """Return consistency checks across indicators, reported as warnings, never as errors.

    Each is a function decorated with :func:`u4ssc.core.check`; its parameters name indicators or
    data items, and it returns a boolean array that is true where the rule is broken.

    :return: an iterable of decorated check functions.
    """


@hookspec
def u4ssc_cli_commands(cli: Any) -> None:
    """Add commands to the ``u4ssc`` command line.

    Called once when the CLI starts, after the built-in commands exist, for the plugins of the
    ``u4ssc`` entry points and of ``U4SSC_PLUGINS_DIR`` (``--plugins-dir`` is read too late for
    this hook). Import heavy libraries inside the command, so that ``u4ssc --help`` stays fast.

    :param cli: the ``click.Group`` of the ``u4ssc`` command; call ``cli.add_command(...)``.
    """
