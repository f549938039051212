"""The u4ssc engine: declarations, plugins, the indicator graph, evaluation and scoring.

This package is the public API plugins, the CLI and the Excel add-in build on. It never imports a
plugin, click or xlwings. Importing it is cheap: numpy and pandas are loaded only when an engine
is built or data is scored, pandera only when some input breaks a rule, and networkx only for
graph exports and for naming cycles.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    ConfigurationError,
    DataError,
    FormulaError,
    FormulaProblem,
    GraphError,
    GraphProblem,
    InputProblem,
    OutputError,
    PluginError,
    U4SSCError,
    UnknownNameError,
    UsageError,
    ValidationError,
)
from .formulas import SHARE_TOLERANCE, per_100k, per_capita, percent, ratio, shares_off_100
from .hookspecs import hookimpl
from .model import (
    Check,
    DataItem,
    DataPoint,
    Direction,
    Indicator,
    Kind,
    Tier,
    canonical_key,
    check,
    checks_in,
    data_items_in,
    indicator,
    indicators_in,
)

if TYPE_CHECKING:
    from .engine import Engine, default_engine
    from .expressions import Formula, parse_formula
    from .indicator_tables import IndicatorTable, read_indicator_table
    from .peers import PeerRule
    from .result import Result
    from .scoring import Bands
    from .status import Status
    from .targets import Target, TargetSet

__all__ = [
    "SHARE_TOLERANCE",
    "Bands",
    "Check",
    "ConfigurationError",
    "DataError",
    "DataItem",
    "DataPoint",
    "Direction",
    "Engine",
    "Formula",
    "FormulaError",
    "FormulaProblem",
    "GraphError",
    "GraphProblem",
    "Indicator",
    "IndicatorTable",
    "InputProblem",
    "Kind",
    "OutputError",
    "PeerRule",
    "PluginError",
    "Result",
    "Status",
    "Target",
    "TargetSet",
    "Tier",
    "U4SSCError",
    "UnknownNameError",
    "UsageError",
    "ValidationError",
    "canonical_key",
    "check",
    "checks_in",
    "data_items_in",
    "default_engine",
    "hookimpl",
    "indicator",
    "indicators_in",
    "parse_formula",
    "per_100k",
    "per_capita",
    "percent",
    "ratio",
    "read_indicator_table",
    "shares_off_100",
]

# Heavy parts, imported on first use so that importing the core stays cheap.
_LAZY = {
    "Engine": ".engine",
    "default_engine": ".engine",
    "Result": ".result",
    "Status": ".status",
    "Bands": ".scoring",
    "PeerRule": ".peers",
    "Target": ".targets",
    "TargetSet": ".targets",
    "Formula": ".expressions",
    "parse_formula": ".expressions",
    "IndicatorTable": ".indicator_tables",
    "read_indicator_table": ".indicator_tables",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)
