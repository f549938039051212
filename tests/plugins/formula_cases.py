"""The test logic every dimension plugin shares; each dimension's test file supplies the tables.

A dimension test file keeps its own hand-computed formula cases, denominators, directly reported
KPIs and check cases, and builds the shared test classes from them::

    TestFormulas = formula_tests(INDICATORS, CASES, DENOMINATORS, DIRECT)
    TestChecks = check_tests(INDICATORS, CHECKS, CHECK_CASES)
    TestDataItems = data_item_tests(economy)

The indicator and check functions are called directly on numpy arrays, as the engine calls them.
How each KPI's metadata compares with the U4SSC reference list is tested once, for every dimension,
in ``tests/test_catalogue.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from u4ssc.core.model import check_of, data_items_in, indicator_of
from u4ssc.plugins import shared

#: (indicator function, raw inputs, expected value, or {point key: value} for a multi-value KPI)
FormulaCase = tuple[Callable[..., Any], dict[str, float], Any]
#: (check, broken row, good row); each row gives the indicator values the check reads.
CheckCase = tuple[Callable[..., Any], dict[str, Any], dict[str, Any]]


# -- helpers ---------------------------------------------------------------------------------------


def case_id(case: FormulaCase) -> str:
    return indicator_of(case[0]).code


def check_id(case: CheckCase) -> str:
    return case[0].__name__


def arrays(inputs: Mapping[str, float], dtype: type = float) -> dict[str, np.ndarray]:
    return {name: np.array([value], dtype=dtype) for name, value in inputs.items()}


def outputs(result: Any) -> dict[str | None, Any]:
    """Return a KPI's result as {point key: array}; a single-value KPI has the key None."""
    return dict(result) if isinstance(result, dict) else {None: result}


def call(func: Callable[..., Any], inputs: Mapping[str, Any]) -> dict[str | None, Any]:
    with np.errstate(all="ignore"):
        return outputs(func(**inputs))


def with_nan(row: dict[str, Any]) -> dict[str, Any]:
    """The row with one value missing (the last point of a multi-value KPI)."""
    name, value = list(row.items())[-1]
    if isinstance(value, dict):
        key = list(value)[-1]
        return {**row, name: {**value, key: np.nan}}
    return {**row, name: np.nan}


def stack(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Turn rows of scalars (or point dicts) into one input per parameter, a row per element."""

    def column(values: list[Any]) -> Any:
        if isinstance(values[0], dict):
            return {key: np.array([v[key] for v in values]) for key in values[0]}
        return np.array(values, dtype=float)

    return {name: column([row[name] for row in rows]) for name in rows[0]}


# -- formulas --------------------------------------------------------------------------------------


def formula_tests(
    indicators: list[Callable[..., Any]],
    cases: list[FormulaCase],
    denominators: Mapping[Callable[..., Any], str],
    direct: Collection[Callable[..., Any]],
    counts: Collection[str] = (),
) -> type:
    """Build the formula tests of one dimension.

    :param indicators: the plugin's indicator functions, in registration order.
    :param cases: one hand-computed case per indicator, in the same order.
    :param denominators: the denominator input of every KPI that has one.
    :param direct: the KPIs that report a value the city gives directly (no denominator).
    :param counts: point keys that count rather than divide (e.g. the number of open datasets), so
        a missing or zero denominator leaves them alone.
    """

    def ratios(result: dict[str | None, Any]) -> dict[str | None, Any]:
        return {key: values for key, values in result.items() if key not in counts}

    class TestFormulas:
        def test_every_kpi_has_a_case(self) -> None:
            assert [case[0] for case in cases] == indicators
            assert set(denominators) | set(direct) == set(indicators)
            assert not set(denominators) & set(direct)

        @pytest.mark.parametrize("case", cases, ids=case_id)
        def test_formula_gives_hand_computed_value(self, case: FormulaCase) -> None:
            func, inputs, expected = case
            assert set(inputs) == set(inspect.signature(func).parameters)
            with np.errstate(all="ignore"):
                returned = func(**arrays(inputs))
            assert isinstance(returned, dict) == isinstance(expected, dict)
            result = outputs(returned)
            expected = outputs(expected)
            assert result.keys() == expected.keys()
            for key, value in expected.items():
                assert result[key].shape == (1,)
                assert result[key][0] == pytest.approx(value, rel=1e-12), key

        @pytest.mark.parametrize("case", cases, ids=case_id)
        def test_missing_input_gives_nan(self, case: FormulaCase) -> None:
            func, inputs, _ = case
            everything_missing = call(func, arrays(dict.fromkeys(inputs, np.nan)))
            assert all(np.isnan(values).all() for values in everything_missing.values())
            for name in inputs:
                result = call(func, arrays({**inputs, name: np.nan}))
                assert any(np.isnan(values).all() for values in result.values()), name
                if name == denominators.get(func):
                    assert all(np.isnan(values).all() for values in ratios(result).values()), name

        @pytest.mark.parametrize("case", [c for c in cases if c[0] in denominators], ids=case_id)
        def test_zero_denominator_gives_non_finite_value(self, case: FormulaCase) -> None:
            func, inputs, _ = case
            result = ratios(call(func, arrays({**inputs, denominators[func]: 0})))
            assert result
            assert not any(np.isfinite(values).any() for values in result.values())

        @pytest.mark.parametrize("case", cases, ids=case_id)
        def test_three_rows_equal_three_single_rows(self, case: FormulaCase) -> None:
            func, inputs, _ = case
            first = next(iter(inputs))
            rows = [
                inputs,
                {**inputs, first: inputs[first] / 2},
                {**inputs, first: np.nan},
            ]
            together = call(func, {name: np.array([row[name] for row in rows]) for name in inputs})
            apart = [call(func, arrays(row)) for row in rows]
            for key, values in together.items():
                assert values.shape == (3,)
                np.testing.assert_array_equal(values, np.concatenate([one[key] for one in apart]))

    return TestFormulas


# -- consistency checks ----------------------------------------------------------------------------


def check_tests(
    indicators: list[Callable[..., Any]],
    checks: list[Callable[..., Any]],
    cases: list[CheckCase],
) -> type:
    """Build the consistency-check tests of one dimension, one case per check in order."""

    class TestChecks:
        def test_every_check_has_a_case(self) -> None:
            assert [case[0] for case in cases] == checks

        @pytest.mark.parametrize("case", cases, ids=check_id)
        def test_check_flags_broken_row_only(self, case: CheckCase) -> None:
            func, broken, good = case
            assert set(broken) == set(inspect.signature(func).parameters)
            flagged = func(**stack([broken, good, with_nan(broken)]))
            assert flagged.dtype == bool
            assert flagged.tolist() == [True, False, False]

        @pytest.mark.parametrize("case", cases, ids=check_id)
        def test_check_reads_the_dimensions_indicators_and_explains_itself(
            self, case: CheckCase
        ) -> None:
            found = check_of(case[0])
            assert found is not None
            assert len(found.message) > 40
            assert set(found.inputs) <= {f.__name__ for f in indicators}

    return TestChecks


# -- data items ------------------------------------------------------------------------------------


def data_item_tests(plugin: ModuleType) -> type:
    """Build the tests of the data items a dimension plugin declares."""

    class TestDataItems:
        def test_data_items_are_declared_once_and_not_shared_twice(self) -> None:
            names = [item.name for item in plugin.u4ssc_data_items()]
            assert len(names) == len(set(names))
            shared_names = {item.name for item in data_items_in(shared)}
            assert not set(names) & shared_names
            assert not set(names) & {f.__name__ for f in plugin.u4ssc_indicators()}

        def test_every_input_is_declared_and_every_item_used(self) -> None:
            items = {item.name for item in plugin.u4ssc_data_items()}
            shared_names = {item.name for item in data_items_in(shared)}
            used = {p for f in plugin.u4ssc_indicators() for p in inspect.signature(f).parameters}
            assert used <= items | shared_names
            assert items <= used

    return TestDataItems
