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
    "FormulaError",
    "FormulaProblem",
    "GraphError",
    "GraphProblem",
    "InputProblem",
    "OutputError",
    "PluginError",
    "U4SSCError",
    "UnknownNameError",
    "UsageError",
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


@dataclass(frozen=True)
class FormulaProblem:
    """One problem with a formula, or with a row of an indicator table.

    :ivar message: what is wrong and how to fix it.
    :ivar formula: the formula text concerned, if any.
    :ivar offset: 0-based position in ``formula`` where the problem starts, if known.
    :ivar source: the indicator table's file name, if the formula came from one.
    :ivar row: the table row, numbered as a spreadsheet shows it (the header is row 1).
    :ivar column: the table column concerned.
    :ivar names: the names involved (an unknown name, or the ids of a circle, in order).
    :ivar suggestions: close matches, for an unknown name.
    """

    message: str
    formula: str = ""
    offset: int | None = None
    source: str = ""
    row: int | None = None
    column: str | None = None
    names: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = [part for part in (self.source, _table_row(self.row)) if part]
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = self.message
        if self.formula:
            text += f" ({_excerpt(self.formula, self.offset)})"
        return f"{', '.join(where)}: {text}" if where else text


class FormulaError(ConfigurationError):
    """A formula cannot be used, or an indicator table has broken rows.

    Raised by :func:`u4ssc.core.expressions.parse_formula` for one formula (one problem) and by the
    indicator-table loader for a whole table (every problem found, each with its row and column).
    Nothing in a formula is ever executed: text that is not a whitelisted arithmetic expression is
    rejected with this error and nothing else.

    :ivar problems: the :class:`FormulaProblem` found, in table order.
    """

    def __init__(self, problems: Sequence[FormulaProblem]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            text = "\n".join(
                [f"{len(self.problems)} problems:", *(f"  - {p}" for p in self.problems)]
            )
        super().__init__(text)


def _excerpt(formula: str, offset: int | None, width: int = 60) -> str:
    """Where in the formula: all of a short one, a window around ``offset`` of a long one."""
    if offset is None:
        return f"in {formula if len(formula) <= width else formula[:width] + '…'!r}"
    if len(formula) <= width:
        return f"at character {offset + 1} of {formula!r}"
    start = max(0, offset - width // 3)
    end = start + width
    window = ("…" if start else "") + formula[start:end] + ("…" if end < len(formula) else "")
    return f"at character {offset + 1}: {window!r}"


def _table_row(row: int | None) -> str:
    return "" if row is None else f"row {row}"


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


class UsageError(U4SSCError):
    """A request cannot be carried out as asked: an unusable name, or a folder already in use."""

    exit_code = 2


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
    :ivar cell: the spreadsheet cell the problem is in, e.g. ``Inputs!D39``, when the file is a
        data-collection workbook (its rows are not the table's rows).
    """

    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"
    file: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        """Where the problem is, as printed: ``a.csv, row 3, column 'households'``, or
        ``aster.xlsx, cell Inputs!D39, column 'households'`` in a data-collection workbook."""
        parts = [self.file] if self.file else []
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        elif self.row is not None:
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
