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

from audit import i18n
from audit.cells import Cell, cell_number, cell_text
from audit.i18n import N_, _

SCORES = (1, 2, 3, 4, 5)
LOWEST_SCORE, HIGHEST_SCORE = SCORES[0], SCORES[-1]

# What a spreadsheet cell holding a valid score looks like, and its score: the fast path.
# Booleans are excluded by the callers (True == 1 in Python).
_PLAIN_SCORES: dict[object, int | None] = {None: None, "": None}
_PLAIN_SCORES |= {float(s): s for s in SCORES}
_PLAIN_SCORES |= {str(s): s for s in SCORES}
_SLOW = object()


def figure(value: float) -> str:
    """A number as `:g` writes it, in the current language: "7", "5.5", "1,234", "۵٫۵" in Persian."""
    value = float(value)  # an int too (a rule's bounds)
    if value.is_integer() and abs(value) < 1e18:
        return i18n.integer(int(value))
    text = f"{value:.6g}"
    if "e" in text:  # a tiny or huge value: written as it is, in the language's digits
        return i18n.localize_digits(text)
    return i18n.number(value, len(text.partition(".")[2]))


def score_problem(cell: Cell, consequence: str | None = None) -> tuple[str, str] | None:
    """(code, message) when a cell holds something other than empty or a whole 1-5; None when fine.

    `consequence` is a sentence on what happens to the refused value; "Left unscored." by default."""
    if cell_text(cell) is None:
        return None
    then = consequence or _("Left unscored.")
    value = cell_number(cell)
    if value is None:
        return "score_not_a_number", _not_a_score(cell_text(cell) or "", then)
    if not LOWEST_SCORE <= value <= HIGHEST_SCORE:
        # TRANSLATORS: {value} is the score typed; {consequence} is a sentence such as "Left unscored."
        return "score_out_of_range", _("{value} is outside 1-5. {consequence}").format(
            value=figure(value), consequence=then
        )
    if value != int(value):
        # TRANSLATORS: {value} is the score typed; {consequence} is a sentence such as "Left unscored."
        message = _("{value} is not a whole number; scores are 1, 2, 3, 4 or 5. {consequence}")
        return "score_not_whole", message.format(value=figure(value), consequence=then)
    return None


def _not_a_score(text: str, consequence: str) -> str:
    # TRANSLATORS: {text} is what the cell holds; {consequence} is a sentence such as "Left unscored."
    return _("'{text}' is not a number; scores are whole numbers 1-5. {consequence}").format(
        text=text, consequence=consequence
    )


def parse_score(cell: Cell) -> int | None:
    """The score a cell holds, None when empty; assumes `score_problem` found nothing."""
    value = cell_number(cell)
    return None if value is None else int(value)


def score_refusal(value: object, consequence: str) -> str | None:
    """Why a value about to be stored is not a score (None when it is one, or None itself)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _not_a_score(str(value), consequence)
    problem = score_problem(value, consequence)
    return problem[1] if problem else None


@dataclass(frozen=True)
class Refused:
    """A cell of a column that a rule refused: its index in the column, the code and the message."""

    index: int
    code: str
    message: str


def score_column(cells: Sequence[Cell], consequence: str | None = None) -> tuple[list[int | None], list[Refused]]:
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
    high: float | None  # None: no upper bound ("0 or more")
    default: str  # what happens to a refused value, a sentence marked for the catalogs: "3 is used."
    thousands: bool = False  # "1,234" is a thousand (a count), not 1.234

    def outside(self, value: float) -> bool:
        return value < self.low or (self.high is not None and value > self.high)

    def not_a_number(self, text: str, consequence: str) -> str:
        """Why a cell that is no number was refused, with the range it should be in."""
        if self.high is None:
            # TRANSLATORS: {text} is what the cell holds; {consequence} is a sentence such as "left empty."
            message = _("'{text}' is not a number ({low} or more); {consequence}")
        else:
            # TRANSLATORS: {text} is what the cell holds; {consequence} is a sentence such as "left empty."
            message = _("'{text}' is not a number ({low} to {high}); {consequence}")
        return message.format(text=text, consequence=consequence, **self._bounds())

    def out_of_range(self, value: float, consequence: str) -> str:
        """Why a number outside the range was refused."""
        if self.high is None:
            # TRANSLATORS: {value} is the number typed; {consequence} is a sentence such as "left empty."
            message = _("{value} is below {low}; {consequence}")
        else:
            # TRANSLATORS: {value} is the number typed; {consequence} is a sentence such as "left empty."
            message = _("{value} is outside {low} to {high}; {consequence}")
        return message.format(value=figure(value), consequence=consequence, **self._bounds())

    def _bounds(self) -> dict[str, str]:
        return {"low": figure(self.low), "high": figure(self.high) if self.high is not None else ""}


NUMBER_RULES: dict[str, NumberRule] = {
    # TRANSLATORS: what happens to an importance that is not a number from 1 to 5.
    "importance": NumberRule(1, 5, N_("3 is used.")),
    # TRANSLATORS: what happens to a number that cannot be read (reach, conversions, customer rating).
    "reach": NumberRule(0, None, N_("left empty."), thousands=True),
    "conversions": NumberRule(0, None, N_("left empty."), thousands=True),
    "customer_rating": NumberRule(1, 5, N_("left empty.")),
}


def number_problem(field: str, cell: Cell, consequence: str | None = None) -> tuple[str, str] | None:
    """(code, message) when a cell of a number field is not a number in its range; None when fine or empty.

    `consequence` says what happens to the refused value ("not saved."); the rule's own by default."""
    rule = NUMBER_RULES[field]
    if cell_text(cell) is None:
        return None
    then = consequence or _(rule.default)
    value = cell_number(cell, thousands=rule.thousands)
    if value is None:
        return "not_a_number", rule.not_a_number(cell_text(cell) or "", then)
    return ("out_of_range", rule.out_of_range(value, then)) if rule.outside(value) else None


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
