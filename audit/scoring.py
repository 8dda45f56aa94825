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

from audit import i18n
from audit.cells import cell_text, row_has_data
from audit.i18n import N_, _, ngettext
from audit.inventory import (
    Columns,
    Inventory,
    Touchpoint,
    criterion_problem,
    find_header_row,
    without_cycle_collection,
)
from audit.problems import Problem
from audit.reader import DEFAULT_LIMITS, Grid, Limits, Source, open_bytes, open_source
from audit.rules import SCORES, score_column
from audit.vocabulary import CRITERIA, HEADER_INDEX, SCORE_HEADER_INDEX, normalize

SCORE_COLUMNS = ["touchpoint_id", "assessor", "criterion", "score", "note", "source", "row"]
SCALE = SCORES  # the scale of the one score rule (audit.rules)
DISCUSS_SPAN = 2  # max - min at or above this: the room should talk about it
RELIABLE, TENTATIVE = 0.800, 0.667

# Headers of score files beyond the inventory's criterion and note words: [score_headers] in audit/languages.
_SCORE_INDEX = SCORE_HEADER_INDEX
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


def holds_scores(grid: Grid) -> bool:
    """A sheet whose header row names a touchpoint column and an assessor column: a table of scores."""
    if not any(row_has_data(row) for row in grid.rows):
        return False
    header = grid.rows[find_header_row(grid.rows, lookup=score_field_for_header)]
    found = {score_field_for_header(text) for cell in header if (text := cell_text(cell)) is not None}
    return {"touchpoint", "assessor"} <= found


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
    """Score rows of an opened file, checked column by column (audit.rules), told row by row."""
    with without_cycle_collection():
        return _parse_scores(source, touchpoints, sheet)


def _parse_scores(source: Source, touchpoints: Sequence[Touchpoint], sheet: str | None) -> ScoreSet:
    grid = source.grid(sheet if sheet is not None else (source.sheet_names[0] if source.sheet_names else None))
    rows = grid.rows
    if not any(row_has_data(row) for row in rows):
        message = _("{file} holds no scores.").format(file=source.file)
        return ScoreSet(problems=[Problem("error", "empty_file", None, None, message)])
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
    first = header_index + 2
    numbers = [first + offset for offset, row in enumerate(rows[header_index + 1 :]) if row_has_data(row)]
    frame = reader.read([rows[n - 1] for n in numbers], numbers)
    return ScoreSet(frame, reader.told())


# A score file without the columns that say whose score of what, by the ones it lacks.
_MISSING_COLUMNS = {
    ("touchpoint", "assessor"): N_(
        "{file}: no touchpoint or assessor column on row {row}; columns found: {columns}. "
        "A score file needs touchpoint and assessor columns, then either relevance, meaningfulness "
        "and attractiveness columns, or criterion and score columns."
    ),
    ("touchpoint",): N_(
        "{file}: no touchpoint column on row {row}; columns found: {columns}. "
        "A score file needs touchpoint and assessor columns, then either relevance, meaningfulness "
        "and attractiveness columns, or criterion and score columns."
    ),
    ("assessor",): N_(
        "{file}: no assessor column on row {row}; columns found: {columns}. "
        "A score file needs touchpoint and assessor columns, then either relevance, meaningfulness "
        "and attractiveness columns, or criterion and score columns."
    ),
}

# The order a row's problems are told in.
_SCORE_PROBLEM_ORDER = {"touchpoint": 0, "assessor": 1, "criterion": 2, "score": 3} | {
    c: 3 + i for i, c in enumerate(CRITERIA)
}


class _ScoreRows:
    """Turns score-file rows into the long score table, wide or long, a column at a time."""

    def __init__(self, file: str, headers: list[str], columns: dict[str, int], touchpoints: Sequence[Touchpoint]):
        self.file, self.headers, self.columns = file, headers, columns
        self.long = "criterion" in columns and "score" in columns
        self.by_id = {tp.id: tp.id for tp in touchpoints}
        self.touchpoints = touchpoints
        self._by_name: dict[str, list[str]] | None = None  # built when a row names a touchpoint by name
        self.problems: list[tuple[int, int, Problem]] = []

    def shape_problem(self, header_row: int) -> Problem | None:
        found = ", ".join(h for h in self.headers if h)
        missing = tuple(f for f in ("touchpoint", "assessor") if f not in self.columns)
        if missing:
            message = _(_MISSING_COLUMNS[missing])
        elif not self.long and not any(c in self.columns for c in CRITERIA):
            message = _(
                "{file}: no relevance, meaningfulness or attractiveness column, and no criterion and score "
                "columns; columns found: {columns}."
            )
        else:
            return None
        shown = message.format(file=self.file, row=i18n.localize_digits(str(header_row)), columns=found)
        return Problem("error", "no_score_columns", header_row, None, shown)

    def warn(self, code: str, row: int, name: str, message: str) -> None:
        column = self.headers[self.columns[name]] if name in self.columns else None
        self.problems.append((row, _SCORE_PROBLEM_ORDER[name], Problem("warning", code, row, column, message)))

    def told(self) -> list[Problem]:
        return [found[2] for found in sorted(self.problems, key=lambda found: (found[0], found[1]))]

    def read(self, rows: list[Sequence[object]], numbers: list[int]) -> pd.DataFrame:
        table = Columns(rows, self.headers, self.columns)
        texts, column = table.texts, table.field
        tp_ids = self.touchpoint_ids(texts("touchpoint"), numbers)
        assessors = texts("assessor")
        for index, assessor in enumerate(assessors):
            if assessor is None:
                number = numbers[index]
                message = _("Row {row} names no assessor; its scores skipped.").format(row=_row(number))
                self.warn("missing_assessor", number, "assessor", message)
        usable = [tp is not None and who is not None for tp, who in zip(tp_ids, assessors, strict=True)]
        notes = texts("note")
        parts: list[tuple[str, list[int | None], list[int]]] = []  # (criterion or "", scores, usable row indexes)
        if self.long:
            criteria = self.criteria(texts("criterion"), numbers, usable)
            values = self.scores("score", column("score"), numbers, usable, criteria)
            for criterion in CRITERIA:
                chosen = [i for i, c in enumerate(criteria) if c == criterion]
                parts.append((criterion, [values[i] for i in chosen], chosen))
        else:
            everyone = list(range(len(rows)))
            for criterion in CRITERIA:
                if criterion in self.columns:
                    values = self.scores(criterion, column(criterion), numbers, usable, [criterion] * len(rows))
                    parts.append((criterion, values, everyone))
        return self.frame(parts, tp_ids, assessors, notes, numbers, usable)

    def frame(
        self,
        parts: list[tuple[str, list[int | None], list[int]]],
        tp_ids: list[str | None],
        assessors: list[str | None],
        notes: list[str | None],
        numbers: list[int],
        usable: list[bool],
    ) -> pd.DataFrame:
        """The long table, row by row as written, criteria in the method's order within a row.

        Left out: not scored (which is not zero), refused, or a row without touchpoint or assessor."""
        usable_rows = np.array(usable, dtype=bool)
        picked: list[np.ndarray] = []
        values: list[np.ndarray] = []
        criteria: list[np.ndarray] = []
        for criterion, scores, indexes in parts:
            score = np.array(scores, dtype="float64")  # None becomes NaN
            rows = np.asarray(indexes, dtype=np.int64)
            keep = ~np.isnan(score) & usable_rows[rows] if len(rows) else np.zeros(0, dtype=bool)
            picked.append(rows[keep])
            values.append(score[keep])
            criteria.append(np.full(int(keep.sum()), CRITERIA.index(criterion), dtype=np.int64))
        if not picked or not sum(len(p) for p in picked):
            return empty_scores()
        rows, score, codes = np.concatenate(picked), np.concatenate(values), np.concatenate(criteria)
        order = np.lexsort((codes, rows))  # by row, then criterion
        rows, score, codes = rows[order], score[order], codes[order]

        def text(values: Sequence[object], picked: np.ndarray) -> pd.Series:
            # object, as the store's frames are: no conversion of 240k strings to Arrow and back
            return pd.Series(np.array(values, dtype=object)[picked], dtype=object)

        return pd.DataFrame(
            {
                "touchpoint_id": text(tp_ids, rows),
                "assessor": text(assessors, rows),
                "criterion": text(CRITERIA, codes),
                "score": score,
                "note": text(notes, rows),
                "source": pd.Series([self.file], dtype=object).repeat(len(rows)).reset_index(drop=True),
                "row": text(numbers, rows),
            },
            columns=SCORE_COLUMNS,
        )

    def touchpoint_ids(self, raw: list[str | None], numbers: list[int]) -> list[str | None]:
        """Each row's touchpoint: by id, else by a name only one touchpoint has; each text matched once."""
        found: list[str | None] = list(map(self.by_id.get, raw))  # type: ignore[arg-type]  # most rows name a touchpoint by its id
        if None not in found:
            return found
        matched: dict[str, tuple[str | None, str]] = {}
        for index in [i for i, tp_id in enumerate(found) if tp_id is None]:
            text = raw[index]
            number = numbers[index]
            if text is None:
                message = _("Row {row} names no touchpoint; skipped.").format(row=_row(number))
                self.warn("missing_touchpoint", number, "touchpoint", message)
                continue
            if text not in matched:
                matched[text] = self.match(text)
            tp_id, why = matched[text]
            if tp_id is None:
                message = _(why).format(row=_row(number), text=text)
                self.warn("unmatched_touchpoint", number, "touchpoint", message)
            found[index] = tp_id
        return found

    def match(self, text: str) -> tuple[str | None, str]:
        """The touchpoint a text names, by id or by a name only one has; else None and why (a sentence
        marked for the catalogs, with {row} and {text})."""
        if text in self.by_id:
            return text, ""
        if self._by_name is None:
            self._by_name = {}
            for tp in self.touchpoints:
                self._by_name.setdefault(normalize(tp.name), []).append(tp.id)
        ids = self._by_name.get(normalize(text), [])
        if len(ids) == 1:
            return ids[0], ""
        return None, _SEVERAL_NAMED if ids else _NOTHING_NAMED

    def criteria(self, raw: list[str | None], numbers: list[int], usable: list[bool]) -> list[str | None]:
        """A long file's criterion column, each text looked up once."""
        known: dict[str | None, str | None] = {}
        found: list[str | None] = []
        for index, text in enumerate(raw):
            if text not in known:
                known[text] = _CRITERION_INDEX.get(normalize(text or ""))
            if known[text] is None and usable[index]:
                number = numbers[index]
                message = _("Row {row}: '{text}' is not relevance, meaningfulness or attractiveness; skipped.")
                self.warn("unknown_criterion", number, "criterion", message.format(row=_row(number), text=text))
            found.append(known[text])
        return found

    def scores(
        self,
        column_name: str,
        cells: Sequence[object],
        numbers: list[int],
        usable: list[bool],
        criteria: Sequence[str | None],
    ) -> list[int | None]:
        """A score column checked by the score rule; refusals told for the rows that are read."""
        values, refused = score_column(cells)
        for cell in refused:
            criterion = criteria[cell.index]
            if usable[cell.index] and criterion is not None:
                message = criterion_problem(criterion, cell.message)
                self.warn(cell.code, numbers[cell.index], column_name, message)
        return values


# TRANSLATORS: {text} is what a score file's row names its touchpoint by.
_SEVERAL_NAMED = N_("Row {row}: '{text}' matches nothing (several touchpoints have that name; use the id).")
# TRANSLATORS: {text} is what a score file's row names its touchpoint by.
_NOTHING_NAMED = N_("Row {row}: '{text}' matches nothing (no touchpoint has that id or name).")


def _row(number: int) -> str:
    """A row number in the language's digits, without a thousands separator, as a sheet shows it."""
    return i18n.localize_digits(str(number))


def wide_scores(scores: pd.DataFrame, by: Sequence[str] = ("touchpoint_id", "assessor")) -> pd.DataFrame:
    """The long score table turned wide: one row per `by`, a column per criterion (NaN where not
    scored) and the note (the last one given). The participant's grid and the workbook's Scores
    sheet both show it."""
    keys = list(by)
    scored = scores.dropna(subset=["score"])
    wide = scored.pivot_table(index=keys, columns="criterion", values="score", aggfunc="last")
    wide = wide.reindex(columns=list(CRITERIA))
    wide.columns.name = None
    notes = scores.dropna(subset=["note"]).groupby(keys)["note"].last()
    wide = wide.reindex(wide.index.union(notes.index)) if len(notes) else wide
    wide["note"] = notes.reindex(wide.index) if len(notes) else None
    return wide


def combine(sets: Iterable[ScoreSet]) -> ScoreSet:
    """All scores together; when an assessor scored the same thing twice, the later one counts."""
    sets = list(sets)
    frames = [s.frame for s in sets if not s.frame.empty]
    problems = [p for s in sets for p in s.problems]
    if not frames:
        return ScoreSet(problems=problems)
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    key = ["touchpoint_id", "assessor", "criterion"]
    earlier = frame.duplicated(key, keep="last")
    if not earlier.any():
        return ScoreSet(frame.reset_index(drop=True), problems)
    repeated = frame[earlier]
    for record in repeated.to_dict("records"):
        row = None if pd.isna(record["row"]) else int(record["row"])
        criterion = str(record["criterion"])
        # TRANSLATORS: {criterion} is a criterion's name (relevance...), {touchpoint} a touchpoint's id,
        # {file} the score file.
        message = _(
            "{assessor} scored {criterion} of {touchpoint} more than once ({file}, row {row}); the later score counts."
        ).format(
            assessor=record["assessor"],
            criterion=i18n.label(criterion).lower(),  # a common noun mid-sentence
            touchpoint=record["touchpoint_id"],
            file=record["source"],
            row=_row(row) if row is not None else "-",
        )
        problems.append(Problem("warning", "duplicate_score", row, criterion, message))
    return ScoreSet(frame[~earlier].reset_index(drop=True), problems)


# --- aggregation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """The long score table grouped once into units, the (touchpoint, criterion) pairs.

    Units are numbered in the order they first appear in the table. Each unit keeps how many
    assessors gave each value of the scale, which is all its mean, median, n, span and the
    agreement need; the strings of the table are factorised once, here, however many
    figures are computed from it.
    """

    touchpoint_ids: pd.Index  # the distinct touchpoint ids, in order of first appearance
    criteria: pd.Index  # the distinct criteria, in order of first appearance
    touchpoint: np.ndarray  # per unit: the position of its touchpoint in touchpoint_ids
    criterion: np.ndarray  # per unit: the position of its criterion in criteria
    counts: np.ndarray  # units x SCALE: how many assessors gave each value
    sd: np.ndarray  # per unit: population standard deviation of its scores


def group_units(scores: pd.DataFrame) -> Units:
    """The units of a long score table; rows without a touchpoint, criterion or score count nowhere.

    Raises ValueError when a score is not a whole number on the 1-5 scale.
    """
    touchpoint, touchpoint_ids = pd.factorize(scores["touchpoint_id"])
    criterion, criteria = pd.factorize(scores["criterion"])
    values = scores["score"].to_numpy(dtype="float64")
    keep = (touchpoint >= 0) & (criterion >= 0) & ~np.isnan(values)
    values = values[keep]
    pair = touchpoint[keep].astype(np.int64) * len(criteria) + criterion[keep]
    # numbered by first appearance, as groupby(sort=False) numbers groups: the agreement's sums
    # over units then run in the order they always did, and give the same alpha to the last digit
    unit, pairs = pd.factorize(pair)
    cells = unit.astype(np.int64) * len(SCALE) + _scale_position(values)
    counts = np.bincount(cells, minlength=len(pairs) * len(SCALE)).reshape(-1, len(SCALE))
    # pandas' running sd over each unit's scores in table order, so the figures match earlier
    # versions to the last digit (a sd from the counts differs from it in the last bit)
    sd = pd.Series(values).groupby(unit).std(ddof=0).to_numpy(dtype="float64")
    unit_touchpoint, unit_criterion = np.divmod(pairs, len(criteria))  # no pair at all when no criterion
    return Units(pd.Index(touchpoint_ids), pd.Index(criteria), unit_touchpoint, unit_criterion, counts, sd)


def _scale_position(values: np.ndarray) -> np.ndarray:
    """Each score's column in the value counts: 0 for a 1 ... 4 for a 5."""
    position = values.astype(np.int64) - SCALE[0]
    off = (position + SCALE[0] != values) | (position < 0) | (position >= len(SCALE))
    if off.any():
        raise ValueError(f"a score of {values[off][0]:g} is not a whole number 1-5")
    return position


def unit_stats(units: Units) -> pd.DataFrame:
    """Per unit (one row each, in unit order): mean, median, n, sd (population), span and discuss."""
    scale = np.asarray(SCALE, dtype=np.int64)
    counts = units.counts
    n = counts.sum(axis=1)
    below = counts.cumsum(axis=1)  # below[:, j]: how many scores are at or below the value scale[j]

    def kth(k: np.ndarray) -> np.ndarray:  # the k-th smallest score of each unit, from 0
        values: np.ndarray = scale[(below <= k[:, np.newaxis]).sum(axis=1)]
        return values

    present = counts > 0
    lowest = scale[present.argmax(axis=1)]
    highest = scale[len(SCALE) - 1 - present[:, ::-1].argmax(axis=1)]
    span = (highest - lowest).astype("float64")
    return pd.DataFrame(
        {
            "mean": (counts @ scale) / n,
            "median": (kth((n - 1) // 2) + kth(n // 2)) / 2,  # an even count: the mean of the middle two
            "n": n,
            "sd": units.sd,
            "span": span,
            "discuss": span >= DISCUSS_SPAN,
        }
    )


def criterion_stats(scores: pd.DataFrame) -> pd.DataFrame:
    """Per (touchpoint_id, criterion): mean, median, n, sd (population), span and discuss."""
    units = group_units(scores)
    stats = unit_stats(units)
    stats.index = pd.MultiIndex(
        # labels typed as pandas infers them (object strings become str), as a groupby labels its groups
        levels=[pd.Index(units.touchpoint_ids.to_numpy()), pd.Index(units.criteria.to_numpy())],
        codes=[units.touchpoint, units.criterion],  # type: ignore[list-item]  # arrays, as pandas keeps them
        names=["touchpoint_id", "criterion"],
    )
    return stats


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
        raise ValueError(_("weights '{text}' are not numbers; write three, like 2,1,1").format(text=text)) from None
    if len(values) != 3 or any(v < 0 for v in values) or not any(values):
        raise ValueError(
            _("weights '{text}': give three numbers of 0 or more, not all 0, like 2,1,1").format(text=text)
        )
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


# The agreement's bands, as shown beside the figure: "0.812 (reliable)" (their words are i18n.LABELS').
BAND_LABELS: dict[str, str] = {band: i18n.LABELS[band] for band in ("reliable", "tentative", "low")}
# What each band means for the report, the end of the agreement's sentence.
_BAND_MEANINGS: dict[str, str] = {
    "reliable": N_("the room agrees; the scores can be reported as they are"),
    "tentative": N_("the room partly agrees; report the scores with care and discuss the flagged ones"),
    "low": N_("the room does not agree; discuss the flagged scores before drawing conclusions"),
}


def band(alpha: float) -> str:
    """reliable (>= 0.800), tentative (0.667 to 0.800) or low."""
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "low"


def agreement(scores: pd.DataFrame) -> Agreement:
    """How far the assessors agree, with a sentence that says what it means."""
    return units_agreement(group_units(scores), int(scores["assessor"].nunique()))


def units_agreement(units: Units, assessors: int) -> Agreement:
    """The agreement of `assessors` over the units two or more of them scored (see `agreement`)."""
    counts = units.counts[units.counts.sum(axis=1) >= 2]  # units x values (1..5), in unit order
    pairable = len(counts)
    if assessors < 2:
        message = _("Not computed: agreement needs at least two assessors.")
        return Agreement(None, None, pairable, assessors, message)
    if pairable == 0:
        return Agreement(None, None, 0, assessors, _("Not computed: no touchpoint was scored by two assessors."))
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        message = _("Not computed: every score is the same value, so agreement is undefined.")
        return Agreement(None, None, pairable, assessors, message)
    alpha = float(krippendorff.alpha(value_counts=counts, value_domain=list(SCALE), level_of_measurement="ordinal"))
    return Agreement(alpha, band(alpha), pairable, assessors, _agreement_sentence(alpha, pairable, assessors))


def _agreement_sentence(alpha: float, units: int, assessors: int) -> str:
    kind = band(alpha)
    # TRANSLATORS: {alpha} is the figure (0.812), {band} its band (reliable, tentative, low), {assessors} a
    # count of assessors ("3 assessors"), {meaning} what the band means ("the room agrees; ...").
    message = ngettext(
        "Krippendorff's alpha is {alpha} ({band}) over {n} scored pair of touchpoint and "
        "criterion by {assessors}: {meaning}.",
        "Krippendorff's alpha is {alpha} ({band}) over {n} scored pairs of touchpoint and "
        "criterion by {assessors}: {meaning}.",
        units,
    )
    # TRANSLATORS: the assessors of "... over 11 scored pairs of touchpoint and criterion by {assessors}".
    who = ngettext("{n} assessor", "{n} assessors", assessors).format(n=i18n.integer(assessors))
    return message.format(
        alpha=i18n.number(alpha, 3),
        band=_(BAND_LABELS[kind]),
        n=i18n.integer(units),
        assessors=who,
        meaning=_(_BAND_MEANINGS[kind]),
    )
