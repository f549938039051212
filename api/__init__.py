"""u4ssc: the U4SSC Key Performance Indicators for Smart Sustainable Cities, as software.

The public Python API::

    import u4ssc
    result = u4ssc.score("examples/cities.csv")
    result.to_frame()

``import u4ssc`` is cheap; the engine and pandas load on first use.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from u4ssc.core import (
        DataItem,
        DataPoint,
        Engine,
        Result,
        Status,
        U4SSCError,
        check,
        default_engine,
        hookimpl,
        indicator,
    )
    from u4ssc.core.engine import score

try:
    __version__ = version("u4ssc")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "DataItem",
    "DataPoint",
    "Engine",
    "Result",
    "Status",
    "U4SSCError",
    "__version__",
    "check",
    "default_engine",
    "hookimpl",
    "indicator",
    "score",
]

_LAZY = {name: "u4ssc.core" for name in __all__ if name not in ("__version__", "score")}
_LAZY["score"] = "u4ssc.core.engine"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
