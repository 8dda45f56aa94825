"""The audit's numbers, computed once: coverage, consistency, weak spots, perception gap.

`compute_audit` takes the touchpoints (one row each), the long score table and the stage
order, and returns one `AuditResult` that the app, the CLI and the Excel export all read.
`filtered_audit` is the same audit seen through the dashboard's filters: figures of the
touchpoints the filters keep, coverage judged on the whole audit (docs/method.md, "Filters").
Definitions follow docs/method.md; every flag carries a sentence for the report. The
work is vectorised with pandas and numpy: the score table is grouped once into units
(audit.scoring.group_units) and every per-touchpoint figure is read from those arrays; the
only loops per touchpoint format the sentences of the touchpoints that have one.

The words of a result (findings, the `reasons` and `quadrant` columns, the headline figures) are
in the language active when it is computed (audit.i18n); codes (`type`, `control`, the
agreement's band) stay as stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from audit import i18n
from audit.i18n import N_, _, ngettext
from audit.inventory import Inventory
from audit.scoring import Agreement, Units, agreement, composite, group_units, unit_stats, units_agreement
from audit.vocabulary import CRITERIA, DEFAULT_STAGES, LANGUAGES, TYPES, UNASSIGNED_STAGE, default_stage

WEAK_COMPOSITE = 3.0  # a composite below this is weak
WEAK_CRITERION = 2.0  # a criterion mean at or below this is weak
IMPORTANT = 3.0  # importance at or above this counts as important
STRONG = 3.0  # a composite at or above this counts as strong
INCONSISTENT_SPREAD = 1.5  # channel spread in a stage at or above this is inconsistent
PERCEPTION_GAP = 1.0  # the team rating a touchpoint this much above its customers is flagged
LARGEST_SD = 2.0  # the largest population sd possible on a 1-5 scale
GAP, UNKNOWN = "gap", "unknown"  # the states of an empty stage x type cell (Coverage.cell_states)
FILTERS = ("stage", "channel", "type", "owner")  # the dashboard's filters, in the order they are named

# (important, strong) -> the quadrant's name, translated where it is shown: `_(QUADRANTS[key])`.
QUADRANTS = {
    # TRANSLATORS: the quadrant of important touchpoints that perform poorly (importance-performance analysis)
    (True, False): N_("Concentrate here"),
    # TRANSLATORS: the quadrant of important touchpoints that perform well
    (True, True): N_("Keep up the good work"),
    # TRANSLATORS: the quadrant of less important touchpoints that perform poorly
    (False, False): N_("Low priority"),
    # TRANSLATORS: the quadrant of less important touchpoints that perform well
    (False, True): N_("Possible overkill"),
}
TOUCHPOINT_COLUMNS = [
    "id", "name", "stage", "channel", "type", "control", "owner", "importance", "reach", "conversions",
    "customer_rating",
]  # fmt: skip


# What a report shows of each touchpoint (the CSV export): inventory fields, then results.
REPORT_COLUMNS = [
    *[c for c in TOUCHPOINT_COLUMNS if c not in ("reach", "conversions")],
    *[f"{c}_{s}" for c in CRITERIA for s in ("mean", "n", "sd")],
    *["composite", "weak", "reasons", "priority", "quadrant", "perception_gap"],
]


@dataclass(frozen=True)
class Finding:
    """One flag for the report: what it is about and the sentence that explains it."""

    code: str
    subject: str
    message: str


@dataclass
class Coverage:
    type_matrix: pd.DataFrame  # stages x physical/digital/human: touchpoint counts
    channel_matrix: pd.DataFrame  # stages x channels: touchpoint counts
    share: float | None  # filled stage x type cells / cells whose state is known (journey stages only)
    scoring_share: float | None  # touchpoints with all three criteria scored / touchpoints
    gaps: list[Finding]  # stage_gap and type_gap, stage by stage
    assessor_completion: dict[str, float]  # assessor -> scored cells / (touchpoints x 3)
    untyped: int  # touchpoints with no type, counted apart from the type matrix
    untyped_by_stage: pd.Series  # stage -> touchpoints with no type ("type unknown")
    cell_states: pd.DataFrame  # stages x types: GAP, UNKNOWN, or "" (filled, Unassigned, or emptied by a filter)
    type_unknown: list[Finding]  # one per journey stage with untyped touchpoints
    fully_scored: int  # touchpoints with all three criteria scored by at least one assessor
    partly_scored: int  # touchpoints with one or two criteria scored: they have a composite too


@dataclass
class AuditResult:
    """Every number of one audit; nothing downstream computes its own."""

    touchpoints: pd.DataFrame  # one row per touchpoint, in inventory order (see _touchpoint_table)
    stages: pd.DataFrame  # one row per stage, in journey order
    coverage: Coverage
    overall_consistency: float | None
    agreement: Agreement
    weak_spots: list[str]  # touchpoint ids, highest priority first
    weakest_stage: Finding | None
    weak_criterion: Finding | None
    criterion_means: dict[str, float | None]
    perception_gaps: list[Finding]
    uncontrolled: list[str]
    weights: dict[str, float]
    assessors: list[str]
    findings: list[Finding] = field(default_factory=list)  # every flag's sentence, for reports
    round1_agreement: Agreement | None = None  # before the discussion, when a round 2 changed scores
    filters: dict[str, list[str]] = field(default_factory=dict)  # what the touchpoints were filtered by, if anything

    @property
    def has_scores(self) -> bool:
        """Whether any touchpoint has a composite: before that, figures say "not yet", never 0."""
        return bool(self.touchpoints["scored"].any())

    @property
    def mean_composite(self) -> float | None:
        return as_float(self.touchpoints["composite"].mean())

    def to_json(self) -> dict[str, Any]:
        """The `metrics --json` object: fractions 0-1, null where not computable."""
        return _to_json(self)


def audit_stages(inventory: Inventory) -> list[str]:
    """The inventory's stage order, plus default-model stages it lacks when it follows that model.

    A journey in the default model with no Loyalty touchpoint has a gap there, and the
    coverage should show it. A stage added is named in the inventory's language (a Persian
    inventory's missing Loyalty stage is "وفاداری", as its template writes it).
    """
    template = LANGUAGES.get(inventory.language, LANGUAGES["en"]).template or LANGUAGES["en"].template
    named = dict(zip(DEFAULT_STAGES, template.stages, strict=True)) if template else {}
    stages = list(inventory.stages)
    known = {default_stage(s) for s in stages} - {None}
    if not known:
        return stages
    journey = [s for s in stages if s != UNASSIGNED_STAGE]
    ordered: list[str] = []
    by_model = {default_stage(s): s for s in journey}
    for model_stage in DEFAULT_STAGES:
        ordered.append(by_model.get(model_stage, named.get(model_stage, model_stage)))
    ordered += [s for s in journey if default_stage(s) is None]
    return ordered + ([UNASSIGNED_STAGE] if UNASSIGNED_STAGE in stages else [])


def filter_touchpoints(touchpoints: pd.DataFrame, chosen: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The touchpoints whose column values are among the chosen ones (an empty choice keeps all)."""
    keep = pd.Series(True, index=touchpoints.index)
    for column, values in chosen.items():
        if values:
            keep &= touchpoints[column].isin(list(values))
    return touchpoints[keep]


def inventory_frame(inventory: Inventory) -> pd.DataFrame:
    """The touchpoint columns compute_audit needs, with notes and extra columns, from an inventory.

    The same shape as `Store.touchpoint_frame`, so the workbook can take either.
    """
    columns = [*TOUCHPOINT_COLUMNS, "notes", "extra"]
    records = [{c: getattr(tp, c) for c in columns} for tp in inventory.touchpoints]
    return pd.DataFrame.from_records(records, columns=columns)


def compute_audit(
    touchpoints: pd.DataFrame,
    scores: pd.DataFrame,
    stages: Sequence[str],
    weights: Mapping[str, float] | None = None,
    *,
    round1_scores: pd.DataFrame | None = None,
) -> AuditResult:
    """All metrics of an audit from its touchpoints, its long score table and its stage order.

    `round1_scores`, the scores as they stood before a second round, adds the agreement
    before the discussion beside the agreement now.
    """
    return _compute(touchpoints, scores, stages, weights, round1_scores, judged=None)


def filtered_audit(
    touchpoints: pd.DataFrame,
    scores: pd.DataFrame,
    stages: Sequence[str],
    weights: Mapping[str, float] | None = None,
    chosen: Mapping[str, Sequence[str]] | None = None,
    *,
    round1_scores: pd.DataFrame | None = None,
) -> AuditResult:
    """The audit of the touchpoints the filters keep, with its coverage judged on the whole audit.

    A filter narrows what is shown; it never declares a stage or a cell empty. A stage filter
    narrows the stages shown to those chosen; the coverage share, gaps and unknown types are
    those of every touchpoint in the stages shown, whatever the channel, type or owner filters.
    """
    active = {column: list(values) for column, values in (chosen or {}).items() if values}
    if not active:
        return compute_audit(touchpoints, scores, stages, weights, round1_scores=round1_scores)
    picked = active.get("stage", [])
    order = _stage_order(stages, touchpoints)
    shown = [s for s in order if s in picked] if picked else order
    judged = filter_touchpoints(touchpoints, {"stage": picked})
    result = _compute(filter_touchpoints(touchpoints, active), scores, shown, weights, round1_scores, judged=judged)
    result.filters = active
    return result


# How each filter is named in a sentence; {values} are the chosen values ("Phone or Store").
FILTER_WORDS = {
    # TRANSLATORS: a dashboard filter in a sentence, e.g. "stage Awareness or Purchase"
    "stage": N_("stage {values}"),
    # TRANSLATORS: a dashboard filter in a sentence, e.g. "channel Phone or Store"
    "channel": N_("channel {values}"),
    # TRANSLATORS: a dashboard filter in a sentence, e.g. "type Physical or Digital"
    "type": N_("type {values}"),
    # TRANSLATORS: a dashboard filter in a sentence, e.g. "owner Care"
    "owner": N_("owner {values}"),
}


def describe_filters(chosen: Mapping[str, Sequence[str]]) -> str:
    """The filters in words, for sentences: "channel Phone or Store; owner Care"."""
    described = []
    for column in FILTERS:
        values = [i18n.label(str(v)) if column == "type" else str(v) for v in chosen.get(column) or []]
        if values:
            described.append(_(FILTER_WORDS[column]).format(values=_either(values)))
    # TRANSLATORS: separates the items of a list in a sentence ("channel Phone; owner Care")
    return _("; ").join(described)


def _either(values: Sequence[str]) -> str:
    """Values as alternatives: "Phone", "Phone or Store", "Phone or Store or Email"."""
    text = values[0]
    for value in values[1:]:
        # TRANSLATORS: alternatives in a list: {values} is one or more values already joined, {value} the next
        text = _("{values} or {value}").format(values=text, value=value)
    return text


def _compute(
    touchpoints: pd.DataFrame,
    scores: pd.DataFrame,
    stages: Sequence[str],
    weights: Mapping[str, float] | None,
    round1_scores: pd.DataFrame | None,
    *,
    judged: pd.DataFrame | None,
) -> AuditResult:
    """compute_audit, with the stage x type coverage judged on `judged` (None: on these touchpoints)."""
    weights = dict(weights or dict.fromkeys(CRITERIA, 1.0))
    scores = _audit_scores(scores, touchpoints["id"])
    units = group_units(scores)  # the one grouping every per-unit figure and the agreement read
    assessor_cells = _assessor_cells(scores)
    table = _touchpoint_table(touchpoints, units, weights)
    stage_table = _stage_table(table, stages)
    coverage = _coverage(table, assessor_cells, stages, judged)
    weak_spots = table[table["weak"]].sort_values(["priority", "composite", "id"], ascending=[False, True, True])
    criterion_means = {c: as_float(table[f"{c}_mean"].mean()) for c in CRITERIA}
    result = AuditResult(
        touchpoints=table,
        stages=stage_table,
        coverage=coverage,
        overall_consistency=_overall_consistency(stage_table),
        agreement=units_agreement(units, len(assessor_cells)),
        weak_spots=weak_spots["id"].tolist(),
        weakest_stage=_weakest_stage(stage_table, filtered=judged is not None),
        weak_criterion=_weak_criterion(criterion_means, filtered=judged is not None),
        criterion_means=criterion_means,
        perception_gaps=_perception_findings(table),
        uncontrolled=table.loc[table["control"] == "uncontrolled", "id"].tolist(),
        weights=weights,
        assessors=assessor_cells.index.tolist(),
    )
    if round1_scores is not None:
        result.round1_agreement = agreement(_audit_scores(round1_scores, touchpoints["id"]))
    result.findings = _all_findings(result, weak_spots)
    return result


def _audit_scores(scores: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The scores of the touchpoints whose ids are given: an archived or filtered-out touchpoint's are left out."""
    codes, scored_ids = pd.factorize(scores["touchpoint_id"])
    known = pd.Index(ids.unique()).get_indexer(scored_ids) >= 0
    inside = np.append(known, False)[codes]  # code -1, a score without a touchpoint id, takes the False
    return scores if inside.all() else scores[inside]


def _assessor_cells(scores: pd.DataFrame) -> pd.Series:
    """How many cells each assessor scored, by assessor name in sorted order."""
    return scores["assessor"].value_counts().sort_index()


# --- touchpoints ---------------------------------------------------------------------------


def _touchpoint_table(touchpoints: pd.DataFrame, units: Units, weights: Mapping[str, float]) -> pd.DataFrame:
    """Inventory columns, then per criterion mean/median/n/sd/discuss, composite, flags and sentences."""
    table = touchpoints.reset_index(drop=True).copy()
    table["importance"] = pd.to_numeric(table["importance"], errors="coerce").fillna(3.0).astype("float64")
    for column in ("reach", "conversions", "customer_rating"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    table = pd.concat([table, _criterion_columns(table["id"], units)], axis=1)
    means = table[[f"{c}_mean" for c in CRITERIA]].astype("float64")
    means.columns = list(CRITERIA)
    table["composite"] = composite(means, weights)
    table["scored"] = table["composite"].notna()
    table["conversion_rate"] = table["conversions"] / table["reach"].where(table["reach"] > 0)
    _weakness(table, means)
    table["priority"] = table["importance"] * (5 - table["composite"])
    table["quadrant"] = quadrant_names(table["importance"], table["composite"])
    table["perception_gap"] = table["composite"] - table["customer_rating"]
    table["perception_flag"] = table["perception_gap"] >= PERCEPTION_GAP
    table["discuss"] = table[[f"{c}_discuss" for c in CRITERIA]].any(axis=1)
    return table


def quadrant_names(importance: pd.Series, composite: pd.Series) -> pd.Series:
    """Each touchpoint's quadrant (QUADRANTS) in the current language; None where it has no composite."""
    important, strong, scored = importance >= IMPORTANT, composite >= STRONG, composite.notna()
    names = pd.Series(None, index=composite.index, dtype="object")
    for (is_important, is_strong), name in QUADRANTS.items():
        names[scored & (important == is_important) & (strong == is_strong)] = _(name)
    return names


def _criterion_columns(ids: pd.Series, units: Units) -> pd.DataFrame:
    """Per touchpoint and criterion: its unit's mean, median, n, sd and discuss (empty, n 0, when unscored)."""
    stats = unit_stats(units)
    unit_of = np.full((len(units.touchpoint_ids), len(units.criteria)), -1, dtype=np.int64)
    unit_of[units.touchpoint, units.criterion] = np.arange(len(stats))
    row = units.touchpoint_ids.get_indexer(pd.Index(ids))  # -1: a touchpoint nobody scored
    scored_rows = np.flatnonzero(row >= 0)
    columns: dict[str, np.ndarray] = {}
    for criterion, position in zip(CRITERIA, units.criteria.get_indexer(pd.Index(CRITERIA)), strict=True):
        unit = np.full(len(ids), -1, dtype=np.int64)
        if position >= 0:
            unit[scored_rows] = unit_of[row[scored_rows], position]
        scored = unit >= 0
        for stat, empty in (("mean", np.nan), ("median", np.nan), ("n", 0), ("sd", np.nan), ("discuss", False)):
            values = stats[stat].to_numpy()
            column = np.full(len(ids), empty, dtype=values.dtype)
            column[scored] = values[unit[scored]]
            columns[f"{criterion}_{stat}"] = column
    return pd.DataFrame(columns, index=ids.index)


# Why a touchpoint is weak, one part per reason; the parts are joined into WEAK_REASONS.
# TRANSLATORS: a reason a touchpoint is weak, in a list after "Weak:"; {value} is its composite score (1-5)
COMPOSITE_REASON = N_("composite {value} is below {limit}")
CRITERION_REASONS = {
    # TRANSLATORS: a reason a touchpoint is weak, in a list after "Weak:"; {value} is its mean relevance score
    "relevance": N_("relevance averages {value} ({limit} or lower)"),
    # TRANSLATORS: a reason a touchpoint is weak, in a list after "Weak:"; {value} is its mean meaningfulness score
    "meaningfulness": N_("meaningfulness averages {value} ({limit} or lower)"),
    # TRANSLATORS: a reason a touchpoint is weak, in a list after "Weak:"; {value} is its mean attractiveness score
    "attractiveness": N_("attractiveness averages {value} ({limit} or lower)"),
}
# TRANSLATORS: why a touchpoint is weak; {reasons} is a list of reasons ("composite 2.67 is below 3.0; ...")
WEAK_REASONS = N_("Weak: {reasons}.")


def _weakness(table: pd.DataFrame, means: pd.DataFrame) -> None:
    """`weak` and `reasons`: composite below WEAK_COMPOSITE or any criterion mean at or below WEAK_CRITERION,
    said in words (in the current language)."""
    low_composite = table["composite"] < WEAK_COMPOSITE
    low = means.le(WEAK_CRITERION)
    weak = low_composite | low.any(axis=1)
    table["weak"] = weak
    composite_limit, criterion_limit = i18n.number(WEAK_COMPOSITE, 1), i18n.number(WEAK_CRITERION, 1)
    parts = [(low_composite, _(COMPOSITE_REASON), table["composite"], composite_limit)]
    parts += [(low[c], _(CRITERION_REASONS[c]), means[c], criterion_limit) for c in CRITERIA]
    reasons = pd.Series("", index=table.index, dtype="object")
    # TRANSLATORS: separates the reasons a touchpoint is weak ("composite 2.67 is below 3.0; relevance ...")
    separator = _("; ")
    for mask, template, values, limit in parts:  # written only where they apply, joined in this order
        before, after = template.replace("{limit}", limit).split("{value}", 1)
        text = before + _number_texts(values[mask]) + after
        reasons[mask] = np.where(reasons[mask] == "", text, reasons[mask] + separator + text)
    lead, tail = _(WEAK_REASONS).split("{reasons}", 1)  # the whole sentence around the list, as translated
    reasons[weak] = lead + reasons[weak] + tail
    table["reasons"] = reasons


def _number_texts(values: pd.Series, digits: int = 2) -> pd.Series:
    """The values written as `i18n.number` writes them: "2.67", "2,67", "۲٫۶۷".

    Each distinct value is written once: 100,000 touchpoints' sentences hold a few thousand numbers.
    """
    written = {value: i18n.number(value, digits) for value in values.unique().tolist()}
    return values.map(written).astype("object")


# --- stages --------------------------------------------------------------------------------


def _stage_order(stages: Sequence[str], table: pd.DataFrame) -> list[str]:
    """The stages in journey order, then any stage a touchpoint names that the order lacks."""
    return list(dict.fromkeys(list(stages) + table["stage"].drop_duplicates().tolist()))


def _stage_table(table: pd.DataFrame, stages: Sequence[str]) -> pd.DataFrame:
    """Per stage: counts, mean composite, sd, consistency index, channel spread, inconsistent flag."""
    order = _stage_order(stages, table)
    scored = table[table["scored"]]
    by_stage = scored.groupby("stage")["composite"]
    frame = pd.DataFrame(index=pd.Index(order, name="name"))
    frame["touchpoints"] = table.groupby("stage").size().reindex(order).fillna(0).astype("int64")
    frame["scored"] = by_stage.size().reindex(order).fillna(0).astype("int64")
    frame["mean_composite"] = by_stage.mean().reindex(order)
    frame["sd"] = by_stage.std(ddof=0).reindex(order)
    for criterion in CRITERIA:
        frame[f"{criterion}_mean"] = table.groupby("stage")[f"{criterion}_mean"].mean().reindex(order)
    frame["consistency_index"] = 1 - frame["sd"] / LARGEST_SD
    channel_means = scored.dropna(subset=["channel"]).groupby(["stage", "channel"])["composite"].mean()
    per_stage = channel_means.groupby(level="stage")
    frame["channel_spread"] = (per_stage.max() - per_stage.min()).reindex(order)
    frame["inconsistent"] = frame["channel_spread"] >= INCONSISTENT_SPREAD
    frame["highest_channel"] = per_stage.idxmax().map(_channel_of).reindex(order)
    frame["lowest_channel"] = per_stage.idxmin().map(_channel_of).reindex(order)
    return frame.reset_index()


def _channel_of(key: object) -> object:
    return key[1] if isinstance(key, tuple) else key


def _overall_consistency(stages: pd.DataFrame) -> float | None:
    """The stages' consistency indices weighted by how many scored touchpoints each has."""
    usable = stages[stages["scored"] > 0]
    if usable.empty:
        return None
    return float(np.average(usable["consistency_index"], weights=usable["scored"]))


def _weakest_stage(stages: pd.DataFrame, *, filtered: bool = False) -> Finding | None:
    """The stage with the lowest mean composite; under filters, the weakest of what the filters show."""
    scored = stages[(stages["scored"] > 0) & (stages["name"] != UNASSIGNED_STAGE)]
    if len(scored) < 2:
        return None
    row = scored.sort_values("mean_composite", kind="stable").iloc[0]
    if filtered:
        sentence = _("{stage} is the weakest stage among the touchpoints shown: they average {mean} out of 5.")
    else:
        sentence = _("{stage} is the weakest stage of the journey: its scored touchpoints average {mean} out of 5.")
    message = sentence.format(stage=row["name"], mean=i18n.number(row["mean_composite"], 2))
    return Finding("weakest_stage", str(row["name"]), message)


def _weak_criterion(means: Mapping[str, float | None], *, filtered: bool = False) -> Finding | None:
    """The lowest criterion, flagged when its average over touchpoints (those shown, under filters) is below
    WEAK_COMPOSITE."""
    known = {c: m for c, m in means.items() if m is not None}
    if not known:
        return None
    lowest = min(known, key=lambda c: known[c])
    if known[lowest] >= WEAK_COMPOSITE:
        return None
    if filtered:
        # TRANSLATORS: {criterion} is Relevance, Meaningfulness or Attractiveness
        sentence = _(
            "{criterion} is low across the touchpoints shown: it averages {mean} over the scored touchpoints "
            "shown, below {limit}."
        )
    else:
        # TRANSLATORS: {criterion} is Relevance, Meaningfulness or Attractiveness
        sentence = _(
            "{criterion} is low across the board: it averages {mean} over all scored touchpoints, below {limit}."
        )
    message = sentence.format(
        criterion=i18n.label(lowest), mean=i18n.number(known[lowest], 2), limit=i18n.number(WEAK_COMPOSITE, 1)
    )
    return Finding("weak_criterion", lowest, message)


# --- coverage ------------------------------------------------------------------------------


def _coverage(
    table: pd.DataFrame, assessor_cells: pd.Series, stages: Sequence[str], judged: pd.DataFrame | None
) -> Coverage:
    """Counts of these touchpoints; share, gaps and unknown types of `judged` (None: of these touchpoints)."""
    order = _stage_order(stages, table)
    type_matrix = _count_matrix(table, "type", order, list(TYPES))
    untyped_by_stage = _untyped_by_stage(table, order)
    channel_order = table["channel"].dropna().drop_duplicates().tolist()
    channel_matrix = _count_matrix(table, "channel", order, channel_order)
    if judged is None:  # judged on these touchpoints: their counts are the ones just made
        types = _type_coverage(type_matrix, untyped_by_stage, order)
    else:
        types = _type_coverage(
            _count_matrix(judged, "type", order, list(TYPES)), _untyped_by_stage(judged, order), order
        )
    complete = table[[f"{c}_n" for c in CRITERIA]].gt(0).all(axis=1)
    total = len(table)
    per_assessor = assessor_cells / (total * len(CRITERIA)) if total else pd.Series(dtype=float)
    return Coverage(
        type_matrix=type_matrix,
        channel_matrix=channel_matrix,
        share=types.share,
        scoring_share=float(complete.mean()) if total else None,
        gaps=types.gaps,
        assessor_completion={str(a): float(v) for a, v in per_assessor.items()},
        untyped=int(table["type"].isna().sum()),
        untyped_by_stage=untyped_by_stage,
        cell_states=types.states,
        type_unknown=types.unknown,
        fully_scored=int(complete.sum()),
        partly_scored=int((table["scored"] & ~complete).sum()),
    )


def _count_matrix(table: pd.DataFrame, column: str, stages: list[str], values: list[str]) -> pd.DataFrame:
    """Stages x values: how many touchpoints of each stage have each value of `column`."""
    counts = table.groupby(["stage", column]).size().unstack(column)
    return counts.reindex(index=stages, columns=values).fillna(0).astype("int64")


def _untyped_by_stage(table: pd.DataFrame, stages: list[str]) -> pd.Series:
    """How many touchpoints of each stage have no type."""
    untyped = table.loc[table["type"].isna(), "stage"].value_counts()
    return untyped.reindex(stages).fillna(0).astype("int64").rename("untyped")


@dataclass(frozen=True)
class _TypeCoverage:
    share: float | None
    states: pd.DataFrame
    gaps: list[Finding]
    unknown: list[Finding]


def _type_coverage(counts: pd.DataFrame, untyped: pd.Series, order: list[str]) -> _TypeCoverage:
    """The stage x type cells' states, the share of known cells filled, and the sentences, from the stages'
    counts by type and of untyped touchpoints.

    An empty cell of a stage that has untyped touchpoints is unknown, not a gap: one of them
    may be of that type. Unknown cells count in neither part of the share.
    """
    empty = counts.to_numpy() == 0
    unknown = empty & (untyped.to_numpy() > 0)[:, None]
    states = pd.DataFrame(
        np.where(unknown, UNKNOWN, np.where(empty, GAP, "")), index=counts.index, columns=counts.columns
    )
    journey = [s for s in order if s != UNASSIGNED_STAGE]
    states.loc[~states.index.isin(journey)] = ""  # "Unassigned" is no stage of the journey: it has no gaps
    known = states.loc[journey] != UNKNOWN
    filled = counts.loc[journey] > 0
    share = float(filled.to_numpy().sum() / known.to_numpy().sum()) if known.to_numpy().any() else None
    per_stage = counts.sum(axis=1) + untyped
    gaps: list[Finding] = []
    unknown_findings: list[Finding] = []
    for stage in journey:  # one iteration per stage, not per touchpoint
        if per_stage.get(stage, 0) == 0:
            gaps.append(Finding("stage_gap", str(stage), _("{stage} has no touchpoint at all.").format(stage=stage)))
            continue
        row = states.loc[stage]
        gaps += [Finding("type_gap", f"{stage}/{kind}", _(TYPE_GAPS[kind]).format(stage=stage)) for kind in TYPES
                 if row[kind] == GAP]  # fmt: skip
        if untyped[stage]:
            unknown_findings.append(
                _type_unknown(str(stage), int(untyped[stage]), [k for k in TYPES if row[k] == UNKNOWN])
            )
    return _TypeCoverage(share, states, gaps, unknown_findings)


# A stage with no touchpoint of a type: one sentence per type, so that each can agree with its type.
TYPE_GAPS = {
    "physical": N_("{stage} has no physical touchpoint."),
    "digital": N_("{stage} has no digital touchpoint."),
    "human": N_("{stage} has no human touchpoint."),
}
# The types inside a sentence ("its physical / digital coverage is unknown").
TYPE_WORDS = {
    # TRANSLATORS: a touchpoint type inside a sentence: "its physical / human coverage is unknown"
    "physical": N_("physical"),
    # TRANSLATORS: a touchpoint type inside a sentence: "its physical / digital coverage is unknown"
    "digital": N_("digital"),
    # TRANSLATORS: a touchpoint type inside a sentence: "its digital / human coverage is unknown"
    "human": N_("human"),
}


def _type_unknown(stage: str, count: int, kinds: list[str]) -> Finding:
    """The sentence for a stage whose untyped touchpoints leave some of its coverage unknown.

    The stage's name is followed by words, not by a colon and a number: a right-to-left name
    (a Persian stage) would otherwise be displayed with the number before it.
    """
    if kinds:
        # TRANSLATORS: {types} lists touchpoint types, e.g. "physical / human"
        sentence = ngettext(
            "{stage} has {n} touchpoint with no type, so its {types} coverage is unknown. "
            "Add a Type on the Inventory page.",
            "{stage} has {n} touchpoints with no type, so its {types} coverage is unknown. "
            "Add a Type on the Inventory page.",
            count,
        )
    else:
        sentence = ngettext(
            "{stage} has {n} touchpoint with no type. Add a Type on the Inventory page.",
            "{stage} has {n} touchpoints with no type. Add a Type on the Inventory page.",
            count,
        )
    types = " / ".join(_(TYPE_WORDS[k]) if k in TYPE_WORDS else k for k in kinds)
    return Finding("type_unknown", stage, sentence.format(stage=stage, n=i18n.integer(count), types=types))


# --- findings ------------------------------------------------------------------------------


def _rows(table: pd.DataFrame, *names: str) -> zip[tuple[Any, ...]]:
    """The rows of some columns as tuples of plain Python values (much cheaper than itertuples)."""
    return zip(*(table[name].tolist() for name in names), strict=True)


def _perception_findings(table: pd.DataFrame) -> list[Finding]:
    flagged = table[table["perception_flag"]]
    # TRANSLATORS: {gap} is how much higher, in points ("1.00"), {team} the team's composite, {customers} the rating
    sentence = _("The team rates {name} {gap} above what its customers say ({team} against {customers}).")
    written = flagged.assign(
        gap=_number_texts(flagged["perception_gap"]),  # a flagged gap is positive: "1.00 above", not "+1.00 above"
        team=_number_texts(flagged["composite"]),
        customers=_number_texts(flagged["customer_rating"]),
    )
    return [
        Finding("perception_gap", str(tp_id), sentence.format(name=name, gap=gap, team=team, customers=customers))
        for tp_id, name, gap, team, customers in _rows(written, "id", "name", "gap", "team", "customers")
    ]


def _all_findings(result: AuditResult, weak: pd.DataFrame) -> list[Finding]:
    # TRANSLATORS: a weak spot: {name} is the touchpoint, {reasons} the sentence saying why it is weak
    weak_spot = _("{name}: {reasons}")
    findings = [
        Finding("weak_spot", str(tp_id), weak_spot.format(name=name, reasons=reasons))
        for tp_id, name, reasons in _rows(weak, "id", "name", "reasons")
    ]
    findings += result.coverage.gaps + result.coverage.type_unknown
    # TRANSLATORS: {highest} and {lowest} are channels; {spread} is a difference in points on the 1-5 scale
    inconsistent = _("{stage} feels inconsistent across channels: {highest} averages {spread} points above {lowest}.")
    for row in result.stages[result.stages["inconsistent"]].itertuples(index=False):
        message = inconsistent.format(
            stage=row.name,
            highest=row.highest_channel,
            spread=i18n.number(as_float(row.channel_spread)),
            lowest=row.lowest_channel,
        )
        findings.append(Finding("inconsistent_stage", str(row.name), message))
    findings += [f for f in (result.weakest_stage, result.weak_criterion) if f is not None]
    findings += result.perception_gaps
    return findings


# --- headline figures ----------------------------------------------------------------------

NOT_YET = "-"  # what a figure shows before there is anything to compute it from


@dataclass(frozen=True)
class Figure:
    """One headline figure: a short value (it must fit a narrow column), an optional band, and help.

    The label, value and help are in the current language; the band is the agreement's code
    ("reliable", "tentative", "low"): shown with `i18n.label(band)`, and it picks the band's colour.
    """

    label: str
    value: str
    help: str
    band: str | None = None  # the agreement's band, shown beside its value


def headline(result: AuditResult) -> list[Figure]:
    """The dashboard's headline figures; "-" where nothing is scored yet, never a misleading 0."""
    coverage, total = result.coverage, len(result.touchpoints)
    nothing = _("Not yet: no scores yet.")
    # TRANSLATORS: {share} is a percentage of the touchpoints ("75%"), or "none yet"
    scored_help = _("Touchpoints with all three criteria scored by at least one assessor ({share}).").format(
        share=_share(coverage)
    )
    if coverage.partly_scored:
        partly = ngettext(
            "{n} more is partly scored: their composites count in the means.",
            "{n} more are partly scored: their composites count in the means.",
            coverage.partly_scored,
        ).format(n=i18n.integer(coverage.partly_scored))
        scored_help = f"{scored_help} {partly}"
    any_scored = result.has_scores
    agreement = result.agreement
    mean, overall = result.mean_composite, result.overall_consistency
    return [
        # TRANSLATORS: a headline figure's title: how many touchpoints the audit has
        Figure(_("Touchpoints"), i18n.integer(total), _("Touchpoints in the audit, or those the filters keep.")),
        Figure(
            # TRANSLATORS: a headline figure's title: how many touchpoints are scored
            _("Scored"),
            # TRANSLATORS: a headline figure: {scored} touchpoints scored of {total}
            _("{scored} of {total}").format(scored=i18n.integer(coverage.fully_scored), total=i18n.integer(total)),
            scored_help,
        ),
        Figure(
            _("Mean composite"),
            NOT_YET if mean is None else i18n.number(mean, 2),
            nothing if mean is None else _("Out of 5: the mean of the scored touchpoints' composites."),
        ),
        Figure(
            _("Consistency"),
            NOT_YET if overall is None else i18n.percent(overall),
            nothing
            if overall is None
            else _(
                "1 - sd/2 of the composites within each stage, weighted by scored touchpoints: 100% means every "
                "touchpoint of a stage is as good as the others."
            ),
        ),
        Figure(
            # TRANSLATORS: a headline figure's title: how far the assessors agree (Krippendorff's alpha)
            _("Agreement"),
            NOT_YET if agreement.alpha is None else i18n.number(agreement.alpha, 2),
            agreement.message,
            agreement.band,
        ),
        Figure(
            _("Weak spots"),
            i18n.integer(len(result.weak_spots)) if any_scored else NOT_YET,
            _("Composite below {composite}, or a criterion at {criterion} or lower.").format(
                composite=i18n.number(WEAK_COMPOSITE, 1), criterion=i18n.number(WEAK_CRITERION, 1)
            )
            if any_scored
            else nothing,
        ),
    ]


def _share(coverage: Coverage) -> str:
    return _("none yet") if coverage.scoring_share is None else i18n.percent(coverage.scoring_share)


# --- JSON ----------------------------------------------------------------------------------


def as_float(value: object) -> float | None:
    """A float, or None for NaN and missing values."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if np.isnan(number) else number


def _floats(column: pd.Series) -> list[float | None]:
    """A column as floats, None for NaN and missing values (as `as_float` says of one value)."""
    return [None if v != v else v for v in column.astype("float64").tolist()]


def _texts(column: pd.Series) -> list[object]:
    """A column's values as they are, None for missing ones (tolist gives Python values already)."""
    return [None if v is None or v is pd.NA or v != v else v for v in column.tolist()]


def _to_json(result: AuditResult) -> dict[str, Any]:
    table = result.touchpoints
    # Column by column (serialising only, the numbers are already computed): a 10k-touchpoint audit's
    # JSON costs a fraction of what a dict per row, value by value, cost.
    text = {k: _texts(table[k]) for k in ("id", "name", "stage", "channel", "type", "quadrant", "control")}
    importance = _texts(table["importance"])
    floats = {k: _floats(table[k]) for k in ("composite", "priority", "perception_gap", "conversion_rate")}
    criteria = {
        c: [
            {"mean": mean, "median": median, "n": n, "sd": sd, "discuss": discuss}
            for mean, median, n, sd, discuss in zip(
                _floats(table[f"{c}_mean"]),
                _floats(table[f"{c}_median"]),
                [int(v) for v in table[f"{c}_n"].tolist()],
                _floats(table[f"{c}_sd"]),
                [bool(v) for v in table[f"{c}_discuss"].tolist()],
                strict=True,
            )
        ]
        for c in CRITERIA
    }
    weak = [bool(v) for v in table["weak"].tolist()]
    reasons = [reason or None for reason in _texts(table["reasons"])]
    columns = zip(
        *(text[k] for k in ("id", "name", "stage", "channel", "type")),
        importance,
        *(criteria[c] for c in CRITERIA),
        floats["composite"],
        weak,
        reasons,
        floats["priority"],
        text["quadrant"],
        floats["perception_gap"],
        text["control"],
        floats["conversion_rate"],
        strict=True,
    )
    touchpoints = [
        {
            "id": id_,
            "name": name,
            "stage": stage,
            "channel": channel,
            "type": type_,
            "importance": importance_,
            "criteria": dict(zip(CRITERIA, (relevance, meaningfulness, attractiveness), strict=True)),
            "composite": composite,
            "weak": weak_,
            "reasons": reasons_,
            "priority": priority,
            "quadrant": quadrant,
            "perception_gap": gap,
            "control": control,
            "conversion_rate": rate,
        }
        for (id_, name, stage, channel, type_, importance_, relevance, meaningfulness, attractiveness, composite,
             weak_, reasons_, priority, quadrant, gap, control, rate) in columns
    ]  # fmt: skip
    stages = [
        {
            "name": row["name"],
            "touchpoints": int(row["touchpoints"]),
            "scored": int(row["scored"]),
            "mean_composite": as_float(row["mean_composite"]),
            "sd": as_float(row["sd"]),
            "consistency_index": as_float(row["consistency_index"]),
            "channel_spread": as_float(row["channel_spread"]),
            "inconsistent": bool(row["inconsistent"]),
        }
        for row in result.stages.to_dict("records")
    ]
    coverage = result.coverage
    return {
        "touchpoints": touchpoints,
        "stages": stages,
        "coverage": {
            "share": coverage.share,
            "scoring_share": coverage.scoring_share,
            "gaps": [{"subject": g.subject, "message": g.message} for g in coverage.gaps],
            "untyped": coverage.untyped,
            "unknown_cells": _unknown_cells(coverage.cell_states),
            "type_unknown": [{"subject": f.subject, "message": f.message} for f in coverage.type_unknown],
            "assessor_completion": coverage.assessor_completion,
        },
        "consistency": {"overall_index": result.overall_consistency},
        "agreement": {
            "alpha": result.agreement.alpha,
            "band": result.agreement.band,
            "units": result.agreement.units,
            "assessors": result.agreement.assessors,
            "message": result.agreement.message,
        },
        "agreement_round1": None
        if result.round1_agreement is None
        else {"alpha": result.round1_agreement.alpha, "band": result.round1_agreement.band},
        "weak_spots": result.weak_spots,
        "weakest_stage": _finding_json(result.weakest_stage),
        "weak_criterion": _finding_json(result.weak_criterion),
        "criterion_means": result.criterion_means,
        "perception_gaps": [{"id": f.subject, "message": f.message} for f in result.perception_gaps],
        "uncontrolled": result.uncontrolled,
        "weights": result.weights,
        "assessors": result.assessors,
        "findings": [{"code": f.code, "subject": f.subject, "message": f.message} for f in result.findings],
    }


def audit_from_inventory(
    inventory: Inventory, scores: pd.DataFrame, weights: Mapping[str, float] | None = None
) -> AuditResult:
    """compute_audit for an inventory read from a file."""
    return compute_audit(inventory_frame(inventory), scores, audit_stages(inventory), weights)


def _unknown_cells(states: pd.DataFrame) -> list[dict[str, str]]:
    """The stage x type cells whose state is unknown, stage by stage."""
    return [
        {"stage": str(stage), "type": str(kind)}
        for stage, row in states.iterrows()
        for kind, state in row.items()
        if state == UNKNOWN
    ]


def _finding_json(finding: Finding | None) -> dict[str, str] | None:
    return None if finding is None else {"subject": finding.subject, "message": finding.message}
