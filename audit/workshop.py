"""A workshop without a browser: the participant's grid and card, the room, the discuss queue.

The pages show these frames and pass what was edited back here: `grid_changes` reads every
edited cell as the text that was typed and checks it with the one score rule
(`rules.score_problem`), so a 7 is refused with a message, never clamped. `room` is what
the facilitator watches; `spread` is what a participant sees of one touchpoint after the
reveal; `discuss_queue` is the order the room talks in, largest spread first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from audit import i18n
from audit.cells import cell_number, is_blank
from audit.i18n import N_, _
from audit.metrics import filter_touchpoints
from audit.rules import NUMBER_RULES, number_problem, parse_score, score_problem
from audit.scoring import DISCUSS_SPAN, SCALE, composite, criterion_stats, wide_scores
from audit.vocabulary import CRITERIA

GRID_COLUMNS = ["id", "name", "stage", "channel", "owner", *CRITERIA, "note"]
NOT_SAVED = N_("Not saved.")  # what a refused score cell says happened; translated where used: _(NOT_SAVED)

# The question each criterion asks, and the words of the scale; translated where shown: _(RUBRIC[criterion]).
RUBRIC = {
    "relevance": N_(
        "Does it fit what this customer needs at this moment, their situation, devices and "
        "expectations? Is it in the right place at the right time?"
    ),  # fmt: skip
    "meaningfulness": N_(
        "Does it offer an adequate, efficient way to solve the customer's problem? Does the "
        "customer get what they came for?"
    ),  # fmt: skip
    "attractiveness": N_("Does it leave a good impression, is it pleasant, would the customer want to come back?"),
}
SCALE_WORDS = {
    1: N_("very poor"),
    2: N_("poor"),
    3: N_("adequate"),
    4: N_("good"),
    5: N_("excellent"),
}


@dataclass(frozen=True)
class ScoreEdit:
    """One edited score cell: the value to save, or the reason it was refused."""

    key: str
    name: str
    criterion: str
    typed: str | None
    value: int | None
    error: str | None = None


@dataclass(frozen=True)
class NoteEdit:
    """A row's edited note: saved once, with every criterion of the row."""

    key: str
    name: str
    note: str | None


def score_grid(touchpoints: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """One row per touchpoint with one assessor's scores and note as text ("" where not scored).

    `own` holds that assessor's rows (touchpoint_id, criterion, score, note). Every column is
    text, so the grid's schema never changes with the values and the browser never clamps.
    """
    grid = touchpoints[["id", "name", "stage", "channel", "owner"]].copy().reset_index(drop=True)
    wide = wide_scores(own, by=["touchpoint_id"])
    for criterion in CRITERIA:
        grid[criterion] = grid["id"].map(wide[criterion].dropna().map(lambda v: str(int(v))))
    grid["note"] = grid["id"].map(wide["note"].dropna())
    return grid[GRID_COLUMNS].astype("string").fillna("")  # an empty cell shows empty, not "None"


def filter_grid(grid: pd.DataFrame, *, stages: list[str], channels: list[str], owners: list[str]) -> pd.DataFrame:
    """Rows of the chosen stages, channels and owners (an empty choice keeps all)."""
    return filter_touchpoints(grid, {"stage": stages, "channel": channels, "owner": owners}).reset_index(drop=True)


def progress(own: pd.DataFrame, keys: list[str]) -> tuple[int, int]:
    """(touchpoints with all three criteria scored, touchpoints) of one assessor."""
    return len(fully_scored(own) & set(keys)), len(keys)


def fully_scored(own: pd.DataFrame) -> set[str]:
    """The touchpoints one assessor has scored on every criterion."""
    scored = own.dropna(subset=["score"])
    counts = scored.groupby("touchpoint_id")["criterion"].nunique()
    return set(counts[counts == len(CRITERIA)].index)


def grid_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[list[ScoreEdit], list[NoteEdit]]:
    """Every cell that differs between two states of the grid, each score checked by the score rule."""
    edits: list[ScoreEdit] = []
    notes: list[NoteEdit] = []
    for index in _changed_rows(before, after):
        old, new = before.loc[index], after.loc[index]
        key, name = str(old["id"]), str(old["name"])
        for criterion in CRITERIA:
            typed = _text(new[criterion])
            if typed != _text(old[criterion]):
                edits.append(_score_edit(key, name, criterion, typed))
        if _text(new["note"]) != _text(old["note"]):
            notes.append(NoteEdit(key, name, _text(new["note"])))
    return edits, notes


def _changed_rows(before: pd.DataFrame, after: pd.DataFrame) -> pd.Index:
    """The rows where a score or the note differs (compared as stripped text), found column-wise."""
    common = before.index.intersection(after.index)
    columns = [*CRITERIA, "note"]

    def text(frame: pd.DataFrame) -> pd.DataFrame:
        cells = frame.loc[common, columns].astype("string").fillna("")
        return pd.DataFrame({c: cells[c].str.strip() for c in columns}, index=cells.index)

    differs = (text(before) != text(after)).any(axis=1)
    return differs[differs].index


def refused_cells(shown: pd.DataFrame, edited: pd.DataFrame) -> list[ScoreEdit]:
    """The cells of the edited grid that still hold a value the score rule refuses."""
    edits, _notes = grid_changes(shown, edited)
    return [edit for edit in edits if edit.error]


def _score_edit(key: str, name: str, criterion: str, typed: str | None) -> ScoreEdit:
    problem = score_problem(typed, _(NOT_SAVED))
    if problem:
        return ScoreEdit(key, name, criterion, typed, None, problem[1])
    return ScoreEdit(key, name, criterion, typed, parse_score(typed))


def _text(value: object) -> str | None:
    if is_blank(value):
        return None
    return str(value).strip() or None


@dataclass
class InventoryChanges:
    """What an edited inventory table asks for: new rows, changed fields, archived keys, refusals."""

    added: list[dict[str, object]]
    updated: dict[str, dict[str, object]]
    archived: list[str]
    problems: list[str]


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
            if _check_numbers(values, changes.problems, name=str(values["name"])):
                changes.added.append(values)
            continue
        old, key = before.loc[index], str(before.loc[index, "id"])
        if bool(new.get("archive")):
            changes.archived.append(key)
            continue
        diff = {c: _cell(new[c]) for c in fields if _cell(new[c]) != _cell(old[c])}
        if "name" in diff and diff["name"] is None:
            changes.problems.append(_("{key}: a touchpoint needs a name; the change was not saved.").format(key=key))
            continue
        if diff and _check_numbers(diff, changes.problems, key=key):
            changes.updated[key] = diff
    return changes


def _cell(value: object) -> object:
    if is_blank(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value.item() if hasattr(value, "item") else value


def _check_numbers(
    values: dict[str, object], problems: list[str], *, key: str | None = None, name: str | None = None
) -> bool:
    """Each number typed checked by its rule (audit.rules); the first refused one stops the change.
    `key` names an existing touchpoint, `name` a new one, in the problem said."""
    for column in NUMBER_RULES:
        value = values.get(column)
        if value is None:
            continue
        # TRANSLATORS: ends a sentence saying why a number typed in the inventory was refused.
        problem = number_problem(column, value, consequence=_("not saved."))
        if problem:
            if key is None:
                # TRANSLATORS: {name} is the new touchpoint's name, {column} the column's name, {problem} why.
                text = _("New touchpoint '{name}': {column} {problem}").format(
                    name=name, column=column, problem=problem[1]
                )
            else:
                # TRANSLATORS: {key} is the touchpoint's id, {column} the column's name, {problem} why.
                text = _("{key}: {column} {problem}").format(key=key, column=column, problem=problem[1])
            problems.append(text)
            return False
        values[column] = cell_number(value, thousands=NUMBER_RULES[column].thousands)
    return True


def room(touchpoints: pd.DataFrame, scores: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """What the facilitator watches: each touchpoint's mean and n per criterion, composite, spread, 'discuss'.

    Computed straight from the scores (not the whole audit); an audit with no score yet gives
    the touchpoints with empty means, n 0 and nothing to discuss.
    """
    view = touchpoints[["id", "name", "stage"]].reset_index(drop=True)
    stats = criterion_stats(scores)
    means = pd.DataFrame(index=view.index)
    span = pd.Series(0.0, index=view.index)
    for criterion in CRITERIA:
        short = criterion[:1].upper()
        mine = stats.xs(criterion, level="criterion") if criterion in stats.index.get_level_values(1) else None
        means[criterion] = view["id"].map(mine["mean"]) if mine is not None else float("nan")
        view[f"{short} mean"] = means[criterion].astype("float64").round(2)
        counts = view["id"].map(mine["n"]) if mine is not None else pd.Series(0, index=view.index)
        view[f"{short} n"] = counts.fillna(0).astype("int64")
        if mine is not None:
            spans = view["id"].map(mine["span"]).fillna(0.0).astype("float64")
            span = span.where(span >= spans, spans)
    discuss = span >= DISCUSS_SPAN
    view["composite"] = composite(means.astype("float64"), weights).round(2)
    view["spread"] = span.astype("int64")
    view["discuss"] = discuss.astype(bool)
    return view


def discuss_queue(view: pd.DataFrame) -> pd.DataFrame:
    """The room's flagged touchpoints, largest spread first (then journey order): what to talk about."""
    flagged = view[view["discuss"]].copy()
    flagged["order"] = range(len(flagged))
    return flagged.sort_values(["spread", "order"], ascending=[False, True]).drop(columns="order")


@dataclass(frozen=True)
class Spread:
    """How the room scored one touchpoint on one criterion: what a participant sees after the reveal."""

    counts: dict[int, int]
    mean: float | None
    n: int
    low: int | None
    high: int | None

    @property
    def discuss(self) -> bool:
        return self.low is not None and self.high is not None and self.high - self.low >= DISCUSS_SPAN

    @property
    def sentence(self) -> str:
        if not self.n:
            return _("Nobody has scored this yet.")
        # TRANSLATORS: how many people gave a score, e.g. "2x 4": two people scored 4.
        counts = ", ".join(
            _("{count}x {score}").format(count=i18n.integer(self.counts[v]), score=i18n.integer(v))
            for v in SCALE
            if self.counts[v]
        )
        values = {"counts": counts, "mean": i18n.number(self.mean, 1), "n": i18n.integer(self.n)}
        if self.discuss:
            # TRANSLATORS: {counts} lists the scores given ("1x 2, 2x 4"); {n} is how many people scored.
            return _("The room: {counts} (mean {mean}, {n} scored). Scores 2 or more points apart: to discuss.").format(
                **values
            )
        # TRANSLATORS: {counts} lists the scores given ("1x 2, 2x 4"); {n} is how many people scored.
        return _("The room: {counts} (mean {mean}, {n} scored).").format(**values)


def spread(scores: pd.DataFrame, key: str, criterion: str) -> Spread:
    """The room's scores of one touchpoint and criterion."""
    values = scores.loc[(scores["touchpoint_id"] == key) & (scores["criterion"] == criterion), "score"].dropna()
    counts = {v: int((values == v).sum()) for v in SCALE}
    if values.empty:
        return Spread(counts, None, 0, None, None)
    return Spread(counts, float(values.mean()), len(values), int(values.min()), int(values.max()))


@dataclass(frozen=True)
class RoomSnapshot:
    """Everything the facilitator's console shows of the room at one revision of the audit."""

    view: pd.DataFrame  # room()
    queue: pd.DataFrame  # discuss_queue()
    progress: dict[str, int]  # assessor -> touchpoints scored on every criterion
    scores: pd.DataFrame  # the long score table it was computed from (participants' spread)
    touchpoints: int

    @property
    def assessors(self) -> int:
        return len(self.progress)


def room_snapshot(touchpoints: pd.DataFrame, scores: pd.DataFrame, weights: Mapping[str, float]) -> RoomSnapshot:
    view = room(touchpoints, scores, weights)
    scored = scores.dropna(subset=["score"])
    per_assessor = scored.groupby(["assessor", "touchpoint_id"])["criterion"].nunique()
    complete = per_assessor[per_assessor == len(CRITERIA)].groupby(level="assessor").size()
    progress = {str(a): int(complete.get(a, 0)) for a in sorted(scored["assessor"].unique())}
    return RoomSnapshot(view, discuss_queue(view), progress, scores, len(touchpoints))
