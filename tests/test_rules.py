"""The rules said once (audit/rules.py): the one-cell form and the whole-column form agree."""

from __future__ import annotations

import math
from datetime import date

import pytest

from audit.cells import cell_number
from audit.rules import NUMBER_RULES, number_column, number_problem, parse_score, score_column, score_problem

CELLS: list[object] = [
    1.0, 5.0, 3, "2", " 4 ", "4,0", "5.0", 0.0, 6, -1, 2.5, "2,5", "abc", "", "  ", None, float("nan"),
    float("inf"), True, False, date(2026, 1, 5), "1,234", "12 500", 1e309, "1e3", 100000.0,
]  # fmt: skip


def test_the_score_column_says_what_each_cell_says() -> None:
    values, refused = score_column(CELLS, "Not saved.")
    by_index = {r.index: (r.code, r.message) for r in refused}
    for index, cell in enumerate(CELLS):
        problem = score_problem(cell, "Not saved.")
        assert by_index.get(index) == problem, (index, cell)
        assert values[index] == (None if problem else parse_score(cell)), (index, cell)


@pytest.mark.parametrize("field", list(NUMBER_RULES))
def test_a_number_column_says_what_each_cell_says(field: str) -> None:
    values, refused = number_column(field, CELLS)
    by_index = {r.index: (r.code, r.message) for r in refused}
    for index, cell in enumerate(CELLS):
        problem = number_problem(field, cell)
        assert by_index.get(index) == problem, (field, index, cell)
        expected = None if problem else cell_number(cell, thousands=NUMBER_RULES[field].thousands)
        got = values[index]
        assert got == expected or (got is not None and expected is not None and math.isclose(got, expected)), (
            field, index, cell
        )  # fmt: skip


def test_the_score_rule_refuses_what_the_method_does_not_allow() -> None:
    assert score_problem(7, "Not saved.") == ("score_out_of_range", "7 is outside 1-5. Not saved.")
    assert score_problem("3.5")[0] == "score_not_whole"  # type: ignore[index]
    assert score_problem(True)[0] == "score_not_a_number"  # type: ignore[index]
    assert score_problem("") is None and parse_score("") is None  # empty is not scored, never zero
