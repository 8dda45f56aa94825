"""The scoring grid of a workshop, without a browser: build it, and read back what changed.

The score page shows `score_grid(...)` in an editable table and passes the edited copy
to `grid_changes`, which validates every edited cell on the server (the grid's 1-5 limits
are only enforced in the browser) and returns what to save and what to refuse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import pandas as pd

from audit.metrics import filter_touchpoints
from audit.scoring import composite, criterion_stats
from audit.vocabulary import CRITERIA

GRID_COLUMNS = ["id", "name", "stage", "channel", "owner", *CRITERIA, "note"]

RUBRIC = {
    "relevance": "Does it fit what this customer needs at this moment, their situation, devices and "
    "expectations? Is it in the right place at the right time?",
    "meaningfulness": "Does it offer an adequate, efficient way to solve the customer's problem? Does the "
    "customer get what they came for?",
    "attractiveness": "Does it leave a good impression, is it pleasant, would the customer want to come back?",
}
SCALE_WORDS = {1: "very poor", 2: "poor", 3: "adequate", 4: "good", 5: "excellent"}


@dataclass(frozen=True)
class ScoreEdit:
    """One edited cell: a score and the row's note to save, or the reason it was refused."""

    key: str
    name: str
    criterion: str
    value: int | None
    note: str | None
    error: str | None = None


def score_grid(touchpoints: pd.DataFrame, scores: pd.DataFrame, assessor: str) -> pd.DataFrame:
    """One row per touchpoint with this assessor's three scores and note (empty where not scored)."""
    mine = scores[scores["assessor"] == assessor]
    wide = mine.pivot_table(index="touchpoint_id", columns="criterion", values="score", aggfunc="last")
    notes = mine.dropna(subset=["note"]).groupby("touchpoint_id")["note"].last()
    grid = touchpoints[["id", "name", "stage", "channel", "owner"]].copy().reset_index(drop=True)
    for criterion in CRITERIA:
        values = grid["id"].map(wide[criterion]) if criterion in wide.columns else pd.Series(pd.NA, index=grid.index)
        grid[criterion] = values.astype("Float64").astype("Int64")
    grid["note"] = grid["id"].map(notes).astype("object")
    return grid[GRID_COLUMNS]


def filter_grid(grid: pd.DataFrame, *, stages: list[str], channels: list[str], owners: list[str]) -> pd.DataFrame:
    """Rows of the chosen stages, channels and owners (an empty choice keeps all)."""
    return filter_touchpoints(grid, {"stage": stages, "channel": channels, "owner": owners}).reset_index(drop=True)


def progress(grid: pd.DataFrame) -> tuple[int, int]:
    """(scored cells, all cells) of this assessor's grid."""
    cells = grid[list(CRITERIA)]
    return int(cells.notna().sum().sum()), cells.size


def grid_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[ScoreEdit]:
    """Every cell that differs between the grid shown and the grid edited, validated.

    A note belongs to the row: when it changes, all three criteria are saved with it.
    """
    edits: list[ScoreEdit] = []
    for index in before.index.intersection(after.index):
        old, new = before.loc[index], after.loc[index]
        note = _note(new["note"])
        note_changed = _note(old["note"]) != note
        for criterion in CRITERIA:
            if note_changed or not _same(old[criterion], new[criterion]):
                value, error = _validate(new[criterion])
                edits.append(ScoreEdit(str(old["id"]), str(old["name"]), criterion, value, note, error))
    return edits


def _same(old: object, new: object) -> bool:
    if _missing(old) and _missing(new):
        return True
    return not _missing(old) and not _missing(new) and float(old) == float(new)  # type: ignore[arg-type]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _note(value: object) -> str | None:
    if _missing(value):
        return None
    text = str(value).strip()
    return text or None


def _validate(value: object) -> tuple[int | None, str | None]:
    if _missing(value):
        return None, None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, f"'{value}' is not a number; scores are whole numbers 1-5. Not saved."
    if not number.is_integer() or not 1 <= number <= 5:
        return None, f"{value} is not a score; scores are whole numbers 1-5. Not saved."
    return int(number), None


@dataclass
class InventoryChanges:
    """What an edited inventory table asks for: new rows, changed fields, archived keys, refusals."""

    added: list[dict[str, object]]
    updated: dict[str, dict[str, object]]
    archived: list[str]
    problems: list[str]


INVENTORY_NUMBERS = {"importance": (1, 5), "reach": (0, None), "conversions": (0, None), "customer_rating": (1, 5)}


def inventory_changes(before: pd.DataFrame, after: pd.DataFrame) -> InventoryChanges:
    """Compare the inventory table shown with the one edited; validate what changed."""
    changes = InventoryChanges([], {}, [], [])
    fields = [c for c in before.columns if c not in ("id", "archive")]
    for index in after.index:
        new = after.loc[index]
        if index not in before.index:
            values = {c: _cell(new[c]) for c in ["id", *fields]}
            if values["name"] is None:
                continue  # an empty new row is not yet a touchpoint
            if _check_numbers(values, f"New touchpoint '{values['name']}'", changes.problems):
                changes.added.append(values)
            continue
        old, key = before.loc[index], str(before.loc[index, "id"])
        if bool(new.get("archive")):
            changes.archived.append(key)
            continue
        diff = {c: _cell(new[c]) for c in fields if _cell(new[c]) != _cell(old[c])}
        if "name" in diff and diff["name"] is None:
            changes.problems.append(f"{key}: a touchpoint needs a name; the change was not saved.")
            continue
        if diff and _check_numbers(diff, key, changes.problems):
            changes.updated[key] = diff
    return changes


def _cell(value: object) -> object:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value.item() if hasattr(value, "item") else value


def _check_numbers(values: dict[str, object], where: str, problems: list[str]) -> bool:
    for column, (low, high) in INVENTORY_NUMBERS.items():
        value = values.get(column)
        if value is None:
            continue
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(f"{where}: {column} '{value}' is not a number; not saved.")
            return False
        if number < low or (high is not None and number > high):
            limit = f"{low} to {high}" if high is not None else f"{low} or more"
            problems.append(f"{where}: {column} {value} is outside {limit}; not saved.")
            return False
        values[column] = number
    return True


def room(touchpoints: pd.DataFrame, scores: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """What the facilitator sees: each touchpoint's mean and n per criterion, composite, 'discuss'.

    Computed straight from the scores (not the whole audit), since it refreshes every few seconds.
    """
    stats = cast(pd.DataFrame, criterion_stats(scores).unstack("criterion"))
    view = touchpoints[["id", "name", "stage"]].reset_index(drop=True)
    means = pd.DataFrame(index=view.index)
    for criterion in CRITERIA:
        short = criterion[:1].upper()
        mean = stats["mean"][criterion] if criterion in stats["mean"].columns else pd.Series(dtype="float64")
        count = stats["n"][criterion] if criterion in stats["n"].columns else pd.Series(dtype="float64")
        means[criterion] = view["id"].map(mean)
        view[f"{short} mean"] = means[criterion].round(2)
        view[f"{short} n"] = view["id"].map(count).fillna(0).astype("int64")
    view["composite"] = composite(means, weights).round(2)
    flags = cast(pd.DataFrame, stats["discuss"]) if len(stats) else pd.DataFrame()
    discuss = flags.fillna(False).astype(bool).any(axis=1) if len(flags) else pd.Series(dtype=bool)
    view["discuss"] = view["id"].map(discuss).astype("boolean").fillna(False).astype(bool)
    return view
