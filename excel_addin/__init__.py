"""u4ssc in Excel: worksheet functions over the same engine, and the data-collection workbook.

- :mod:`u4ssc.excel_addin.udfs`: the worksheet functions (``=U4SSC_KPI(...)``, ...), written once
  with xlwings' ``func``/``arg``/``ret`` for classic Excel (the xlwings add-in) and xlwings Lite.
- :mod:`u4ssc.excel_addin.convert`: Excel values to engine inputs and back; no xlwings import.
- :mod:`u4ssc.excel_addin.template`: the data-collection workbook (``u4ssc template OUT.xlsx``),
  computed with native formulas traced from the indicator functions (:mod:`.trace`), with notes
  written from the catalogue (:mod:`.guidance`) and laid out for screen and paper
  (:mod:`.layout`).

``docs/excel.md`` explains the set-up. Importing this package imports neither xlwings nor
openpyxl; :func:`write_template` loads openpyxl when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .template import TemplateReport, write_template

__all__ = ["TemplateReport", "write_template"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import template

        return getattr(template, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
