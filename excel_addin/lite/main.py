"""u4ssc in xlwings Lite: paste this file into the main.py tab of the xlwings Lite editor, and
requirements.txt (next to this file) into the requirements.txt tab. See docs/excel.md.

The worksheet functions are u4ssc's own: importing them here (every name of the module's
``__all__``) is what makes xlwings Lite register them, so they stay exactly those of the classic
add-in. In Excel they are =U4SSC_KPI(code, inputs), =U4SSC_SCORE(inputs), and so on.
"""

from u4ssc.excel_addin.udfs import *  # noqa: F403
