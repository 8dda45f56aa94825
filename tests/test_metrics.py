"""Metrics of a small audit computed by hand; every number below was worked out on paper.

The audit: stages Awareness, Purchase, Loyalty (Loyalty has no touchpoint); three
assessors A, B, C; scores as (relevance, meaningfulness, attractiveness), "-" unscored.

    T1 Awareness Website digital  importance 5, rating 2.0, reach 1000, conversions 50
         A 2 3 4   B 4 3 4   C 3 3 1
    T2 Awareness Store   physical importance 2, rating 4.5
         A 5 5 5   B 4 5 -
    T3 Purchase  Website digital  importance 4, uncontrolled
         A 1 2 2   B 2 2 1   C 1 - 2
    T4 Purchase  Phone   human    importance 3, no scores

T1: R [2,4,3] mean 3 median 3 sd sqrt(2/3)=0.816497 span 2 -> discuss; M [3,3,3] mean 3 sd 0;
    A [4,4,1] mean 3 median 4 sd sqrt(2)=1.414214 -> discuss. Composite 3.0. Not weak.
    Priority 5*(5-3)=10. Important and strong: "Keep up the good work". Gap 3.0-2.0=+1.0 flagged.
T2: R [5,4] mean 4.5 sd 0.5; M [5,5] 5; A [5] 5 (n 1). Composite 14.5/3=4.833333.
    Priority 2*(5-4.833333)=0.333333. "Possible overkill". Gap 4.833333-4.5=0.333333.
T3: R [1,2,1] mean 4/3 median 1 sd sqrt(2/9)=0.471405; M [2,2] 2; A [2,1,2] mean 5/3.
    Composite 5/3=1.666667: weak on the composite and all three criteria.
    Priority 4*(5-5/3)=13.333333. "Concentrate here".
T4: unscored: composite, priority, quadrant null; not weak.
Weights 2,1,1: T1 (6+3+3)/4=3.0; T2 (9+5+5)/4=4.75; T3 (8/3+2+5/3)/4=19/12=1.583333.

Stages: Awareness 2 touchpoints, 2 scored, composites 3.0 and 4.833333: mean 3.916667,
sd 0.916667, index 1-0.916667/2=0.541667; channels Website 3.0 and Store 4.833333: spread
1.833333 >= 1.5, inconsistent. Purchase 2 touchpoints, 1 scored: mean 1.666667, sd 0,
index 1.0, one scored channel: spread 0. Loyalty: nothing. Overall index
(2*0.541667+1*1.0)/3=0.694444.

Coverage: Awareness physical 1 digital 1 human 0; Purchase 0 1 1; Loyalty 0 0 0: 4 of 9 cells,
0.444444. Gaps: Awareness no human, Purchase no physical, Loyalty nothing at all.
Scoring share: T1, T2, T3 have all three criteria: 3/4. Completion out of 12 cells: A 9 (0.75),
B 8 (0.666667), C 5 (0.416667). Agreement units with two or more scores: 8 (not T2's A).
Criterion means over touchpoints: R (3+4.5+1.333333)/3=2.944444, M (3+5+2)/3=3.333333,
A (3+5+1.666667)/3=3.222222: relevance is low across the board. Weakest stage: Purchase.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.metrics import AuditResult, compute_audit, filtered_audit, headline
from audit.scoring import SCORE_COLUMNS, agreement, band, criterion_stats, parse_weights
from audit.vocabulary import CRITERIA

STAGES = ["Awareness", "Purchase", "Loyalty"]


def touchpoints() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("T1", "Site", "Awareness", "Website", "digital", "controlled", "Web", 5.0, 1000.0, 50.0, 2.0),
            ("T2", "Shop", "Awareness", "Store", "physical", "controlled", "Retail", 2.0, None, None, 4.5),
            ("T3", "Checkout", "Purchase", "Website", "digital", "uncontrolled", "Web", 4.0, None, None, None),
            ("T4", "Phone orders", "Purchase", "Phone", "human", "partly", "Care", 3.0, None, None, None),
        ],
        columns=["id", "name", "stage", "channel", "type", "control", "owner", "importance", "reach", "conversions",
                 "customer_rating"],
    )  # fmt: skip


RAW = {
    ("T1", "A"): (2, 3, 4), ("T1", "B"): (4, 3, 4), ("T1", "C"): (3, 3, 1),
    ("T2", "A"): (5, 5, 5), ("T2", "B"): (4, 5, None),
    ("T3", "A"): (1, 2, 2), ("T3", "B"): (2, 2, 1), ("T3", "C"): (1, None, 2),
}  # fmt: skip


def scores(raw: dict[tuple[str, str], tuple[int | None, ...]] = RAW) -> pd.DataFrame:
    records = [
        (tp, assessor, criterion, float(value), None, "test", None)
        for (tp, assessor), values in raw.items()
        for criterion, value in zip(("relevance", "meaningfulness", "attractiveness"), values, strict=True)
        if value is not None
    ]
    return pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return compute_audit(touchpoints(), scores(), STAGES)


def row(result: AuditResult, tp_id: str) -> pd.Series:
    return result.touchpoints.set_index("id").loc[tp_id]


@pytest.mark.parametrize(
    ("tp", "criterion", "mean", "median", "n", "sd", "discuss"),
    [
        ("T1", "relevance", 3.0, 3.0, 3, math.sqrt(2 / 3), True),
        ("T1", "meaningfulness", 3.0, 3.0, 3, 0.0, False),
        ("T1", "attractiveness", 3.0, 4.0, 3, math.sqrt(2), True),
        ("T2", "relevance", 4.5, 4.5, 2, 0.5, False),
        ("T2", "meaningfulness", 5.0, 5.0, 2, 0.0, False),
        ("T2", "attractiveness", 5.0, 5.0, 1, 0.0, False),
        ("T3", "relevance", 4 / 3, 1.0, 3, math.sqrt(2 / 9), False),
        ("T3", "meaningfulness", 2.0, 2.0, 2, 0.0, False),
        ("T3", "attractiveness", 5 / 3, 2.0, 3, math.sqrt(2 / 9), False),
    ],
)
def test_criterion_aggregates(result, tp, criterion, mean, median, n, sd, discuss) -> None:  # type: ignore[no-untyped-def]
    r = row(result, tp)
    assert r[f"{criterion}_mean"] == pytest.approx(mean)
    assert r[f"{criterion}_median"] == pytest.approx(median)
    assert r[f"{criterion}_n"] == n
    assert r[f"{criterion}_sd"] == pytest.approx(sd)
    assert bool(r[f"{criterion}_discuss"]) is discuss


@pytest.mark.parametrize(
    ("tp", "composite", "weak", "priority", "quadrant", "gap", "flag"),
    [
        ("T1", 3.0, False, 10.0, "Keep up the good work", 1.0, True),
        ("T2", 14.5 / 3, False, 2 * (5 - 14.5 / 3), "Possible overkill", 14.5 / 3 - 4.5, False),
        ("T3", 5 / 3, True, 4 * (5 - 5 / 3), "Concentrate here", None, False),
        ("T4", None, False, None, None, None, False),
    ],
)
def test_touchpoint_results(result, tp, composite, weak, priority, quadrant, gap, flag) -> None:  # type: ignore[no-untyped-def]
    r = row(result, tp)
    assert (r["composite"] == pytest.approx(composite)) if composite is not None else pd.isna(r["composite"])
    assert bool(r["weak"]) is weak
    assert (r["priority"] == pytest.approx(priority)) if priority is not None else pd.isna(r["priority"])
    assert (r["quadrant"] == quadrant) if quadrant is not None else pd.isna(r["quadrant"])
    assert (r["perception_gap"] == pytest.approx(gap)) if gap is not None else pd.isna(r["perception_gap"])
    assert bool(r["perception_flag"]) is flag


def test_weak_reason_names_the_criteria(result: AuditResult) -> None:
    assert row(result, "T3")["reasons"] == (
        "Weak: composite 1.67 is below 3.0; relevance averages 1.33 (2.0 or lower); "
        "meaningfulness averages 2.00 (2.0 or lower); attractiveness averages 1.67 (2.0 or lower)."
    )
    assert row(result, "T1")["reasons"] == ""
    assert result.weak_spots == ["T3"]


def test_weak_on_one_criterion_only() -> None:
    raw = {("T1", "A"): (5, 5, 2), ("T2", "A"): (2, 3, 3)}
    table = compute_audit(touchpoints(), scores(raw), STAGES).touchpoints.set_index("id")
    assert table.loc["T1", "composite"] == 4.0
    assert table.loc["T1", "reasons"] == "Weak: attractiveness averages 2.00 (2.0 or lower)."
    assert table.loc["T2", "reasons"] == "Weak: composite 2.67 is below 3.0; relevance averages 2.00 (2.0 or lower)."


def test_weights_change_the_composite() -> None:
    result = compute_audit(touchpoints(), scores(), STAGES, parse_weights("2,1,1"))
    composites = result.touchpoints.set_index("id")["composite"]
    assert composites["T1"] == pytest.approx(3.0)
    assert composites["T2"] == pytest.approx(4.75)
    assert composites["T3"] == pytest.approx(19 / 12)


@pytest.mark.parametrize(
    ("text", "message"),
    [("1,2", "give three numbers"), ("a,b,c", "are not numbers"), ("0,0,0", "not all 0"), ("1,-1,1", "0 or more")],
)
def test_bad_weights(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_stage_table(result: AuditResult) -> None:
    stages = result.stages.set_index("name")
    assert list(stages.index) == STAGES
    assert stages["touchpoints"].tolist() == [2, 2, 0]
    assert stages["scored"].tolist() == [2, 1, 0]
    assert stages.loc["Awareness", "mean_composite"] == pytest.approx(3.916667, abs=1e-6)
    assert stages.loc["Awareness", "sd"] == pytest.approx(0.916667, abs=1e-6)
    assert stages.loc["Awareness", "consistency_index"] == pytest.approx(0.541667, abs=1e-6)
    assert stages.loc["Awareness", "channel_spread"] == pytest.approx(1.833333, abs=1e-6)
    assert bool(stages.loc["Awareness", "inconsistent"]) is True
    assert (stages.loc["Awareness", "highest_channel"], stages.loc["Awareness", "lowest_channel"]) == (
        "Store",
        "Website",
    )
    assert stages.loc["Purchase", "mean_composite"] == pytest.approx(5 / 3)
    assert (stages.loc["Purchase", "sd"], stages.loc["Purchase", "consistency_index"]) == (0.0, 1.0)
    assert (stages.loc["Purchase", "channel_spread"], bool(stages.loc["Purchase", "inconsistent"])) == (0.0, False)
    assert stages.loc["Loyalty", ["mean_composite", "sd", "consistency_index", "channel_spread"]].isna().all()
    assert result.overall_consistency == pytest.approx(0.694444, abs=1e-6)


def test_coverage(result: AuditResult) -> None:
    coverage = result.coverage
    assert coverage.type_matrix.to_dict("index") == {
        "Awareness": {"physical": 1, "digital": 1, "human": 0},
        "Purchase": {"physical": 0, "digital": 1, "human": 1},
        "Loyalty": {"physical": 0, "digital": 0, "human": 0},
    }
    assert coverage.channel_matrix.loc["Awareness"].to_dict() == {"Website": 1, "Store": 1, "Phone": 0}
    assert coverage.share == pytest.approx(4 / 9)
    assert coverage.scoring_share == 0.75
    assert coverage.assessor_completion == pytest.approx({"A": 0.75, "B": 8 / 12, "C": 5 / 12})
    assert [g.message for g in coverage.gaps] == [
        "Awareness has no human touchpoint.",
        "Purchase has no physical touchpoint.",
        "Loyalty has no touchpoint at all.",
    ]


def test_findings(result: AuditResult) -> None:
    assert result.weakest_stage is not None and result.weakest_stage.subject == "Purchase"
    assert result.weak_criterion is not None
    assert result.weak_criterion.message == (
        "Relevance is low across the board: it averages 2.94 over all scored touchpoints, below 3.0."
    )
    assert result.criterion_means == pytest.approx(
        {"relevance": 8.833333 / 3, "meaningfulness": 10 / 3, "attractiveness": 9.666667 / 3}, abs=1e-6
    )
    assert [f.message for f in result.perception_gaps] == [
        "The team rates Site 1.00 above what its customers say (3.00 against 2.00)."
    ]
    assert result.uncontrolled == ["T3"]
    assert row(result, "T1")["conversion_rate"] == 0.05
    assert [f.code for f in result.findings] == [
        "weak_spot", "type_gap", "type_gap", "stage_gap", "inconsistent_stage", "weakest_stage", "weak_criterion",
        "perception_gap",
    ]  # fmt: skip
    assert result.findings[4].message == (
        "Awareness feels inconsistent across channels: Store averages 1.83 points above Website."
    )


def test_agreement_shape(result: AuditResult) -> None:
    assert (result.agreement.units, result.agreement.assessors) == (8, 3)
    assert result.agreement.alpha is not None and result.agreement.band == band(result.agreement.alpha)


def test_agreement_matches_krippendorffs_published_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 coders x 12 units:
    # ordinal alpha 0.815. Units here are 12 touchpoints scored on one criterion.
    coders = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    records = [
        (f"U{unit}", coder, "relevance", float(value), None, "paper", None)
        for coder, values in coders.items()
        for unit, value in enumerate(values)
        if value is not None
    ]
    result = agreement(pd.DataFrame.from_records(records, columns=SCORE_COLUMNS))
    assert result.alpha == pytest.approx(0.815, abs=0.0005)
    assert (result.band, result.units, result.assessors) == ("reliable", 11, 4)
    assert "0.815 (reliable) over 11 scored pairs" in result.message


@pytest.mark.parametrize(("alpha", "label"), [(0.8, "reliable"), (0.95, "reliable"), (0.7999, "tentative"),
                                              (0.667, "tentative"), (0.6669, "low"), (-0.2, "low")])  # fmt: skip
def test_bands(alpha: float, label: str) -> None:
    assert band(alpha) == label


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({("T1", "A"): (3, 4, 5)}, "Not computed: agreement needs at least two assessors."),
        ({("T1", "A"): (3, 4, 5), ("T2", "B"): (2, 2, 2)}, "Not computed: no touchpoint was scored by two assessors."),
        ({("T1", "A"): (3, 3, 3), ("T1", "B"): (3, 3, 3)}, "Not computed: every score is the same value"),
    ],
)
def test_agreement_not_computed(raw, message: str) -> None:  # type: ignore[no-untyped-def]
    result = agreement(scores(raw))
    assert result.alpha is None and result.band is None
    assert result.message.startswith(message)


def test_no_scores_at_all() -> None:
    result = compute_audit(touchpoints(), scores({}), STAGES)
    assert result.touchpoints["composite"].isna().all()
    assert result.weak_spots == [] and result.mean_composite is None
    assert result.coverage.scoring_share == 0.0 and result.overall_consistency is None
    assert result.agreement.alpha is None
    assert result.to_json()["touchpoints"][0]["criteria"]["relevance"] == {
        "mean": None, "median": None, "n": 0, "sd": None, "discuss": False
    }  # fmt: skip


def test_json_shape(result: AuditResult) -> None:
    data = result.to_json()
    t3 = next(t for t in data["touchpoints"] if t["id"] == "T3")
    assert list(t3)[:6] == ["id", "name", "stage", "channel", "type", "importance"]
    assert t3["criteria"]["meaningfulness"] == {"mean": 2.0, "median": 2.0, "n": 2, "sd": 0.0, "discuss": False}
    assert (t3["weak"], t3["quadrant"], t3["perception_gap"]) == (True, "Concentrate here", None)
    assert t3["priority"] == pytest.approx(13.333333, abs=1e-6)
    t4 = next(t for t in data["touchpoints"] if t["id"] == "T4")
    assert (t4["composite"], t4["quadrant"], t4["priority"], t4["reasons"], t4["weak"]) == (
        None,
        None,
        None,
        None,
        False,
    )
    assert [s["name"] for s in data["stages"]] == STAGES
    assert data["stages"][2] == {
        "name": "Loyalty", "touchpoints": 0, "scored": 0, "mean_composite": None, "sd": None,
        "consistency_index": None, "channel_spread": None, "inconsistent": False,
    }  # fmt: skip
    assert set(data["coverage"]) >= {"share", "scoring_share", "gaps", "assessor_completion"}
    assert data["consistency"]["overall_index"] == pytest.approx(0.694444, abs=1e-6)
    assert set(data["agreement"]) >= {"alpha", "band", "units", "assessors"}
    assert data["weak_spots"] == ["T3"]
    import json

    json.dumps(data)  # every value is plain JSON


# --- one unit's figures, computed from its value counts -------------------------------------


@pytest.mark.parametrize(
    ("values", "mean", "median", "sd", "span", "discuss"),
    [
        ([3], 3.0, 3.0, 0.0, 0.0, False),
        ([5, 4], 4.5, 4.5, 0.5, 1.0, False),
        ([1, 2, 4, 5], 3.0, 3.0, math.sqrt(2.5), 4.0, True),
        ([2, 2, 1, 3, 3, 3], 14 / 6, 2.5, math.sqrt(5 / 9), 2.0, True),
    ],
)
def test_criterion_stats_of_one_unit(  # type: ignore[no-untyped-def]
    values, mean, median, sd, span, discuss
) -> None:
    raw = {("T1", f"A{i}"): (value, None, None) for i, value in enumerate(values)}
    stats = criterion_stats(scores(raw)).loc[("T1", "relevance")]
    assert (stats["mean"], stats["median"], stats["n"]) == (pytest.approx(mean), median, len(values))
    assert (stats["sd"], stats["span"], bool(stats["discuss"])) == (pytest.approx(sd), span, discuss)


@pytest.mark.parametrize("value", [0.0, 6.0, 2.5])
def test_a_score_off_the_scale_is_refused(value: float) -> None:
    frame = scores({("T1", "A"): (3, 3, 3)})
    frame.loc[0, "score"] = value
    with pytest.raises(ValueError, match="is not a whole number 1-5"):
        compute_audit(touchpoints(), frame, STAGES)


def test_scores_of_a_touchpoint_outside_the_audit_count_nowhere(result: AuditResult) -> None:
    # T9 was archived: its scores, and an assessor who scored only T9, change no number.
    frame = pd.concat([scores(), scores({("T9", "D"): (1, 1, 1), ("T9", "A"): (1, 1, 1)})], ignore_index=True)
    again = compute_audit(touchpoints(), frame, STAGES)
    pd.testing.assert_frame_equal(again.touchpoints, result.touchpoints)
    assert again.assessors == ["A", "B", "C"]
    assert again.coverage.assessor_completion == result.coverage.assessor_completion
    assert again.agreement == result.agreement
    assert again.findings == result.findings


# --- properties ----------------------------------------------------------------------------

score_value = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
audit_scores = st.dictionaries(
    st.tuples(st.sampled_from(["T1", "T2", "T3", "T4"]), st.sampled_from(["A", "B", "C", "D"])),
    st.tuples(score_value, score_value, score_value),
    max_size=16,
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _numbers(result: AuditResult) -> pd.DataFrame:
    columns = ["id", "composite", "priority"] + [
        f"{c}_{s}" for c in ("relevance", "meaningfulness", "attractiveness") for s in ("mean", "median", "n", "sd")
    ]
    return result.touchpoints[columns].sort_values("id").reset_index(drop=True)


@SETTINGS
@given(audit_scores)
def test_composite_stays_within_the_scale(raw) -> None:  # type: ignore[no-untyped-def]
    composites = compute_audit(touchpoints(), scores(raw), STAGES).touchpoints["composite"].dropna()
    assert ((composites >= 1) & (composites <= 5)).all()


@SETTINGS
@given(audit_scores, st.randoms(use_true_random=False))
def test_order_of_rows_and_assessors_changes_nothing(raw, rng) -> None:  # type: ignore[no-untyped-def]
    base = compute_audit(touchpoints(), scores(raw), STAGES)
    frame = scores(raw).sample(frac=1, random_state=rng.randint(0, 10_000)).reset_index(drop=True)
    names = {"A": "Zoe", "B": "Yan", "C": "Xia", "D": "Wil"}  # renaming reorders the assessors
    frame["assessor"] = frame["assessor"].map(names)
    shuffled_tps = touchpoints().sample(frac=1, random_state=rng.randint(0, 10_000))
    again = compute_audit(shuffled_tps, frame, STAGES)
    pd.testing.assert_frame_equal(_numbers(base), _numbers(again))
    pd.testing.assert_frame_equal(base.stages, again.stages)
    assert base.coverage.share == again.coverage.share
    if base.agreement.alpha is not None:
        assert again.agreement.alpha == pytest.approx(base.agreement.alpha)


@SETTINGS
@given(audit_scores)
def test_an_unscored_touchpoint_never_lowers_a_mean(raw) -> None:  # type: ignore[no-untyped-def]
    base = compute_audit(touchpoints(), scores(raw), STAGES)
    more = touchpoints()
    more.loc[len(more)] = ["T9", "New", "Awareness", "Store", "physical", None, None, 1.0, None, None, None]
    extended = compute_audit(more, scores(raw), STAGES)
    pd.testing.assert_series_equal(base.stages["mean_composite"], extended.stages["mean_composite"])
    assert base.criterion_means == extended.criterion_means
    assert base.mean_composite == extended.mean_composite


@SETTINGS
@given(audit_scores)
def test_a_copy_of_every_assessor_changes_no_mean(raw) -> None:  # type: ignore[no-untyped-def]
    # Copying the whole panel keeps each distribution's shape: means, medians and sds stay.
    base = compute_audit(touchpoints(), scores(raw), STAGES)
    doubled = {**raw, **{(tp, assessor + "-copy"): values for (tp, assessor), values in raw.items()}}
    again = compute_audit(touchpoints(), scores(doubled), STAGES)
    left, right = _numbers(base), _numbers(again)
    n_columns = [c for c in left.columns if c.endswith("_n")]
    pd.testing.assert_frame_equal(left.drop(columns=n_columns), right.drop(columns=n_columns))
    assert (right[n_columns] == 2 * left[n_columns]).all().all()


@SETTINGS
@given(st.dictionaries(st.sampled_from(["T1", "T2", "T3", "T4"]), st.tuples(score_value, score_value, score_value)))
def test_a_copy_of_a_lone_assessor_changes_no_mean(raw) -> None:  # type: ignore[no-untyped-def]
    alone = {(tp, "A"): values for tp, values in raw.items()}
    copied = {**alone, **{(tp, "A2"): values for (tp, _), values in alone.items()}}
    left = _numbers(compute_audit(touchpoints(), scores(alone), STAGES))
    right = _numbers(compute_audit(touchpoints(), scores(copied), STAGES))
    assert np.allclose(left["composite"].fillna(-1), right["composite"].fillna(-1))


def test_the_room_matches_the_full_computation() -> None:
    from audit.workshop import room

    view = room(touchpoints(), scores(), dict.fromkeys(("relevance", "meaningfulness", "attractiveness"), 1.0))
    full = compute_audit(touchpoints(), scores(), STAGES).touchpoints
    assert view["composite"].tolist()[:3] == [round(v, 2) for v in full["composite"].tolist()[:3]]
    assert pd.isna(view["composite"].iloc[3])
    assert view["R n"].tolist() == [3, 2, 3, 0]
    assert view["discuss"].tolist() == full["discuss"].tolist() == [True, False, False, False]


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["T1", "T2", "T3"]), st.sampled_from(CRITERIA), st.integers(min_value=1, max_value=5)
        ),
        min_size=1,
        max_size=40,
    )
)
def test_criterion_stats_are_a_plain_groupbys_to_the_last_digit(rows) -> None:  # type: ignore[no-untyped-def]
    records = [
        (tp, f"A{i}", criterion, float(value), None, "test", None) for i, (tp, criterion, value) in enumerate(rows)
    ]
    frame = pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)
    grouped = frame.groupby(["touchpoint_id", "criterion"], sort=False)["score"]
    expected = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "median": grouped.median(),
            "n": grouped.count(),
            "sd": grouped.std(ddof=0),
            "span": grouped.max() - grouped.min(),
        }
    )
    expected["discuss"] = expected["span"] >= 2
    pd.testing.assert_frame_equal(criterion_stats(frame), expected, check_exact=True)


# --- unknown types -------------------------------------------------------------------------
#
# T2 (Awareness, Store) loses its type: Awareness keeps T1 digital, so its physical and human
# cells are unknown (T2 may be either), not gaps. Cells: 9, of which 2 unknown; filled:
# Awareness digital, Purchase digital, Purchase human = 3. Share 3/7. Gaps: Purchase physical,
# Loyalty nothing at all. With T1 untyped too, Awareness's three cells are unknown: filled 2
# (Purchase) of 6 known, 1/3.


def untyped(*ids: str) -> pd.DataFrame:
    tps = touchpoints()
    tps.loc[tps["id"].isin(ids), "type"] = None
    return tps


def test_an_untyped_touchpoint_leaves_its_stages_empty_types_unknown_not_missing() -> None:
    coverage = compute_audit(untyped("T2"), scores(), STAGES).coverage
    assert coverage.type_matrix.loc["Awareness"].to_dict() == {"physical": 0, "digital": 1, "human": 0}
    assert coverage.untyped == 1 and coverage.untyped_by_stage.to_dict() == {
        "Awareness": 1,
        "Purchase": 0,
        "Loyalty": 0,
    }
    assert coverage.cell_states.to_dict("index") == {
        "Awareness": {"physical": "unknown", "digital": "", "human": "unknown"},
        "Purchase": {"physical": "gap", "digital": "", "human": ""},
        "Loyalty": {"physical": "gap", "digital": "gap", "human": "gap"},
    }
    assert coverage.share == pytest.approx(3 / 7)
    assert [g.message for g in coverage.gaps] == [
        "Purchase has no physical touchpoint.",
        "Loyalty has no touchpoint at all.",
    ]
    assert [(f.code, f.subject, f.message) for f in coverage.type_unknown] == [
        ("type_unknown", "Awareness", "Awareness has 1 touchpoint with no type, so its physical / human coverage is "
         "unknown. Add a Type on the Inventory page."),
    ]  # fmt: skip


def test_a_stage_whose_touchpoints_all_lack_a_type_has_no_type_gap() -> None:
    # The Persian audit: آگاهی's TV and Instagram rows had no type; it has two touchpoints, and no gap.
    tps = untyped("T1", "T2").assign(stage=["آگاهی", "آگاهی", "Purchase", "Purchase"])
    result = compute_audit(tps, scores(), ["آگاهی", "Purchase", "Loyalty"])
    assert result.coverage.share == pytest.approx(1 / 3)
    messages = [f.message for f in result.findings]
    assert not [m for m in messages if m.startswith("آگاهی has no")]
    assert (
        "آگاهی has 2 touchpoints with no type, so its physical / digital / human coverage is unknown. Add a Type on "
        "the Inventory page." in messages
    )
    assert [f.code for f in result.findings if f.code.endswith(("gap", "unknown"))] == [
        "type_gap", "stage_gap", "type_unknown", "perception_gap",
    ]  # fmt: skip


def test_untyped_touchpoints_beside_every_type_leave_nothing_unknown() -> None:
    tps = touchpoints()
    tps.loc[len(tps)] = ["T5", "Call", "Awareness", "Phone", "human", None, None, 3.0, None, None, None]
    tps.loc[len(tps)] = ["T6", "Poster", "Awareness", "Street", None, None, None, 3.0, None, None, None]
    coverage = compute_audit(tps, scores(), STAGES).coverage
    assert (coverage.cell_states.loc["Awareness"] == "").all()
    assert coverage.share == pytest.approx(5 / 9)
    assert [f.message for f in coverage.type_unknown] == [
        "Awareness has 1 touchpoint with no type. Add a Type on the Inventory page."
    ]


def test_the_json_says_what_is_unknown() -> None:
    coverage = compute_audit(untyped("T2"), scores(), STAGES).to_json()["coverage"]
    assert coverage["untyped"] == 1
    assert coverage["unknown_cells"] == [
        {"stage": "Awareness", "type": "physical"},
        {"stage": "Awareness", "type": "human"},
    ]
    assert [g["subject"] for g in coverage["gaps"]] == ["Purchase/physical", "Loyalty"]
    assert coverage["type_unknown"][0]["subject"] == "Awareness"


# --- filters -------------------------------------------------------------------------------


def gap_messages(result: AuditResult) -> list[str]:
    return [f.message for f in result.findings if f.code in ("stage_gap", "type_gap", "type_unknown")]


def test_a_stage_filter_shows_that_stage_and_its_own_gaps_only() -> None:
    result = filtered_audit(touchpoints(), scores(), STAGES, chosen={"stage": ["Purchase"]})
    assert result.stages["name"].tolist() == ["Purchase"]
    assert result.touchpoints["id"].tolist() == ["T3", "T4"]
    assert gap_messages(result) == ["Purchase has no physical touchpoint."]  # no "Loyalty has no touchpoint at all."
    assert result.coverage.type_matrix.index.tolist() == ["Purchase"]
    assert result.coverage.share == pytest.approx(2 / 3)  # digital and human of Purchase's three cells
    assert [f.code for f in result.findings] == ["weak_spot", "type_gap", "weak_criterion"]
    assert result.filters == {"stage": ["Purchase"]}


@pytest.mark.parametrize(
    ("chosen", "ids"),
    [
        ({"channel": ["Website"]}, ["T1", "T3"]),  # Store and Phone filtered out: not gaps
        ({"type": ["digital"]}, ["T1", "T3"]),
        ({"owner": ["Retail"]}, ["T2"]),
        ({"channel": ["Fax"]}, []),  # nothing matches: the audit's gaps are still its gaps
    ],
)
def test_other_filters_narrow_the_figures_but_gaps_are_the_whole_audits(chosen, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = filtered_audit(touchpoints(), scores(), STAGES, chosen=chosen)
    assert result.touchpoints["id"].tolist() == ids
    assert result.stages["name"].tolist() == STAGES
    assert gap_messages(result) == [
        "Awareness has no human touchpoint.",
        "Purchase has no physical touchpoint.",
        "Loyalty has no touchpoint at all.",
    ]
    assert result.coverage.share == pytest.approx(4 / 9)


def test_a_stage_and_a_channel_filter_together() -> None:
    result = filtered_audit(touchpoints(), scores(), STAGES, chosen={"stage": ["Awareness"], "channel": ["Store"]})
    assert result.touchpoints["id"].tolist() == ["T2"]
    assert gap_messages(result) == ["Awareness has no human touchpoint."]
    assert result.coverage.type_matrix.loc["Awareness"].to_dict() == {"physical": 1, "digital": 0, "human": 0}
    assert result.coverage.cell_states.loc["Awareness"].to_dict() == {"physical": "", "digital": "", "human": "gap"}
    assert result.coverage.share == pytest.approx(2 / 3)
    assert result.mean_composite == pytest.approx(14.5 / 3)  # T2's composite: the figures are the filtered ones


def test_no_filter_is_the_whole_audit(result: AuditResult) -> None:
    again = filtered_audit(touchpoints(), scores(), STAGES, chosen={"stage": [], "channel": []})
    assert again.findings == result.findings and again.filters == {}
    pd.testing.assert_frame_equal(again.touchpoints, result.touchpoints)


def test_unknown_types_are_judged_on_the_whole_audit_too() -> None:
    result = filtered_audit(untyped("T2"), scores(), STAGES, chosen={"channel": ["Website"]})
    assert [f.message for f in result.coverage.type_unknown] == [
        "Awareness has 1 touchpoint with no type, so its physical / human coverage is unknown. Add a Type on the "
        "Inventory page."
    ]
    assert result.coverage.untyped == 0  # T2 is filtered out of the counts, not out of the judgement


# --- headline figures ----------------------------------------------------------------------


def figures(result: AuditResult) -> dict[str, tuple[str, str | None]]:
    return {f.label: (f.value, f.band) for f in headline(result)}


def test_headline_figures(result: AuditResult) -> None:
    assert result.agreement.alpha is not None
    assert figures(result) == {
        "Touchpoints": ("4", None),
        "Scored": ("3 of 4", None),
        "Mean composite": ("3.17", None),  # (3 + 4.833333 + 1.666667) / 3
        "Consistency": ("69%", None),  # 0.694444
        "Agreement": (f"{result.agreement.alpha:.2f}", result.agreement.band),
        "Weak spots": ("1", None),
    }


def test_with_nothing_scored_the_figures_say_not_yet_rather_than_zero() -> None:
    shown = headline(compute_audit(touchpoints(), scores({}), STAGES))
    assert {f.label: f.value for f in shown} == {
        "Touchpoints": "4", "Scored": "0 of 4", "Mean composite": "-", "Consistency": "-", "Agreement": "-",
        "Weak spots": "-",
    }  # fmt: skip
    assert {f.label: f.help for f in shown if f.value == "-"}["Weak spots"] == "Not yet: no scores yet."


def test_a_partly_scored_touchpoint_is_said_beside_the_mean_it_makes() -> None:
    shown = {f.label: f for f in headline(compute_audit(touchpoints(), scores({("T1", "A"): (3, None, None)}), STAGES))}
    assert (shown["Scored"].value, shown["Mean composite"].value) == ("0 of 4", "3.00")
    assert shown["Scored"].help.endswith("1 more is partly scored: their composites count in the means.")


def test_filtered_findings_speak_of_the_touchpoints_shown() -> None:
    # Channel Website keeps T1 (Awareness, composite 3.0) and T3 (Purchase, 5/3). Relevance (3 + 4/3) / 2 = 2.17.
    result = filtered_audit(touchpoints(), scores(), STAGES, chosen={"channel": ["Website"]})
    assert result.weak_criterion is not None and result.weakest_stage is not None
    assert result.weak_criterion.message == (
        "Relevance is low across the touchpoints shown: it averages 2.17 over the scored touchpoints shown, below 3.0."
    )
    assert (
        result.weakest_stage.message
        == "Purchase is the weakest stage among the touchpoints shown: they average 1.67 out of 5."
    )


def test_a_sentences_number_is_written_as_the_language_writes_that_number() -> None:
    """Two values that Python and decimal rounding put on different sides of a half (2.665 is stored just
    above it, 2.66 is 2.66) are each written as `i18n.number` writes them: 2.66 never borrows "2.67"."""
    from audit import i18n
    from audit.metrics import _number_texts

    values = pd.Series([2.665, 2.66, 1.0, float("nan")])
    for code in ("en", "ru", "fa"):
        with i18n.use(code):
            assert _number_texts(values).tolist() == [i18n.number(v) for v in values]
