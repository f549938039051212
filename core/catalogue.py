"""The catalogue: everything the plugins registered, checked and indexed.

Building it asks each plugin's hooks once, attributes each object to its plugin, and collects every
problem (duplicates, unknown names, cycles) before raising one :class:`GraphError` listing them all.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pluggy

from .errors import GraphProblem, PluginError, UnknownNameError
from .model import (
    Check,
    DataItem,
    DataPoint,
    Indicator,
    canonical_key,
    check_of,
    indicator_of,
    is_identifier,
)
from .plugins import PluginInfo, collect
from .targets import Target

__all__ = ["Catalogue", "Output", "Replacement", "outputs_of"]


@dataclass(frozen=True, slots=True)
class Output:
    """One scored value: a single-value KPI, or one data point of a multi-value KPI.

    :ivar id: the public id: the KPI code, or ``code: point`` for a data point.
    """

    indicator: Indicator
    point: DataPoint | None

    @property
    def id(self) -> str:
        """The public id (column name for a reported value on input, and printed on output)."""
        return self.indicator.code if self.point is None else self.indicator.point_id(self.point)

    @property
    def name(self) -> str:
        """KPI name, with the data point's name for a data point."""
        if self.point is None:
            return self.indicator.name
        return f"{self.indicator.name}: {self.point.name}"

    @property
    def unit(self) -> str:
        """Unit of the value."""
        return (self.point.unit if self.point else None) or self.indicator.unit

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the value must lie in (infinite for an open side): the data point's own,
        else the indicator's."""
        found = (self.point.bounds if self.point else None) or self.indicator.bounds
        assert found is not None  # resolved when the indicator was declared
        low, high = found
        return (-math.inf if low is None else low, math.inf if high is None else high)

    @property
    def usual(self) -> tuple[float, float] | None:
        """The range the value usually lies in, or ``None``: the data point's own, else (for a
        point without its own unit or bounds) the indicator's."""
        found = self.point.usual if self.point else None
        if found is None and (self.point is None or self.point.bounds is None):
            found = self.indicator.usual
        if found is None:
            return None
        low, high = found
        return (-math.inf if low is None else low, math.inf if high is None else high)

    @property
    def direction(self) -> str:
        """Direction of the value."""
        return str((self.point.direction if self.point else None) or self.indicator.direction)


def outputs_of(ind: Indicator) -> list[Output]:
    """The scored values of one indicator: itself, or each of its data points."""
    return [Output(ind, p) for p in ind.points] if ind.points else [Output(ind, None)]


@dataclass(frozen=True)
class Replacement:
    """A plugin deliberately replacing another plugin's indicator (``replaces=True``)."""

    code: str
    replaced_plugin: str
    replaced_id: str
    plugin: str
    id: str


@dataclass
class Catalogue:
    """Data items, indicators and checks of all plugins, keyed and in a stable order."""

    plugins: list[PluginInfo]
    items: dict[str, DataItem] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)
    problems: list[GraphProblem] = field(default_factory=list)
    #: old indicator id -> id of the indicator that replaced it
    aliases: dict[str, str] = field(default_factory=dict)
    #: canonical code key -> id of the indicator with that code, to find clashes in one look-up
    _by_code: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, manager: pluggy.PluginManager, plugins: list[PluginInfo]) -> Catalogue:
        """Ask every plugin for its registrations and index them; problems go to ``problems``."""
        catalogue = cls(plugins)
        for plugin, obj in collect(manager, "u4ssc_data_items"):
            catalogue._add_item(plugin, obj)
        for plugin, obj in collect(manager, "u4ssc_indicators"):
            catalogue._add_indicator(plugin, obj)
        for plugin, obj in collect(manager, "u4ssc_checks"):
            found = check_of(obj)
            if found is None:
                raise _not_registrable(plugin, "u4ssc_checks", obj, "@check")
            catalogue.checks.append(dataclasses.replace(found, plugin=plugin))
        for plugin, obj in collect(manager, "u4ssc_targets"):
            if not isinstance(obj, Target):
                raise _not_registrable(plugin, "u4ssc_targets", obj, "a Target")
            catalogue.targets.append(dataclasses.replace(obj, plugin=plugin))
        catalogue._check_names()
        for info in plugins:
            info.registered = {
                "data items": sum(i.plugin == info.name for i in catalogue.items.values()),
                "indicators": sum(i.plugin == info.name for i in catalogue.indicators.values()),
                "checks": sum(c.plugin == info.name for c in catalogue.checks),
                "targets": sum(t.plugin == info.name for t in catalogue.targets),
            }
            info.replaces = [r.code for r in catalogue.replacements if r.plugin == info.name]
        return catalogue

    # -- registration ----------------------------------------------------------------------------

    def _add_item(self, plugin: str, obj: object) -> None:
        if not isinstance(obj, DataItem):
            raise _not_registrable(plugin, "u4ssc_data_items", obj, "a DataItem")
        item = dataclasses.replace(obj, plugin=plugin)
        if not is_identifier(item.name):
            raise PluginError(
                plugin,
                f"data item name {item.name!r} must be lower_snake_case",
                hook="u4ssc_data_items",
            )
        existing = self.items.get(item.name)
        if existing is None:
            self.items[item.name] = item
        elif existing != item:
            self.problems.append(_duplicate("data item", item.name, existing.plugin, plugin))

    def _add_indicator(self, plugin: str, obj: object) -> None:
        found = indicator_of(obj)
        if found is None:
            raise _not_registrable(plugin, "u4ssc_indicators", obj, "decorated with @indicator")
        new = dataclasses.replace(found, plugin=plugin)
        keys = [p.key for p in new.points]
        if len(set(map(canonical_key, keys))) != len(keys):
            raise PluginError(
                plugin,
                f"{new.code} declares a data point key twice: {keys}",
                hook="u4ssc_indicators",
            )
        clash = self._clash(new)
        same_code = clash is not None and canonical_key(clash.code) == canonical_key(new.code)
        if clash is None:
            self.indicators[new.id] = new
            self._by_code[canonical_key(new.code)] = new.id
        elif same_code and new.replaces != clash.replaces:
            # Exactly one of the two says it replaces the other: the replacement wins, whichever
            # plugin loaded first, and takes the replaced indicator's place in catalogue order.
            winner, loser = (new, clash) if new.replaces else (clash, new)
            if winner.id == clash.id:
                self.indicators[clash.id] = winner
            else:
                self.indicators = {
                    (winner.id if key == clash.id else key): (winner if key == clash.id else ind)
                    for key, ind in self.indicators.items()
                }
            self._by_code[canonical_key(winner.code)] = winner.id
            self.aliases[loser.id] = winner.id
            self.replacements.append(
                Replacement(winner.code, loser.plugin, loser.id, winner.plugin, winner.id)
            )
        else:
            what = "code" if same_code else "name"
            name = new.code if same_code else new.id
            self.problems.append(_duplicate(f"indicator {what}", name, clash.plugin, plugin))

    def _clash(self, new: Indicator) -> Indicator | None:
        """The first indicator, in catalogue order, with ``new``'s code or id (two look-ups)."""
        by_code = self._by_code.get(canonical_key(new.code))
        found = [i for i in (by_code, new.id) if i is not None and i in self.indicators]
        if len(found) == 2 and found[0] != found[1]:
            order = {found[0]: 0, found[1]: 0}
            for position, key in enumerate(self.indicators):  # rare: both a code and an id clash
                if key in order:
                    order[key] = position
            found.sort(key=order.__getitem__)
        return self.indicators[found[0]] if found else None

    def _check_names(self) -> None:
        for name in self.items.keys() & self.indicators.keys():
            item, ind = self.items[name], self.indicators[name]
            self.problems.append(
                GraphProblem(
                    "duplicate",
                    f"{name!r} is both a data item (plugin {item.plugin!r}) and an indicator "
                    f"(plugin {ind.plugin!r}): rename one of them",
                    names=(name,),
                    plugins=(item.plugin, ind.plugin),
                )
            )
        replacing = {r.id for r in self.replacements}
        for ind in self.indicators.values():
            if ind.replaces and ind.id not in replacing:
                self.problems.append(
                    GraphProblem(
                        "unknown",
                        f"indicator {ind.code} (plugin {ind.plugin!r}) is marked replaces=True but "
                        "no other plugin defines that code: drop replaces=True or fix the code",
                        names=(ind.code,),
                        plugins=(ind.plugin,),
                    )
                )

    # -- look-ups --------------------------------------------------------------------------------

    def resolve(self, name: str) -> str:
        """Return the id of what ``name`` refers to, following replacements."""
        return self.aliases.get(name, name)

    def outputs(self) -> Iterator[Output]:
        """Every scored value, in catalogue order."""
        for ind in self.indicators.values():
            yield from outputs_of(ind)

    def suggest(self, name: str, candidates: Iterable[str] | None = None) -> list[str]:
        """Return close matches of ``name`` among item names, indicator ids and codes."""
        pool = list(candidates) if candidates is not None else self.known_names()
        return difflib.get_close_matches(name, pool, n=3, cutoff=0.6)

    def known_names(self) -> list[str]:
        """Every name a user may type: items, indicator ids, codes and data point ids."""
        return [*self.items, *self.indicators, *(o.id for o in self.outputs())]

    def find_indicator(self, text: str) -> Indicator:
        """Return the indicator with this code (any spacing or case) or id.

        :raises UnknownNameError: nothing matches; the error suggests close matches.
        """
        text = self.resolve(text.strip())
        if text in self.indicators:
            return self.indicators[text]
        key = canonical_key(text)
        for ind in self.indicators.values():
            if canonical_key(ind.code) == key:
                return ind
        codes = [i.code for i in self.indicators.values()]
        raise UnknownNameError("indicator", text, self.suggest(text, [*codes, *self.indicators]))


def _duplicate(what: str, name: str, first: str, second: str) -> GraphProblem:
    same = first == second
    where = f"plugin {first!r} twice" if same else f"plugins {first!r} and {second!r}"
    fix = (
        "rename one, or pass replaces=True where a city deliberately replaces an official formula"
        if what == "indicator code"
        else "rename one of them, or block one plugin"
    )
    return GraphProblem(
        "duplicate",
        f"{what} {name!r} is defined by {where}: {fix}",
        names=(name,),
        plugins=(first,) if same else (first, second),
    )


def _not_registrable(plugin: str, hook: str, obj: object, expected: str) -> PluginError:
    return PluginError(plugin, f"returned {obj!r}, which is not {expected}", hook=hook)
