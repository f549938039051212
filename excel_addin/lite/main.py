"""u4ssc in xlwings Lite: paste this file into the main.py tab of the xlwings Lite editor, and
requirements.txt (next to this file) into the requirements.txt tab. See docs/excel.md.

The worksheet functions are u4ssc's own: importing them here is what makes xlwings Lite register
them, so they stay exactly those of the classic add-in (one module, u4ssc.excel_addin.udfs).
In Excel they are =U4SSC_KPI(code, inputs), =U4SSC_SCORE(inputs), and so on.
"""

from u4ssc.excel_addin.udfs import (
    u4ssc_band,
    u4ssc_explain,
    u4ssc_indicators,
    u4ssc_inputs,
    u4ssc_kpi,
    u4ssc_points,
    u4ssc_rollup,
    u4ssc_score,
    u4ssc_version,
)

__all__ = [
    "u4ssc_band",
    "u4ssc_explain",
    "u4ssc_indicators",
    "u4ssc_inputs",
    "u4ssc_kpi",
    "u4ssc_points",
    "u4ssc_rollup",
    "u4ssc_score",
    "u4ssc_version",
]
