"""Registration as classic Excel does it, on Linux: the xlwings add-in imports ``xlwings.udfs``
(which needs the Windows-only pywin32 modules), decorates the UDF module with its ``xlfunc``,
``xlarg`` and ``xlret``, and writes a VBA wrapper per function. Small stand-ins replace pywin32;
the decorators and the VBA generator are xlwings' own."""

from __future__ import annotations

import importlib
import inspect
import io
import re
import sys
import types
from typing import Any

import pytest

xlwings = pytest.importorskip("xlwings")

MODULE = "u4ssc.excel_addin.udfs"


class _ComError(Exception):
    """Stand-in for pywintypes.com_error."""


def _stand_ins() -> dict[str, types.ModuleType]:
    """The pywin32 modules xlwings.udfs imports, with the few names it uses at import."""
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = _ComError  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *args: None  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    return {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": client,
    }


def _desktop_excel() -> Any:
    """Stand-in for the Windows Excel engine's cell cleaning: pywin32 already turned the cells
    into Python values (errors into text, with err_to_str), so the stand-in passes them on."""
    impl = types.SimpleNamespace(
        name="excel",
        type="desktop",
        clean_value_data=lambda data, *options: data,
        prepare_xl_data_element=lambda value, options: value,
    )
    return xlwings.main.Engine(impl=impl)


@pytest.fixture(scope="module")
def classic() -> Any:
    """The UDF module as the classic add-in sees it: decorated by xlwings.udfs."""
    patch = pytest.MonkeyPatch()
    for name, module in _stand_ins().items():
        patch.setitem(sys.modules, name, module)
    patch.delitem(sys.modules, "xlwings.udfs", raising=False)
    xl_udfs = importlib.import_module("xlwings.udfs")
    patch.setattr(xlwings, "func", xl_udfs.xlfunc)
    patch.setattr(xlwings, "arg", xl_udfs.xlarg)
    patch.setattr(xlwings, "ret", xl_udfs.xlret)
    patch.setitem(xlwings.engines.engines_by_name, "excel", _desktop_excel())
    patch.delitem(sys.modules, MODULE, raising=False)
    module = importlib.import_module(MODULE)
    yield xl_udfs, module
    xl_udfs.com_executor.shutdown(wait=False)
    patch.undo()
    sys.modules.pop("xlwings.udfs", None)
    sys.modules.pop(MODULE, None)
    importlib.import_module(MODULE)  # the ordinary module again, for the other tests


def _vba(classic: Any) -> str:
    xl_udfs, module = classic
    book = types.SimpleNamespace(Name="u4ssc.xlsm")
    out = io.StringIO()
    xl_udfs.generate_vba_wrapper(MODULE, module, out, book)
    return out.getvalue()


def test_every_udf_is_registered_with_its_arguments(classic):
    _, module = classic
    vba = _vba(classic)
    for name in module.__all__:
        function = getattr(module, name)
        assert hasattr(function, "__xlfunc__"), name
        params = inspect.signature(function).parameters.values()
        declared = ", ".join(
            ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name
            for p in params
        )
        assert f"Function {name}({declared})" in vba
        call = f'{name} = XLPy.CallUDF("{MODULE}", "{name}", Array('
        assert call + ", ".join(p.name for p in params) + ")" in vba
    assert len(re.findall(r"^Function ", vba, re.MULTILINE)) == len(module.__all__)
    assert "Function u4ssc_kpi(code, inputs)" in vba
    assert "Function u4ssc_points(code, value, Optional target)" in vba


def test_ranges_are_read_two_dimensional_with_errors_as_text(classic):
    _, module = classic
    args = {a["name"]: a for a in module.u4ssc_score.__xlfunc__["args"]}
    assert args["inputs"]["options"]["ndim"] == 2
    assert args["inputs"]["options"]["err_to_str"] is True
    assert args["targets"]["optional"] is None
    assert "names" in args["inputs"]["doc"]
    assert module.u4ssc_explain.__xlfunc__["ret"]["options"]["transpose"] is True
    assert module.u4ssc_kpi.__xlfunc__["ret"]["doc"].startswith("The value of a U4SSC KPI")


def test_xlwings_converts_excel_values_and_results_with_these_options(classic):
    """What call_udf does around the function, without COM: read each argument with its
    options, call, write the result with the return options."""
    from xlwings import conversion

    _, module = classic
    inputs = [["households_with_internet", 812.0], ["households", 1000.0]]
    cases = {
        "u4ssc_kpi": ["EC: ICT: ICT: 1C", inputs],
        "u4ssc_score": [inputs, None, None],
        "u4ssc_explain": ["EC: ICT: ICT: 1C"],
        "u4ssc_points": ["EC: ICT: ICT: 2C", 57.0, None],
    }
    for name, raw in cases.items():
        function = getattr(module, name)
        infos = function.__xlfunc__["args"]
        args = [
            info.get("optional") if value is None else conversion.read(None, value, info["options"])
            for value, info in zip(raw, infos, strict=True)
        ]
        written = conversion.write(function(*args), None, function.__xlfunc__["ret"]["options"])
        assert isinstance(written, list)
        assert all(isinstance(row, list) for row in written)
        if name == "u4ssc_kpi":
            assert written == [[81.2]]
        if name == "u4ssc_points":
            assert written == [[4]]
        if name == "u4ssc_explain":  # one line per row
            assert all(len(row) == 1 for row in written)
            assert written[0][0].startswith("EC: ICT: ICT: 1C")
    single = conversion.read(None, 5.0, module.u4ssc_kpi.__xlfunc__["args"][1]["options"])
    assert single == [[5.0]]
