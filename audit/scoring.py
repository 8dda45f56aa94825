"""Scores: reading workshop score files, aggregating over assessors, and their agreement.

Scores live in one long table, one row per (touchpoint, assessor, criterion):
`SCORE_COLUMNS`. Everything here works on that table with pandas and numpy, with no
Python loop per touchpoint, so that 10k touchpoints x 10 assessors stay well under a
second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from audit.cells import cell_text, is_blank
from audit.inventory import Inventory, Touchpoint, find_header_row
from audit.problems import Problem
from audit.reader import DEFAULT_LIMITS, Limits, Source, open_bytes, open_source
from audit.rules import parse_score, score_problem
from audit.vocabulary import CRITERIA, HEADER_INDEX, normalize

SCORE_COLUMNS = ["touchpoint_id", "assessor", "criterion", "score", "note", "source", "row"]
SCALE = (1, 2, 3, 4, 5)
DISCUSS_SPAN = 2  # max - min at or above this: the room should talk about it
RELIABLE, TENTATIVE = 0.800, 0.667

# Headers of score files, beyond the inventory's criterion and note words.
_SCORE_HEADERS: dict[str, tuple[str, ...]] = {
    "touchpoint": (
        "touchpoint",
        "touchpoint id",
        "touchpoint name",
        "id",
        "name",
        "tp",
        "touch point",
        "точка контакта",
        "название",
        "ид",
        "ponto de contato",
        "ponto de contacto",
        "nome",
        "نقطه تماس",
        "نام",
        "شناسه",
    ),
    "assessor": (
        "assessor",
        "rater",
        "participant",
        "evaluator",
        "reviewer",
        "scored by",
        "expert",
        "who",
        "оценщик",
        "эксперт",
        "участник",
        "асессор",
        "avaliador",
        "avaliadora",
        "participante",
        "ارزیاب",
        "ارزیابی کننده",
        "کارشناس",
        "شرکت کننده",
    ),
    "criterion": ("criterion", "criteria", "критерий", "critério", "criterio", "معیار", "شاخص"),
    "score": ("score", "value", "mark", "оценка", "балл", "значение", "pontuação", "nota", "valor", "امتیاز", "نمره"),
}
_SCORE_INDEX = {normalize(w): f for f, words in _SCORE_HEADERS.items() for w in words}
_CRITERION_INDEX = {k: v for k, v in HEADER_INDEX.items() if v in CRITERIA} | {
    "r": "relevance",
    "m": "meaningfulness",
    "a": "attractiveness",
}


def score_field_for_header(header: object) -> str | None:
    """touchpoint, assessor, criterion, score, note or one of the three criteria."""
    key = normalize(header)
    if key in _SCORE_INDEX:
        return _SCORE_INDEX[key]
    found = HEADER_INDEX.get(key)
    if found in CRITERIA:
        return found
    return "note" if found == "notes" else None


def empty_scores() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "score" else "object") for c in SCORE_COLUMNS})


@dataclass
class ScoreSet:
    """Scores from one or more sources, with the problems met reading them."""

    frame: pd.DataFrame = field(default_factory=empty_scores)
    problems: list[Problem] = field(default_factory=list)

    @property
    def assessors(self) -> list[str]:
        return sorted(self.frame["assessor"].dropna().unique().tolist())


# --- reading -------------------------------------------------------------------------------


def scores_from_inventory(inventory: Inventory, assessor: str | None = None) -> ScoreSet:
    """Score columns of the inventory itself: one assessor's, named after the file unless named."""
    assessor = assessor or Path(inventory.file).stem
    records = [
        (tp.id, assessor, criterion, float(value), None, inventory.file, tp.row)
        for tp in inventory.touchpoints
        for criterion, value in tp.scores.items()
    ]
    return ScoreSet(pd.DataFrame.from_records(records, columns=SCORE_COLUMNS) if records else empty_scores())


def read_scores(
    path: str | Path,
    touchpoints: Sequence[Touchpoint],
    *,
    sheet: str | None = None,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ScoreSet:
    """Read a workshop score file, wide or long, matching rows to touchpoints by id or name."""
    return parse_scores(open_source(path, name=name, limits=limits), touchpoints, sheet=sheet)


def read_scores_bytes(
    data: bytes, name: str, touchpoints: Sequence[Touchpoint], *, limits: Limits = DEFAULT_LIMITS
) -> ScoreSet:
    """Read an uploaded score file."""
    return parse_scores(open_bytes(data, name=name, limits=limits), touchpoints)


def parse_scores(source: Source, touchpoints: Sequence[Touchpoint], *, sheet: str | None = None) -> ScoreSet:
    """Score rows of an opened file."""
    grid = source.grid(sheet if sheet is not None else (source.sheet_names[0] if source.sheet_names else None))
    rows = grid.rows
    if not any(not is_blank(c) for row in rows for c in row):
        return ScoreSet(problems=[Problem("error", "empty_file", None, None, f"{source.file} holds no scores.")])
    header_index = find_header_row(rows, lookup=score_field_for_header)
    headers = [cell_text(c) or "" for c in rows[header_index]]
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        found = score_field_for_header(header)
        if found and found not in columns:
            columns[found] = index
    reader = _ScoreRows(source.file, headers, columns, touchpoints)
    problem = reader.shape_problem(header_index + 1)
    if problem:
        return ScoreSet(problems=[problem])
    for offset, row in enumerate(rows[header_index + 1 :]):
        if not all(is_blank(c) for c in row):
            reader.read(row, header_index + 2 + offset)
    frame = pd.DataFrame.from_records(reader.records, columns=SCORE_COLUMNS) if reader.records else empty_scores()
    return ScoreSet(frame, reader.problems)


class _ScoreRows:
    """Turns score-file rows into score records, wide or long."""

    def __init__(self, file: str, headers: list[str], columns: dict[str, int], touchpoints: Sequence[Touchpoint]):
        self.file, self.headers, self.columns = file, headers, columns
        self.long = "criterion" in columns and "score" in columns
        self.by_id = {tp.id: tp.id for tp in touchpoints}
        names: dict[str, list[str]] = {}
        for tp in touchpoints:
            names.setdefault(normalize(tp.name), []).append(tp.id)
        self.by_name = names
        self.records: list[tuple[object, ...]] = []
        self.problems: list[Problem] = []

    def shape_problem(self, header_row: int) -> Problem | None:
        found = ", ".join(h for h in self.headers if h)
        missing = [f for f in ("touchpoint", "assessor") if f not in self.columns]
        if missing:
            return Problem(
                "error",
                "no_score_columns",
                header_row,
                None,
                f"{self.file}: no {' or '.join(missing)} column on row {header_row}; columns found: {found}. "
                "A score file needs touchpoint and assessor columns, then either relevance, meaningfulness "
                "and attractiveness columns, or criterion and score columns.",
            )
        if not self.long and not any(c in self.columns for c in CRITERIA):
            return Problem(
                "error",
                "no_score_columns",
                header_row,
                None,
                f"{self.file}: no relevance, meaningfulness or attractiveness column, and no criterion and score "
                f"columns; columns found: {found}.",
            )
        return None

    def cell(self, row: Sequence[object], name: str) -> object:
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    def warn(self, code: str, row: int, name: str | None, message: str) -> None:
        column = self.headers[self.columns[name]] if name in self.columns else None
        self.problems.append(Problem("warning", code, row, column, message))

    def touchpoint(self, row: Sequence[object], number: int) -> str | None:
        raw = cell_text(self.cell(row, "touchpoint"))
        if raw is None:
            self.warn("missing_touchpoint", number, "touchpoint", f"Row {number} names no touchpoint; skipped.")
            return None
        if raw in self.by_id:
            return raw
        ids = self.by_name.get(normalize(raw), [])
        if len(ids) == 1:
            return ids[0]
        why = "several touchpoints have that name; use the id" if ids else "no touchpoint has that id or name"
        self.warn("unmatched_touchpoint", number, "touchpoint", f"Row {number}: '{raw}' matches nothing ({why}).")
        return None

    def read(self, row: Sequence[object], number: int) -> None:
        tp_id = self.touchpoint(row, number)
        assessor = cell_text(self.cell(row, "assessor"))
        if assessor is None:
            self.warn("missing_assessor", number, "assessor", f"Row {number} names no assessor; its scores skipped.")
        if tp_id is None or assessor is None:
            return
        note = cell_text(self.cell(row, "note"))
        if self.long:
            criterion = _CRITERION_INDEX.get(normalize(self.cell(row, "criterion") or ""))
            if criterion is None:
                raw = cell_text(self.cell(row, "criterion"))
                self.warn(
                    "unknown_criterion",
                    number,
                    "criterion",
                    f"Row {number}: '{raw}' is not relevance, meaningfulness or attractiveness; skipped.",
                )
                return
            self.add(tp_id, assessor, criterion, self.cell(row, "score"), note, number, "score")
            return
        for criterion in CRITERIA:
            if criterion in self.columns:
                self.add(tp_id, assessor, criterion, self.cell(row, criterion), note, number, criterion)

    def add(
        self, tp_id: str, assessor: str, criterion: str, cell: object, note: str | None, number: int, col: str
    ) -> None:
        problem = score_problem(cell)
        if problem is not None:
            code, message = problem
            self.warn(code, number, col, f"{criterion.capitalize()} {message}")
            return
        value = parse_score(cell)
        if value is None:
            return  # not scored, which is not zero
        self.records.append((tp_id, assessor, criterion, float(value), note, self.file, number))


def combine(sets: Iterable[ScoreSet]) -> ScoreSet:
    """All scores together; when an assessor scored the same thing twice, the later one counts."""
    sets = list(sets)
    frames = [s.frame for s in sets if not s.frame.empty]
    problems = [p for s in sets for p in s.problems]
    if not frames:
        return ScoreSet(problems=problems)
    frame = pd.concat(frames, ignore_index=True)
    key = ["touchpoint_id", "assessor", "criterion"]
    repeated = frame[frame.duplicated(key, keep="last")]
    for record in repeated.to_dict("records"):
        row = None if pd.isna(record["row"]) else int(record["row"])
        problems.append(
            Problem(
                "warning",
                "duplicate_score",
                row,
                str(record["criterion"]),
                f"{record['assessor']} scored {record['criterion']} of {record['touchpoint_id']} more than once "
                f"({record['source']}, row {row}); the later score counts.",
            )
        )
    return ScoreSet(frame.drop_duplicates(key, keep="last").reset_index(drop=True), problems)


# --- aggregation ---------------------------------------------------------------------------


def criterion_stats(scores: pd.DataFrame) -> pd.DataFrame:
    """Per (touchpoint_id, criterion): mean, median, n, sd (population), span and discuss."""
    grouped = scores.groupby(["touchpoint_id", "criterion"], sort=False)["score"]
    stats = grouped.agg(["mean", "median", "count", "min", "max"])
    stats["sd"] = grouped.std(ddof=0)
    stats = stats.rename(columns={"count": "n"})
    stats["span"] = stats["max"] - stats["min"]
    stats["discuss"] = stats["span"] >= DISCUSS_SPAN
    return stats.drop(columns=["min", "max"])


def composite(means: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Weighted mean of the criterion means, over the criteria that have a score."""
    weight_row = pd.Series({c: float(weights[c]) for c in CRITERIA})
    present = means.notna()
    weighted = means.fillna(0).mul(weight_row, axis=1).sum(axis=1)
    total = present.mul(weight_row, axis=1).sum(axis=1)
    return (weighted / total.where(total > 0)).astype("float64")


def parse_weights(text: str | None) -> dict[str, float]:
    """'2,1,1' -> weights for relevance, meaningfulness, attractiveness; equal when None."""
    if not text:
        return dict.fromkeys(CRITERIA, 1.0)
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"weights '{text}' are not numbers; write three, like 2,1,1") from None
    if len(values) != 3 or any(v < 0 for v in values) or not any(values):
        raise ValueError(f"weights '{text}': give three numbers of 0 or more, not all 0, like 2,1,1")
    return dict(zip(CRITERIA, values, strict=True))


# --- agreement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha (ordinal) over (touchpoint, criterion) units with two or more scores."""

    alpha: float | None
    band: str | None
    units: int
    assessors: int
    message: str


def band(alpha: float) -> str:
    """reliable (>= 0.800), tentative (0.667 to 0.800) or low."""
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "low"


def agreement(scores: pd.DataFrame) -> Agreement:
    """How far the assessors agree, with a sentence that says what it means."""
    assessors = int(scores["assessor"].nunique())
    per_unit = scores.groupby(["touchpoint_id", "criterion"], sort=False)["score"]
    sizes = per_unit.transform("size")
    pairable = scores[sizes >= 2]
    units = int(pairable.groupby(["touchpoint_id", "criterion"], sort=False).ngroups) if len(pairable) else 0
    if assessors < 2:
        return Agreement(None, None, units, assessors, "Not computed: agreement needs at least two assessors.")
    if units == 0:
        return Agreement(None, None, 0, assessors, "Not computed: no touchpoint was scored by two assessors.")
    counts = _value_counts(pairable)
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return Agreement(
            None, None, units, assessors, "Not computed: every score is the same value, so agreement is undefined."
        )
    alpha = float(krippendorff.alpha(value_counts=counts, value_domain=list(SCALE), level_of_measurement="ordinal"))
    return Agreement(alpha, band(alpha), units, assessors, _agreement_sentence(alpha, units, assessors))


def _value_counts(scores: pd.DataFrame) -> np.ndarray:
    """Units x values (1..5) matrix of how many assessors gave each value."""
    unit = scores.groupby(["touchpoint_id", "criterion"], sort=False).ngroup().to_numpy()
    value = scores["score"].to_numpy(dtype=np.int64) - 1
    counts = np.zeros((unit.max() + 1, len(SCALE)), dtype=np.int64)
    np.add.at(counts, (unit, value), 1)
    return counts


def _agreement_sentence(alpha: float, units: int, assessors: int) -> str:
    meaning = {
        "reliable": "the room agrees; the scores can be reported as they are",
        "tentative": "the room partly agrees; report the scores with care and discuss the flagged ones",
        "low": "the room does not agree; discuss the flagged scores before drawing conclusions",
    }[band(alpha)]
    return (
        f"Krippendorff's alpha is {alpha:.3f} ({band(alpha)}) over {units} scored pairs of touchpoint and "
        f"criterion by {assessors} assessors: {meaning}."
    )
