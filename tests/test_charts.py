"""Chart builders, checked on their Vega-Lite specs."""

from __future__ import annotations

import pytest
from test_metrics import STAGES, scores, touchpoints

from audit import charts
from audit.metrics import compute_audit

RESULT = compute_audit(touchpoints(), scores(), STAGES)


def spec(name: str) -> dict:  # type: ignore[type-arg]
    return charts.CHARTS[name](RESULT).to_dict()


def values(chart_spec: dict) -> list[dict]:  # type: ignore[type-arg]
    datasets = chart_spec["datasets"]
    return [row for rows in datasets.values() for row in rows]


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_has_a_caption_and_builds(name: str) -> None:
    assert charts.CAPTIONS[name].endswith(".")
    assert "$schema" in spec(name)


def test_coverage_heatmap_marks_gaps_in_journey_order() -> None:
    chart = spec("coverage_type")
    cells = {(r["stage"], r["type"]): (r["touchpoints"], r["label"]) for r in values(chart) if "type" in r}
    assert cells[("Awareness", "human")] == (0, "gap")
    assert cells[("Purchase", "digital")] == (1, "1")
    assert chart["layer"][0]["encoding"]["y"]["sort"] == STAGES


def test_journey_curve_has_the_composite_and_three_criteria() -> None:
    rows = values(spec("journey"))
    assert {r["measure"] for r in rows} == {"composite", "relevance", "meaningfulness", "attractiveness"}
    awareness = {r["measure"]: r["value"] for r in rows if r["name"] == "Awareness"}
    assert awareness["composite"] == pytest.approx(3.916667, abs=1e-6)
    assert "Loyalty" not in {r["name"] for r in rows}  # nothing scored there: no point at all


def test_weak_spots_chart_ranks_by_priority_with_the_reason_on_hover() -> None:
    chart = spec("weak_spots")
    assert [r["id"] for r in values(chart)] == ["T3"]
    assert {"field": "reasons", "type": "nominal"} in chart["encoding"]["tooltip"]
    assert chart["encoding"]["y"]["sort"] == "-x"


def test_quadrant_scatter_is_labelled() -> None:
    labels = {r["label"] for r in values(spec("quadrant")) if "label" in r}
    assert labels == {"Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"}


def test_consistency_marks_inconsistent_stages() -> None:
    rows = values(spec("consistency"))
    assert {(r["name"], r["inconsistent"]) for r in rows} == {("Awareness", True), ("Purchase", False)}


def test_disagreement_and_perception_gap() -> None:
    disagreement = {r["name"]: (round(r["disagreement"], 6), r["discuss"]) for r in values(spec("disagreement"))}
    assert disagreement["Site"] == (round(2**0.5, 6), True)
    gaps = {r["name"]: r["perception_flag"] for r in values(spec("perception_gap"))}
    assert gaps == {"Site": True, "Shop": False}


NO_SCORES = compute_audit(touchpoints(), scores({}), STAGES)
ONE_ASSESSOR = compute_audit(touchpoints(), scores({("T1", "A"): (2, 2, 2), ("T2", "A"): (4, 4, 4)}), STAGES)


@pytest.mark.parametrize(
    ("result", "name", "reason"),
    [
        (NO_SCORES, "journey", charts.NO_SCORES),
        (NO_SCORES, "consistency", charts.NO_SCORES),
        (NO_SCORES, "quadrant", charts.NO_SCORES),
        (NO_SCORES, "weak_spots", charts.NO_SCORES),
        (NO_SCORES, "disagreement", "Disagreement needs two assessors on the same touchpoint; 0 assessor(s)"),
        (NO_SCORES, "coverage_type", None),  # counting touchpoints needs no score
        (ONE_ASSESSOR, "journey", None),
        (ONE_ASSESSOR, "disagreement", "Disagreement needs two assessors on the same touchpoint; 1 assessor(s)"),
        (ONE_ASSESSOR, "perception_gap", None),  # T1 and T2 have a customer rating
        (RESULT, "disagreement", None),
        (RESULT, "weak_spots", None),
    ],
)
def test_a_chart_with_nothing_to_show_says_why_instead(result, name: str, reason: str | None) -> None:  # type: ignore[no-untyped-def]
    found = charts.empty_reason(name, result)
    assert (found is None) if reason is None else (found is not None and found.startswith(reason))


def test_no_weak_spot_and_no_touchpoint_are_said_in_words() -> None:
    strong = compute_audit(touchpoints(), scores({("T1", "A"): (5, 5, 5)}), STAGES)
    assert charts.empty_reason("weak_spots", strong) == (
        "No weak spot: every scored touchpoint has a composite of 3.0 or more and no criterion at 2.0 or lower."
    )
    nothing = compute_audit(touchpoints().iloc[0:0], scores({}), STAGES)
    assert str(charts.empty_reason("journey", nothing)).startswith("This audit has no touchpoints yet")
