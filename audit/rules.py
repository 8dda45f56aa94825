"""The validation rules, each written once: what a score is, and the range of each number.

Every door asks these: the importer (inventory score columns and score files), the
participant's grid and card, the inventory editor, the store before it writes, and the
workbook's data validation. A rule says what is wrong in one sentence; the caller adds
what happens to the refused value (`consequence`: "Left unscored.", "Not saved.").

A rule has two forms that agree: one cell at a time (`score_problem`) for an edit typed
in the app, and a whole column at once (`score_column`, `number_column`) for a file,
with a fast path for the cells that are plainly right, so that a 100k-row inventory is
checked without a function call per cell.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from audit.cells import Cell, cell_number, cell_text

SCORES = (1, 2, 3, 4, 5)
LOWEST_SCORE, HIGHEST_SCORE = SCORES[0], SCORES[-1]

# What a spreadsheet cell holding a valid score looks like, and its score: the fast path.
# Booleans are excluded by the callers (True == 1 in Python).
_PLAIN_SCORES: dict[object, int | None] = {None: None, "": None}
_PLAIN_SCORES |= {float(s): s for s in SCORES}
_PLAIN_SCORES |= {str(s): s for s in SCORES}
_SLOW = object()


def score_problem(cell: Cell, consequence: str = "Left unscored.") -> tuple[str, str] | None:
    """(code, message) when a cell holds something other than empty or a whole 1-5; None when fine."""
    if cell_text(cell) is None:
        return None
    value = cell_number(cell)
    if value is None:
        return (
            "score_not_a_number",
            f"'{cell_text(cell)}' is not a number; scores are whole numbers 1-5. {consequence}",
        )
    if not LOWEST_SCORE <= value <= HIGHEST_SCORE:
        return "score_out_of_range", f"{value:g} is outside 1-5. {consequence}"
    if value != int(value):
        return "score_not_whole", f"{value:g} is not a whole number; scores are 1, 2, 3, 4 or 5. {consequence}"
    return None


def parse_score(cell: Cell) -> int | None:
    """The score a cell holds, None when empty; assumes `score_problem` found nothing."""
    value = cell_number(cell)
    return None if value is None else int(value)


def score_refusal(value: object, consequence: str) -> str | None:
    """Why a value about to be stored is not a score (None when it is one, or None itself)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return f"'{value}' is not a number; scores are whole numbers 1-5. {consequence}"
    problem = score_problem(value, consequence)
    return problem[1] if problem else None


@dataclass(frozen=True)
class Refused:
    """A cell of a column that a rule refused: its index in the column, the code and the message."""

    index: int
    code: str
    message: str


def score_column(cells: Sequence[Cell], consequence: str = "Left unscored.") -> tuple[list[int | None], list[Refused]]:
    """Every cell of a score column checked by the score rule: the scores (None where empty or refused)."""
    looked = list(map(_PLAIN_SCORES.get, cells, repeat(_SLOW, len(cells))))  # the fast path: one lookup a cell
    slow = [i for i, found in enumerate(looked) if found is _SLOW] if _SLOW in looked else []
    if bool in set(map(type, cells)):  # True == 1.0 as a key: booleans take the slow path
        slow += [i for i, cell in enumerate(cells) if cell is True or cell is False]
    values: list[int | None] = looked  # type: ignore[assignment]  # every _SLOW is replaced below
    refused: list[Refused] = []
    for index in sorted(set(slow)):
        cell = cells[index]
        problem = score_problem(cell, consequence)
        if problem is None:
            values[index] = parse_score(cell)
        else:
            values[index] = None
            refused.append(Refused(index, *problem))
    return values, refused


@dataclass(frozen=True)
class NumberRule:
    """The range of a number field of the inventory, and what happens to a refused value."""

    low: float
    high: float | None
    unit: str  # "1 to 5", "0 or more"
    default: str  # "3 is used", "left empty"
    thousands: bool = False  # "1,234" is a thousand (a count), not 1.234

    def problem(self, value: float) -> str | None:
        if value < self.low or (self.high is not None and value > self.high):
            return f"{value:g} is outside {self.unit}"
        return None


NUMBER_RULES: dict[str, NumberRule] = {
    "importance": NumberRule(1, 5, "1 to 5", "3 is used"),
    "reach": NumberRule(0, None, "0 or more", "left empty", thousands=True),
    "conversions": NumberRule(0, None, "0 or more", "left empty", thousands=True),
    "customer_rating": NumberRule(1, 5, "1 to 5", "left empty"),
}


def number_problem(field: str, cell: Cell, consequence: str | None = None) -> tuple[str, str] | None:
    """(code, message) when a cell of a number field is not a number in its range; None when fine or empty."""
    rule = NUMBER_RULES[field]
    then = consequence or f"{rule.default}."
    if cell_text(cell) is None:
        return None
    value = cell_number(cell, thousands=rule.thousands)
    if value is None:
        return "not_a_number", f"'{cell_text(cell)}' is not a number ({rule.unit}); {then}"
    found = rule.problem(value)
    return ("out_of_range", f"{found}; {then}") if found else None


def number_column(field: str, cells: Sequence[Cell]) -> tuple[list[float | None], list[Refused]]:
    """Every cell of a number column checked by its rule: the numbers (None where empty or refused)."""
    rule = NUMBER_RULES[field]
    low, high = rule.low, rule.high if rule.high is not None else sys.float_info.max  # inf is no number
    # The fast path, one comprehension: a float or int in range (NaN and inf fail the range test).
    looked = [float(c) if type(c) in _NUMBERS and low <= c <= high else _SLOW for c in cells]  # type: ignore[operator, arg-type]
    values: list[float | None] = looked  # type: ignore[assignment]  # every _SLOW is replaced below
    refused: list[Refused] = []
    for index in [i for i, found in enumerate(looked) if found is _SLOW]:
        cell = cells[index]
        problem = number_problem(field, cell)
        if problem is None:
            values[index] = cell_number(cell, thousands=rule.thousands)
        else:
            values[index] = None
            refused.append(Refused(index, *problem))
    return values, refused


_NUMBERS = frozenset({float, int})  # exact types: a bool is an int subclass, and no number
