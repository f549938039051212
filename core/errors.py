"""One exception hierarchy for u4ssc, with structured fields a program can read.

The library raises these and never prints. The CLI turns each into a short message and the exit
code given by its ``exit_code`` attribute (documented in ``docs/cli.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigurationError",
    "DataError",
    "GraphError",
    "GraphProblem",
    "InputProblem",
    "OutputError",
    "PluginError",
    "U4SSCError",
    "UnknownNameError",
    "ValidationError",
]


class U4SSCError(Exception):
    """Base class of every error u4ssc raises on purpose."""

    #: Exit code the CLI uses for this kind of error.
    exit_code = 1


class ConfigurationError(U4SSCError):
    """The set of plugins, indicators or targets is unusable; nothing can be scored."""

    exit_code = 3


class PluginError(ConfigurationError):
    """A plugin failed to load or registered something broken.

    :ivar plugin: name of the plugin at fault.
    :ivar hook: the hook that failed, if any.
    """

    def __init__(self, plugin: str, message: str, *, hook: str | None = None) -> None:
        self.plugin = plugin
        self.hook = hook
        where = f"plugin {plugin!r}" + (f" in hook {hook}" if hook else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class GraphProblem:
    """One problem found while building the indicator graph.

    :ivar kind: ``cycle``, ``duplicate`` or ``unknown``.
    :ivar message: a sentence saying what is wrong and how to fix it.
    :ivar names: the indicators or items involved (the cycle, in order, for ``cycle``).
    :ivar plugins: the plugins involved.
    :ivar suggestions: close matches, for ``unknown``.
    """

    kind: str
    message: str
    names: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()


class GraphError(ConfigurationError):
    """The indicator graph is broken; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Sequence[GraphProblem]) -> None:
        self.problems = list(problems)
        lines = [f"the indicator graph has {len(self.problems)} problem(s):"]
        lines += [f"  - {p.message}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownNameError(U4SSCError, LookupError):
    """A code, id or name matches nothing registered.

    :ivar name: what was asked for.
    :ivar suggestions: close matches.
    """

    exit_code = 2

    def __init__(self, what: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {' or '.join(map(repr, self.suggestions))}?" if suggestions else ""
        super().__init__(f"unknown {what} {name!r}{hint}")


class DataError(U4SSCError):
    """Input data cannot be read at all (wrong layout, no ``city`` column, unreadable file)."""

    exit_code = 4


@dataclass(frozen=True)
class InputProblem:
    """One problem with one input cell, row or column.

    :ivar row: 0-based position of the input row, or ``None`` for a whole column or file.
    :ivar column: the input column concerned, or ``None`` for a whole row.
    :ivar value: the offending cell text, if any.
    :ivar rule: short machine-readable rule name (``bounds``, ``number``, ``duplicate``, ...).
    :ivar message: what is wrong and how to fix it.
    :ivar severity: ``error`` (the cell is invalid) or ``warning`` (reported, still used).
    :ivar file: the input file the row belongs to, when the input came from files (rows count
        from the first row under that file's header).
    """

    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"
    file: str | None = None

    @property
    def where(self) -> str:
        """Where the problem is, as printed: ``a.csv, row 3, column 'households'``."""
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row + 1}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts) or "input"


class ValidationError(U4SSCError):
    """Input failed validation in strict mode; ``problems`` holds every failure found."""

    exit_code = 1

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        where = f": {first.where}: {first.message}" if first is not None else ""
        super().__init__(f"{len(self.problems)} invalid input cell(s){where}")


class OutputError(U4SSCError):
    """The output cannot be written (unwritable path, or a format that cannot hold the result)."""

    exit_code = 5
