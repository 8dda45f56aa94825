"""Two audits side by side: a baseline and a follow-up of the same journey, or ours and a competitor's.

`compare_audits(before, after)` takes two `AuditResult`s scored with the same method and
returns one `Comparison` that the Compare page, the workbook's Comparison sheet, the report
and `python -m audit compare` all read. The rules (docs/method.md, "Comparing two audits"):

- touchpoints are matched by id, then the rest by name (case, accents and spacing aside);
  the ones left on either side are listed as unmatched;
- stages are matched by their default-model stage (so "Awareness" meets "Осведомлённость"),
  else by name;
- a change counts as beyond noise when it is larger than the room's disagreement on it: for
  a touchpoint, the largest sd of its criteria in either audit; for a stage, whose mean
  averages many touchpoints, that disagreement as the standard error of a change in a mean,
  sqrt(d1²/n1 + d2²/n2) with d the stage's mean touchpoint disagreement in each audit and n
  its number of touchpoints with one. Where an audit has one assessor there is no
  disagreement to measure, so whether a change is beyond noise is unknown (None);
- a weak spot is fixed when its touchpoint is scored and no longer weak, open when it is
  still weak, new when it is weak now and was not (or did not exist) before;
- a coverage gap (a stage with no touchpoint, or none of one type) is closed when the
  baseline had it and the follow-up does not, opened the other way round.

The words of a comparison (its sentences, the `movement` and `matched_by` columns, the lists'
titles, the readable tables' headers) are in the language active when it is made or asked
for (audit.i18n); the gaps' sentences are those of the two results.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from audit import i18n
from audit.i18n import N_, _, ngettext
from audit.inventory import is_derived_id
from audit.metrics import AuditResult, Finding, as_float
from audit.scoring import Agreement
from audit.vocabulary import CRITERIA, default_stage

if TYPE_CHECKING:
    from audit.access import Facilitator
    from audit.store import Snapshot, Store

MEASURES = ("composite", *CRITERIA)  # what is compared, per touchpoint and per stage
GAP_CODES = ("stage_gap", "type_gap")  # the findings that are coverage gaps


class Kind(StrEnum):
    """What the other audit is to this one."""

    BASELINE = "baseline"  # an earlier audit of the same journey: before and after
    COMPETITOR = "competitor"  # a competitor's journey, scored with the same method: them and us


# The names of the lists and figures: a weak spot "fixed" since a baseline is one "weak only in theirs"
# against a competitor, and a change there is a difference. Translated by `Comparison.words`.
WORDS = {
    Kind.BASELINE: {
        # TRANSLATORS: a list of weak spots: weak in the baseline audit, no longer weak now
        "fixed": N_("Fixed"),
        # TRANSLATORS: a list of weak spots: weak now, not weak in the baseline audit
        "new": N_("New"),
        # TRANSLATORS: a list of weak spots: weak in the baseline audit and still weak now
        "open": N_("Still open"),
        # TRANSLATORS: a list of weak spots: weak in the baseline audit, not scored again yet
        "unscored": N_("Not rescored yet"),
        # TRANSLATORS: a list of coverage gaps: in the baseline audit, not any more
        "closed": N_("Closed"),
        # TRANSLATORS: a list of coverage gaps: not in the baseline audit, there now
        "opened": N_("Opened"),
        "moved": N_("Moved beyond the noise"),
        # TRANSLATORS: a score's change since the baseline audit (a column header, a tooltip)
        "change": N_("change"),
        # TRANSLATORS: how a score moved since the baseline audit, in a table's Movement column
        "better": N_("better"),
        # TRANSLATORS: how a score moved since the baseline audit, in a table's Movement column
        "worse": N_("worse"),
        "weak_figure": N_("Weak spots fixed / new"),
        "gap_figure": N_("Gaps closed / opened"),
    },
    Kind.COMPETITOR: {
        "fixed": N_("Weak only in theirs"),
        "new": N_("Weak only in ours"),
        "open": N_("Weak in both"),
        "unscored": N_("Weak in theirs, not scored in ours"),
        "closed": N_("Gaps only they have"),
        "opened": N_("Gaps only we have"),
        "moved": N_("Differ beyond the noise"),
        # TRANSLATORS: the difference between our score and a competitor's (a column header, a tooltip)
        "change": N_("difference"),
        # TRANSLATORS: how our score compares with a competitor's, in a table's Movement column
        "better": N_("ahead"),
        # TRANSLATORS: how our score compares with a competitor's, in a table's Movement column
        "worse": N_("behind"),
        "weak_figure": N_("Weak only: theirs / ours"),
        "gap_figure": N_("Gaps only: theirs / ours"),
    },
}
# What the two audits are called in table headers, and the headers of a measure on each side.
SIDES = {
    Kind.BASELINE: (
        # TRANSLATORS: what the baseline audit is called in tables (as against "Now")
        N_("Before"),
        # TRANSLATORS: what this audit is called in tables when compared with its baseline (as against "Before")
        N_("Now"),
    ),
    Kind.COMPETITOR: (
        # TRANSLATORS: what a competitor's audit is called in tables (as against "Ours")
        N_("Competitor"),
        # TRANSLATORS: what our audit is called in tables when compared with a competitor's
        N_("Ours"),
    ),
}
SIDE_HEADERS = {
    Kind.BASELINE: (
        # TRANSLATORS: a column header: {measure} (Composite, Relevance, Touchpoints...) in the baseline audit
        N_("{measure} Before"),
        # TRANSLATORS: a column header: {measure} (Composite, Relevance, Touchpoints...) in this audit, now
        N_("{measure} Now"),
    ),
    Kind.COMPETITOR: (
        # TRANSLATORS: a column header: {measure} (Composite, Relevance, Touchpoints...) in the competitor's audit
        N_("{measure} Competitor"),
        # TRANSLATORS: a column header: {measure} (Composite, Relevance, Touchpoints...) in our audit
        N_("{measure} Ours"),
    ),
}
CHANGE_HEADERS = {
    # TRANSLATORS: a column header: the change of {measure} (Composite, Relevance...) since the baseline
    Kind.BASELINE: N_("{measure} change"),
    # TRANSLATORS: a column header: the difference of {measure} (Composite, Relevance...) from the competitor
    Kind.COMPETITOR: N_("{measure} difference"),
}
# How a touchpoint was matched (the `matched_by` column).
MATCHED_BY = {
    # TRANSLATORS: how a touchpoint was matched between two audits: by its id
    "id": N_("id"),
    # TRANSLATORS: how a touchpoint was matched between two audits: by its name
    "name": N_("name"),
}
# A change in words, besides better and worse (the `movement` column).
NOT_SCORED_IN_BOTH = N_("not scored in both")
CANNOT_TELL = N_("cannot tell (one assessor)")
WITHIN_NOISE = N_("within the noise")


@dataclass(frozen=True)
class Gap:
    """A coverage gap found in one audit, with its sentence from that audit."""

    key: str  # stage key / type, the same in both audits
    message: str


@dataclass
class Comparison:
    """Everything that moved between two audits; `before` is the baseline (or the competitor)."""

    kind: Kind
    before_label: str
    after_label: str
    touchpoints: pd.DataFrame  # matched pairs: see TOUCHPOINT_COLUMNS
    stages: pd.DataFrame  # stages found in either audit, in the follow-up's order: see STAGE_COLUMNS
    weak_fixed: list[str]  # follow-up ids (the touchpoint as it is now)
    weak_new: list[str]
    weak_open: list[str]
    weak_unscored: list[str]  # weak before, matched, but not scored in the follow-up yet
    gaps_closed: list[Gap]
    gaps_opened: list[Gap]
    unmatched_before: pd.DataFrame  # id, name, stage
    unmatched_after: pd.DataFrame
    agreement_before: Agreement
    agreement_after: Agreement
    unscored: tuple[str, ...] = ()  # the labels of the audits nobody has scored yet

    def weak_lists(self) -> dict[str, list[str]]:
        """The weak spots by list, titled for the kind of comparison ("Fixed", or "Weak only in theirs"), in the
        current language."""
        w = self.words
        lists = {w["fixed"]: self.weak_fixed, w["new"]: self.weak_new, w["open"]: self.weak_open}
        return lists | ({w["unscored"]: self.weak_unscored} if self.weak_unscored else {})

    def gap_lists(self) -> dict[str, list[Gap]]:
        """The coverage gaps closed and opened (or only theirs and only ours), titled."""
        return {self.words["closed"]: self.gaps_closed, self.words["opened"]: self.gaps_opened}

    def named(self, ids: Iterable[str]) -> list[str]:
        """Touchpoints of this audit by name, with their id where people wrote one."""
        names = dict(zip(self.touchpoints["id"], self.touchpoints["name"], strict=True))
        names |= dict(zip(self.unmatched_after["id"], self.unmatched_after["name"], strict=True))
        return [str(names.get(i, i)) if is_derived_id(i) else f"{names.get(i, i)} ({i})" for i in ids]

    @property
    def words(self) -> dict[str, str]:
        """What the lists and figures are called: before and after, or theirs and ours (current language)."""
        return {key: _(word) for key, word in WORDS[self.kind].items()}

    @property
    def sides(self) -> tuple[str, str]:
        """What the two audits are called in table headers: Before and Now, or Competitor and Ours."""
        before, after = SIDES[self.kind]
        return _(before), _(after)

    def change_headers(self) -> list[str]:
        """The headers of the readable tables' change columns ("Composite change", "Relevance difference"):
        their numbers are written with a sign."""
        return [_(CHANGE_HEADERS[self.kind]).format(measure=i18n.label(m)) for m in MEASURES]

    def stage_table(self) -> pd.DataFrame:
        """The stages for reading: composite and criteria on both sides, the change, the noise, in words."""
        return _readable(self, self.stages, {"stage": _("Stage")}, counts=True)

    def touchpoint_table(self) -> pd.DataFrame:
        """The matched touchpoints for reading, like `stage_table`."""
        return _readable(
            self,
            self.touchpoints,
            # TRANSLATORS: a column header: the touchpoint's id
            {"id": _("Id"), "name": _("Name"), "stage": _("Stage"), "matched_by": _("Matched by")},
        )

    def sentences(self) -> list[str]:
        """What changed, in a few sentences for a slide or the top of a page."""
        return _sentences(self)

    def to_json(self) -> dict[str, Any]:
        """The `compare --json` object."""
        return _to_json(self)


TOUCHPOINT_COLUMNS = [
    "id", "before_id", "matched_by", "name", "stage",
    *[f"{m}_{side}" for m in MEASURES for side in ("before", "after", "change")],
    "noise", "beyond_noise", "movement", "weak_before", "weak_after",
]  # fmt: skip
STAGE_COLUMNS = [
    "stage", "touchpoints_before", "touchpoints_after",
    *[f"{m}_{side}" for m in MEASURES for side in ("before", "after", "change")],
    "noise", "beyond_noise", "movement",
]  # fmt: skip


def compare_audits(
    before: AuditResult,
    after: AuditResult,
    *,
    kind: Kind = Kind.BASELINE,
    before_label: str = "before",
    after_label: str = "after",
) -> Comparison:
    """The comparison of two audits' results (see the module's docstring for the rules)."""
    old, new = before.touchpoints, after.touchpoints
    pairs = match_touchpoints(old, new)
    touchpoints = _touchpoint_changes(old, new, pairs, kind)
    unscored_sides = tuple(label for label, r in ((before_label, before), (after_label, after)) if not r.has_scores)
    # Weak spots compare only when both audits have scores: against an unscored audit every one would be "new".
    fixed, new_weak, still, unscored = _weak_spots(old, new, pairs) if not unscored_sides else ([], [], [], [])
    closed, opened = _gap_changes(before.coverage.gaps, after.coverage.gaps)
    return Comparison(
        kind=kind,
        before_label=before_label,
        after_label=after_label,
        touchpoints=touchpoints,
        stages=_stage_changes(before, after, kind),
        weak_fixed=fixed,
        weak_new=new_weak,
        weak_open=still,
        weak_unscored=unscored,
        gaps_closed=closed,
        gaps_opened=opened,
        unmatched_before=_unmatched(old, [b for b, _, _ in pairs]),
        unmatched_after=_unmatched(new, [a for _, a, _ in pairs]),
        agreement_before=before.agreement,
        agreement_after=after.agreement,
        unscored=unscored_sides,
    )


def compare_with(
    store: Store, actor: Facilitator, name: str, result: AuditResult, other: str, kind: Kind
) -> Comparison:
    """The audit `name` (its `result`) against the stored audit `other`, which the actor must be able to open:
    a comparison never shows an audit its reader may not see (AuditNotFound or AccessDenied otherwise)."""
    store.check(actor, other)
    return compare_audits(store.snapshot(other).result, result, kind=kind, before_label=other, after_label=name)


def stored_comparison(store: Store, snapshot: Snapshot, actor: Facilitator) -> Comparison | None:
    """A stored audit against the audit it names as its baseline (or competitor), for the workbook and the
    report; None when it names none, or one the actor may no longer open (or that was deleted)."""
    from audit.store import StoreError

    info = snapshot.info
    if info.compared_with is None:
        return None
    try:
        return compare_with(store, actor, info.name, snapshot.result, info.compared_with, Kind(info.compared_as))
    except StoreError:  # AuditNotFound and AccessDenied: the comparison is left out, not shown to the wrong reader
        return None


# --- matching ------------------------------------------------------------------------------


def name_key(value: object) -> str:
    """A name as matching sees it: case, accents and runs of spaces aside."""
    text = unicodedata.normalize("NFKD", str(value)).casefold()
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def stage_key(value: object) -> str:
    """The default-model stage a name stands for (in any language), else its name key."""
    return default_stage(value) or name_key(value)


def match_touchpoints(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(row in before, row in after, "id" or "name") for each matched pair, in the follow-up's order.

    Ids first; then, among what is left, names, each name used once and in inventory order.
    """
    old_ids = {str(v): i for i, v in reversed(list(enumerate(before["id"].tolist())))}
    pairs: dict[int, tuple[int, str]] = {}
    taken: set[int] = set()
    for row, value in enumerate(after["id"].tolist()):
        match = old_ids.get(str(value))
        if match is not None and match not in taken:
            pairs[row] = (match, "id")
            taken.add(match)
    by_name: dict[str, list[int]] = {}
    for row, value in enumerate(before["name"].tolist()):
        if row not in taken:
            by_name.setdefault(name_key(value), []).append(row)
    for row, value in enumerate(after["name"].tolist()):
        candidates = by_name.get(name_key(value))
        if row not in pairs and candidates:
            pairs[row] = (candidates.pop(0), "name")
    return [(pairs[row][0], row, pairs[row][1]) for row in sorted(pairs)]


def _unmatched(table: pd.DataFrame, matched: Iterable[int]) -> pd.DataFrame:
    left = np.setdiff1d(np.arange(len(table)), np.fromiter(matched, dtype=np.int64))
    return table.iloc[left][["id", "name", "stage"]].reset_index(drop=True)


# --- touchpoints ---------------------------------------------------------------------------


def _disagreement(table: pd.DataFrame) -> pd.Series:
    """Per touchpoint, the largest sd of its criteria (NaN where no criterion has two scores)."""
    return table[[f"{c}_sd" for c in CRITERIA]].where(table[[f"{c}_n" for c in CRITERIA]].to_numpy() >= 2).max(axis=1)


def _touchpoint_changes(
    before: pd.DataFrame, after: pd.DataFrame, pairs: Sequence[tuple[int, int, str]], kind: Kind
) -> pd.DataFrame:
    old = before.iloc[[b for b, _, _ in pairs]].reset_index(drop=True)
    new = after.iloc[[a for _, a, _ in pairs]].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "id": new["id"],
            "before_id": old["id"],
            "matched_by": [  # a touchpoint found under another stage says so: a move, or a name shared by two
                _matched_by(how, was, now)
                for (_b, _a, how), was, now in zip(pairs, old["stage"], new["stage"], strict=True)
            ],
            "name": new["name"],
            "stage": new["stage"],
        }
    )
    for measure in MEASURES:
        column = "composite" if measure == "composite" else f"{measure}_mean"
        frame[f"{measure}_before"] = old[column].astype("float64")
        frame[f"{measure}_after"] = new[column].astype("float64")
        frame[f"{measure}_change"] = _change(frame[f"{measure}_before"], frame[f"{measure}_after"])
    frame["noise"] = pd.concat([_disagreement(old), _disagreement(new)], axis=1).max(axis=1)
    frame["beyond_noise"] = _beyond(frame["composite_change"], frame["noise"])
    frame["movement"] = _movement(frame["composite_change"], frame["beyond_noise"], kind)
    frame["weak_before"] = old["weak"].astype(bool)
    frame["weak_after"] = new["weak"].astype(bool)
    return frame[TOUCHPOINT_COLUMNS]


def _matched_by(how: str, was: object, now: object) -> str:
    """How a touchpoint was matched, in words: "id", or "name, stage was Awareness" when its stage differs."""
    word = _(MATCHED_BY[how])
    if stage_key(was) == stage_key(now):
        return word
    # TRANSLATORS: how a touchpoint was matched ({how}: id or name), and the stage it had in the other audit
    return _("{how}, stage was {stage}").format(how=word, stage=was)


def _change(before: pd.Series, after: pd.Series) -> pd.Series:
    """after - before, rounded to 9 places: 4.0 - 4.0000000000000001 is no change, not -0.00."""
    return (after - before).round(9) + 0.0


def _beyond(change: pd.Series, noise: pd.Series) -> pd.Series:
    """True where |change| exceeds the noise, False where it does not, None where either is unknown."""
    known = change.notna() & noise.notna()
    out = pd.Series([None] * len(change), index=change.index, dtype="object")
    out[known] = (change[known].abs() > noise[known]).to_numpy()
    return out


def _movement(change: pd.Series, beyond: pd.Series, kind: Kind) -> pd.Series:
    """The change in words: better or worse (ahead or behind), within the noise, not comparable yet."""
    words = np.select(
        [change.isna(), beyond.isna(), beyond.eq(False), change > 0],
        [_(NOT_SCORED_IN_BOTH), _(CANNOT_TELL), _(WITHIN_NOISE), _(WORDS[kind]["better"])],
        default=_(WORDS[kind]["worse"]),
    )
    return pd.Series(words, index=change.index, dtype="object")


# --- stages --------------------------------------------------------------------------------


def _stage_changes(before: AuditResult, after: AuditResult, kind: Kind) -> pd.DataFrame:
    old, new = _keyed_stages(before.stages), _keyed_stages(after.stages)
    keys = list(dict.fromkeys([*new.index, *old.index]))
    frame = pd.DataFrame(index=pd.Index(keys, name="key"))
    frame["stage"] = new["name"].reindex(keys).fillna(old["name"].reindex(keys))
    frame["touchpoints_before"] = old["touchpoints"].reindex(keys).fillna(0).astype("int64")
    frame["touchpoints_after"] = new["touchpoints"].reindex(keys).fillna(0).astype("int64")
    for measure in MEASURES:
        column = "mean_composite" if measure == "composite" else f"{measure}_mean"
        frame[f"{measure}_before"] = old[column].reindex(keys).astype("float64")
        frame[f"{measure}_after"] = new[column].reindex(keys).astype("float64")
        frame[f"{measure}_change"] = _change(frame[f"{measure}_before"], frame[f"{measure}_after"])
    frame["noise"] = _stage_noise(before.touchpoints, after.touchpoints).reindex(keys)
    frame["beyond_noise"] = _beyond(frame["composite_change"], frame["noise"])
    frame["movement"] = _movement(frame["composite_change"], frame["beyond_noise"], kind)
    return frame.reset_index(drop=True)[STAGE_COLUMNS]


def _keyed_stages(stages: pd.DataFrame) -> pd.DataFrame:
    keyed = stages.assign(key=stages["name"].map(stage_key))
    return keyed.drop_duplicates("key").set_index("key")


def _stage_noise(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """Per stage key, the standard error of the change in the stage's mean: sqrt(d1²/n1 + d2²/n2), where d
    is the mean disagreement of the stage's touchpoints in one audit and n how many of them have one."""
    sides = []
    for table in (before, after):
        frame = pd.DataFrame({"key": table["stage"].map(stage_key), "noise": _disagreement(table)}).dropna()
        grouped = frame.groupby("key")["noise"]
        sides.append(grouped.mean() ** 2 / grouped.size())
    return (sides[0] + sides[1]) ** 0.5


# --- weak spots and gaps -------------------------------------------------------------------


def _weak_spots(
    before: pd.DataFrame, after: pd.DataFrame, pairs: Sequence[tuple[int, int, str]]
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Fixed, new, still open and not yet rescored weak spots, as follow-up ids in priority order."""
    old_weak = before["weak"].to_numpy(dtype=bool)
    was_weak = {a: bool(old_weak[b]) for b, a, _ in pairs}
    ranked = after.assign(row=np.arange(len(after))).sort_values(
        ["priority", "composite", "id"], ascending=[False, True, True], na_position="last"
    )
    fixed: list[str] = []
    new: list[str] = []
    still: list[str] = []
    unscored: list[str] = []
    for row, tp_id, weak, scored in zip(
        ranked["row"].tolist(), ranked["id"].tolist(), ranked["weak"].tolist(), ranked["scored"].tolist(), strict=True
    ):
        if weak:
            (still if was_weak.get(row) else new).append(str(tp_id))
        elif was_weak.get(row):
            (fixed if scored else unscored).append(str(tp_id))
    return fixed, new, still, unscored


def _gaps(findings: Iterable[Finding]) -> dict[str, Gap]:
    gaps: dict[str, Gap] = {}
    for finding in findings:
        if finding.code in GAP_CODES:
            stage, _slash, kind = finding.subject.partition("/")
            key = f"{stage_key(stage)}/{kind}" if kind else stage_key(stage)
            gaps[key] = Gap(key, finding.message)
    return gaps


def _gap_changes(before: Iterable[Finding], after: Iterable[Finding]) -> tuple[list[Gap], list[Gap]]:
    """Gaps only the baseline has (closed) and only the follow-up has (opened). A stage with no touchpoint
    at all has every type gap and more: its type gaps on the other side are neither closed nor opened."""
    old, new = _gaps(before), _gaps(after)

    def covered(key: str, other: dict[str, Gap]) -> bool:
        return key in other or key.partition("/")[0] in other

    return [g for k, g in old.items() if not covered(k, new)], [g for k, g in new.items() if not covered(k, old)]


# --- words and JSON ------------------------------------------------------------------------


def _readable(c: Comparison, frame: pd.DataFrame, first: dict[str, str], *, counts: bool = False) -> pd.DataFrame:
    """Columns renamed for people, sides named as `c.sides` says: the `first` columns, the composite's
    change and movement in words (what a phone shows), the composite on both sides and the noise, the
    touchpoint counts when asked, then each criterion ("Relevance change", "Relevance Before", ...), in the
    current language."""
    before, after = (_(header) for header in SIDE_HEADERS[c.kind])
    change = _(CHANGE_HEADERS[c.kind])

    def trio(measure: str) -> dict[str, str]:
        label = i18n.label(measure)
        return {f"{measure}_change": change.format(measure=label), f"{measure}_before": before.format(measure=label),
                f"{measure}_after": after.format(measure=label)}  # fmt: skip

    names = first | {"composite_change": trio("composite")["composite_change"], "movement": _("Movement")}
    # TRANSLATORS: a column header: the room's disagreement, below which a change may be noise
    names |= trio("composite") | {"noise": _("Noise")}
    if counts:
        touchpoints = _("Touchpoints")
        names |= {
            "touchpoints_before": before.format(measure=touchpoints),
            "touchpoints_after": after.format(measure=touchpoints),
        }
    for criterion in CRITERIA:
        names |= trio(criterion)
    shown = frame[list(names)].rename(columns=names)
    text = [column for column in shown.columns if shown[column].dtype.kind not in "fiub"]
    shown[text] = shown[text].fillna("")  # an empty cell, not "None"
    return shown


def _alpha(agreement: Agreement) -> str:
    if agreement.alpha is None:
        # TRANSLATORS: the agreement (Krippendorff's alpha) of an audit that cannot have one yet
        return _("not computed")
    # TRANSLATORS: an agreement figure and its band: "0.85 (reliable)"
    return _("{alpha} ({band})").format(alpha=i18n.number(agreement.alpha, 2), band=i18n.label(agreement.band or ""))


def _sentences(c: Comparison) -> list[str]:
    stages = c.stages.dropna(subset=["composite_change"])
    moved = stages[stages["beyond_noise"].eq(True)]
    if c.unscored:
        if len(c.unscored) == 2:
            lines = [_("Neither audit has scores yet, so there is nothing to compare but the inventories.")]
        else:
            # TRANSLATORS: {audit} is the name of the audit that has no scores
            sentence = _("'{audit}' has no scores yet, so there is nothing to compare but the inventories.")
            lines = [sentence.format(audit=c.unscored[0])]
    elif stages.empty:
        lines = [_("No stage has scores in both audits yet: there is nothing to compare.")]
    elif c.kind is Kind.BASELINE:
        # TRANSLATORS: a stage and how far its mean composite moved: "Awareness +1.00"
        moved_stage = _("{stage} {change}")
        parts = [
            moved_stage.format(stage=r.stage, change=i18n.signed(as_float(r.composite_change)))
            for r in moved.itertuples()
        ]
        lines = [
            # TRANSLATORS: {stages} lists stages and their change: "Awareness +1.00, Purchase -0.75"
            _("Stages that moved beyond the room's disagreement: {stages}.").format(stages=i18n.join(parts))
            if parts
            else _("No stage moved beyond the room's disagreement: the changes may be noise.")
        ]
    else:
        ahead = moved[moved["composite_change"] > 0]["stage"].tolist()
        behind = moved[moved["composite_change"] < 0]["stage"].tolist()
        # TRANSLATORS: {ours} and {theirs} are audit names; {ahead} and {behind} list stages, or say "no stage"
        sentence = _("{ours} is ahead of {theirs} beyond the noise in {ahead}; behind in {behind}.")
        lines = [
            sentence.format(
                ours=c.after_label,
                theirs=c.before_label,
                ahead=i18n.join(map(str, ahead)) or _("no stage"),
                behind=i18n.join(map(str, behind)) or _("no stage"),
            )
        ]
    if not c.unscored and c.kind is Kind.BASELINE:
        counts = {
            "fixed": i18n.integer(len(c.weak_fixed)),
            "new": i18n.integer(len(c.weak_new)),
            "open": i18n.integer(len(c.weak_open)),
            "unscored": i18n.integer(len(c.weak_unscored)),
        }
        if c.weak_unscored:
            sentence = _("Weak spots: {fixed} fixed, {new} new, {open} still open, {unscored} not rescored yet.")
        else:
            sentence = _("Weak spots: {fixed} fixed, {new} new, {open} still open.")
        lines.append(sentence.format(**counts))
    elif not c.unscored:
        lines.append(
            _("Weak spots: {both} in both, {ours} only in ours, {theirs} only in theirs.").format(
                both=i18n.integer(len(c.weak_open)),
                ours=i18n.integer(len(c.weak_new)),
                theirs=i18n.integer(len(c.weak_fixed)),
            )
        )
    closed, opened = len(c.gaps_closed), i18n.integer(len(c.gaps_opened))
    if c.kind is Kind.BASELINE:
        coverage = ngettext(
            "Coverage: {n} gap closed, {opened} opened.", "Coverage: {n} gaps closed, {opened} opened.", closed
        )
    else:
        coverage = ngettext(
            "Coverage: {n} gap only they have, {opened} only we have.",
            "Coverage: {n} gaps only they have, {opened} only we have.",
            closed,
        )
    lines.append(coverage.format(n=i18n.integer(closed), opened=opened))
    # TRANSLATORS: {before} and {after} are audit names; {only_before} and {only_after} count touchpoints
    matched = ngettext(
        "{n} touchpoint matched; {only_before} only in {before}, {only_after} only in {after}.",
        "{n} touchpoints matched; {only_before} only in {before}, {only_after} only in {after}.",
        len(c.touchpoints),
    )
    lines.append(
        matched.format(
            n=i18n.integer(len(c.touchpoints)),
            only_before=i18n.integer(len(c.unmatched_before)),
            before=c.before_label,
            only_after=i18n.integer(len(c.unmatched_after)),
            after=c.after_label,
        )
    )
    # TRANSLATORS: {before} and {after} are audit names; each agreement is a figure and its band, "0.85 (reliable)"
    agreement = _("Agreement: {agreement_before} in {before}, {agreement_after} in {after}.")
    lines.append(
        agreement.format(
            agreement_before=_alpha(c.agreement_before),
            before=c.before_label,
            agreement_after=_alpha(c.agreement_after),
            after=c.after_label,
        )
    )
    return lines


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain values, None for NaN."""
    return [
        {str(k): as_float(v) if isinstance(v, float) else v for k, v in row.items()} for row in frame.to_dict("records")
    ]


def _side(row: dict[str, Any], side: str) -> dict[str, float | None]:
    return {m: row[f"{m}_{side}"] for m in MEASURES}


def _moved(row: dict[str, Any]) -> dict[str, Any]:
    """What a touchpoint's or a stage's JSON says of its change."""
    sides = {side: _side(row, side) for side in ("before", "after", "change")}
    return sides | {k: row[k] for k in ("noise", "beyond_noise", "movement")}


def _to_json(c: Comparison) -> dict[str, Any]:
    touchpoints = [
        {
            "id": r["id"],
            "before_id": r["before_id"],
            "matched_by": r["matched_by"],
            "name": r["name"],
            "stage": r["stage"],
            **_moved(r),
        }
        for r in _records(c.touchpoints)
    ]
    stages = [
        {
            "stage": r["stage"],
            "touchpoints": {"before": r["touchpoints_before"], "after": r["touchpoints_after"]},
            **_moved(r),
        }
        for r in _records(c.stages)
    ]
    return {
        "kind": c.kind.value,
        "before": c.before_label,
        "after": c.after_label,
        "touchpoints": touchpoints,
        "stages": stages,
        "weak_spots": {"fixed": c.weak_fixed, "new": c.weak_new, "open": c.weak_open, "not_rescored": c.weak_unscored},
        "gaps": {
            "closed": [g.message for g in c.gaps_closed],
            "opened": [g.message for g in c.gaps_opened],
        },
        "unmatched": {"before": _records(c.unmatched_before), "after": _records(c.unmatched_after)},
        "agreement": {
            side: {"alpha": a.alpha, "band": a.band, "message": a.message}
            for side, a in (("before", c.agreement_before), ("after", c.agreement_after))
        },
        "sentences": c.sentences(),
    }
