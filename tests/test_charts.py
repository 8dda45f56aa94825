"""Chart builders, checked on their Vega-Lite specs."""

from __future__ import annotations

import pandas
import pytest
from test_metrics import STAGES, scores, touchpoints

from audit import charts, i18n
from audit.metrics import compute_audit, filtered_audit
from audit.vocabulary import TYPES

RESULT = compute_audit(touchpoints(), scores(), STAGES)


def spec(name: str) -> dict:  # type: ignore[type-arg]
    return charts.CHARTS[name](RESULT).to_dict()


def values(chart_spec: dict) -> list[dict]:  # type: ignore[type-arg]
    datasets = chart_spec["datasets"]
    return [row for rows in datasets.values() for row in rows]


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_has_a_caption_and_builds(name: str) -> None:
    assert charts.CAPTIONS[name].endswith(".")
    assert charts.caption(name).endswith(".") and "{" not in charts.caption(name)
    assert "$schema" in spec(name)


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_writes_numbers_in_the_language(name: str) -> None:
    assert spec(name)["config"]["locale"] == i18n.vega_locale("en")
    with i18n.use("fa"):
        persian = charts.CHARTS[name](RESULT).to_dict()
    assert persian["config"]["locale"]["number"]["numerals"][1] == "۱"


def test_coverage_heatmap_marks_gaps_in_journey_order() -> None:
    chart = spec("coverage_type")
    cells = {(r["stage"], r["type"]): (r["touchpoints"], r["label"]) for r in values(chart) if "type" in r}
    assert cells[("Awareness", "human")] == (0, "gap")
    assert cells[("Purchase", "digital")] == (1, "1")
    assert cells[("Loyalty", "physical")] == (0, "gap")
    assert "unknown" not in {r["type"] for r in values(chart) if "type" in r}  # every touchpoint has a type
    assert chart["layer"][0]["encoding"]["y"]["sort"] == STAGES


@pytest.mark.parametrize(("counts", "white_from"), [([1, 1, 1], 1), ([1, 2, 5], 3), ([0, 2], 2)])
def test_heatmap_counts_on_dark_cells_are_white(counts: list[int], white_from: int) -> None:
    """A count is written white from 60% of the largest count up: with every count 1, on the darkest blue."""
    rows = [("", "Tp", "Awareness", "Web", kind) for kind, n in zip(TYPES, counts, strict=False) for _ in range(n)]
    tps = pandas.DataFrame(rows, columns=["id", "name", "stage", "channel", "type"]).assign(
        id=lambda f: [f"T{i}" for i in range(len(f))], control=None, owner=None, importance=3.0, reach=None,
        conversions=None, customer_rating=None,
    )  # fmt: skip
    text = charts.coverage_type(compute_audit(tps, scores(), ["Awareness"])).to_dict()["layer"][1]
    tests = [c["test"] for c in text["encoding"]["color"]["condition"]]
    assert any(f"(datum.touchpoints >= {white_from})" in t for t in tests), tests


def test_untyped_touchpoints_have_their_own_column_and_leave_cells_unknown_not_gaps() -> None:
    tps = touchpoints()
    tps.loc[tps["id"].isin(["T1", "T2"]), "type"] = None  # Awareness: both touchpoints untyped
    cells = {
        (r["stage"], r["type"]): (r["touchpoints"], r["label"])
        for r in values(charts.coverage_type(compute_audit(tps, scores(), STAGES)).to_dict())
        if "type" in r
    }
    assert [cells[("Awareness", t)] for t in ("physical", "digital", "human", "unknown")] == [
        (0, "?"), (0, "?"), (0, "?"), (2, "2")
    ]  # fmt: skip
    assert cells[("Purchase", "physical")] == (0, "gap") and cells[("Purchase", "unknown")] == (0, "")
    assert cells[("Loyalty", "human")] == (0, "gap")


def test_a_filtered_heatmap_calls_only_the_whole_audits_gaps_gaps() -> None:
    website = filtered_audit(touchpoints(), scores(), STAGES, chosen={"channel": ["Website"]})
    cells = {
        (r["stage"], r["type"]): r["label"] for r in values(charts.coverage_type(website).to_dict()) if "type" in r
    }
    assert cells[("Awareness", "physical")] == ""  # the Store touchpoint is filtered out, not missing
    assert cells[("Awareness", "human")] == "gap"
    assert cells[("Purchase", "human")] == ""  # Phone orders is filtered out
    assert cells[("Purchase", "physical")] == "gap"


def test_journey_curve_has_the_composite_and_three_criteria() -> None:
    rows = values(spec("journey"))
    assert {r["measure"] for r in rows} == {"composite", "relevance", "meaningfulness", "attractiveness"}
    awareness = {r["measure"]: r["value"] for r in rows if r["name"] == "Awareness"}
    assert awareness["composite"] == pytest.approx(3.916667, abs=1e-6)
    assert "Loyalty" not in {r["name"] for r in rows}  # nothing scored there: no point at all


def test_weak_spots_chart_ranks_by_priority_with_the_reason_on_hover() -> None:
    chart = spec("weak_spots")
    assert [r["id"] for r in values(chart)] == ["T3"]
    assert {"field": "reasons", "type": "nominal", "title": "Why it is weak"} in chart["encoding"]["tooltip"]
    assert chart["encoding"]["y"]["sort"] == "-x"


def test_quadrant_scatter_is_labelled() -> None:
    labels = {r["label"] for r in values(spec("quadrant")) if "label" in r}
    assert labels == {"Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"}


def test_consistency_marks_inconsistent_stages() -> None:
    rows = values(spec("consistency"))
    assert {(r["name"], r["inconsistent"]) for r in rows} == {("Awareness", True), ("Purchase", False)}


@pytest.mark.parametrize("code", ["en", "ru", "pt", "fa"])
def test_the_consistency_bars_keep_their_order_and_colour_in_every_language(code: str) -> None:
    """Vega orders a nominal field by its text: without a fixed order, "channel spread" was the dark
    bar in Russian and the light one in Persian."""
    with i18n.use(code):
        chart = spec("consistency")
        order = [i18n.gettext_("sd of composites"), i18n.gettext_("channel spread")]
    colour = chart["encoding"]["color"]  # red where inconsistent, else the measure's colour
    assert chart["encoding"]["xOffset"]["sort"] == order
    assert colour["scale"]["domain"] == order and colour["sort"] == order


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
        (NO_SCORES, "disagreement", charts.NO_SCORES),
        (NO_SCORES, "coverage_type", None),  # counting touchpoints needs no score
        (ONE_ASSESSOR, "journey", None),
        (
            ONE_ASSESSOR,
            "disagreement",
            "Disagreement needs two assessors on the same touchpoint; only one assessor, A,",
        ),
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


def test_a_filter_that_keeps_nothing_says_which_filters() -> None:
    nothing = filtered_audit(touchpoints(), scores(), STAGES, chosen={"channel": ["Fax"], "owner": ["Care"]})
    assert charts.empty_reason("journey", nothing) == (
        "No touchpoint matches the filters (channel Fax; owner Care). Clear or widen a filter above to see the audit."
    )
    unscored = filtered_audit(touchpoints(), scores(), STAGES, chosen={"channel": ["Phone"]})  # T4, never scored
    assert str(charts.empty_reason("quadrant", unscored)).startswith(
        "The touchpoint that matches the filters (channel Phone) is not scored yet."
    )
    assert charts.empty_reason("coverage_type", unscored) is None  # counting needs no score
    two = filtered_audit(touchpoints(), scores({}), STAGES, chosen={"channel": ["Website"]})
    assert str(charts.empty_reason("journey", two)).startswith(
        "None of the 2 touchpoints that match the filters (channel Website) is scored yet."
    )


def test_every_empty_state_names_its_cause() -> None:
    untyped = touchpoints().assign(type=None, channel=None, customer_rating=None)
    bare = compute_audit(untyped, scores(), STAGES)
    assert str(charts.empty_reason("coverage_type", bare)).startswith("No touchpoint has a type")
    assert str(charts.empty_reason("coverage_channel", bare)).startswith("No touchpoint has a channel")
    assert str(charts.empty_reason("perception_gap", bare)).startswith("No touchpoint has a customer rating")
    rated_unscored = compute_audit(touchpoints(), scores({}), STAGES)
    assert str(charts.empty_reason("perception_gap", rated_unscored)).startswith(
        "2 touchpoints have a customer rating, but none of them is scored yet"
    )
    apart = compute_audit(touchpoints(), scores({("T1", "A"): (3, 3, 3), ("T3", "B"): (2, 2, 2)}), STAGES)
    assert str(charts.empty_reason("disagreement", apart)).startswith(
        "Disagreement needs two assessors on the same touchpoint; the 2 assessors have not scored any"
    )
    agreeing = compute_audit(touchpoints(), scores({("T1", "A"): (3, 4, 3), ("T1", "B"): (3, 4, 3)}), STAGES)
    assert str(charts.empty_reason("disagreement", agreeing)).startswith("No disagreement")


def test_consistency_with_nothing_to_compare_says_so_instead_of_a_zero_axis() -> None:
    # One scored touchpoint per stage: every sd is 0 and every channel spread is 0.
    one_each = compute_audit(touchpoints(), scores({("T1", "A"): (3, 3, 3), ("T3", "A"): (2, 2, 2)}), STAGES)
    assert (one_each.stages[["sd", "channel_spread"]].fillna(0) == 0).all().all()
    assert str(charts.empty_reason("consistency", one_each)).startswith(
        "Nothing to compare yet: every stage's scored touchpoints agree exactly, or each stage has one scored "
        "touchpoint."
    )
    assert charts.empty_reason("consistency", RESULT) is None


def quantitative_axes(node: object) -> list[dict]:  # type: ignore[type-arg]
    """Every x or y encoding of a quantitative field in a spec, through its layers."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("x", "y") and isinstance(value, dict) and value.get("type") == "quantitative":
                found.append(value)
            else:
                found += quantitative_axes(value)
    elif isinstance(node, list):
        for item in node:
            found += quantitative_axes(item)
    return found


@pytest.mark.parametrize(
    ("name", "channel", "number_format", "domain"),
    [
        ("journey", "y", "d", [1, 5]),
        ("consistency", "y", ".1~f", [0, 2.0]),  # the largest value, 1.83, rounded up to the half
        ("weak_spots", "x", ".1~f", [0, 13.5]),  # T3's priority 13.33
        ("disagreement", "x", ".1~f", [0, 1.5]),  # T1's attractiveness sd 1.41
        ("perception_gap", "x", "+.1~f", [-1.0, 1.0]),
        ("quadrant", "x", "d", [1, 5]),
    ],
)
def test_quantitative_axes_have_a_format_and_a_domain(name: str, channel: str, number_format: str, domain) -> None:  # type: ignore[no-untyped-def]
    chart = spec(name)
    encoding = (chart.get("encoding") or chart["layer"][0]["encoding"])[channel]
    assert (encoding["axis"]["format"], encoding["scale"]["domain"]) == (number_format, domain)


@pytest.mark.parametrize("result", [RESULT, NO_SCORES, ONE_ASSESSOR])
@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_no_axis_is_left_to_print_six_decimals(result, name: str) -> None:  # type: ignore[no-untyped-def]
    if charts.empty_reason(name, result):
        return  # the page shows the sentence, not the chart
    for encoding in quantitative_axes(charts.CHARTS[name](result).to_dict()):
        if encoding["field"] in ("x", "y"):
            continue  # a rule or a corner label, drawn on the points' own axes
        assert "format" in encoding["axis"], (name, encoding)


def test_stage_names_are_slanted_wrapped_and_never_cut() -> None:
    long = ["Осведомлённость о бренде и продукте", "Покупка", "Послепродажное обслуживание клиентов"]
    tps = touchpoints().assign(stage=[long[0], long[0], long[1], long[2]])
    result = compute_audit(tps, scores(), long)
    for name in ("journey", "consistency"):
        axis = charts.CHARTS[name](result).to_dict()["encoding"]["x"]["axis"]
        assert (axis["labelAngle"], axis["labelLimit"], axis["labelOverlap"]) == (-30, 220, False)
        assert '"Осведомлённость о": ["Осведомлённость о", "бренде и продукте"]' not in axis["labelExpr"]
        assert '"Осведомлённость о бренде и продукте": ["Осведомлённость о", "бренде и продукте"]' in axis["labelExpr"]
    heatmap = charts.coverage_type(result).to_dict()["layer"][0]["encoding"]["y"]["axis"]
    assert heatmap["labelLimit"] == 220 and "Послепродажное" in heatmap["labelExpr"]


def test_two_lines_at_most_for_a_few_stages_one_line_and_steeper_for_many() -> None:
    assert charts.wrap("Послепродажное обслуживание клиентов", 2) == ["Послепродажное", "обслуживание клиентов"]
    assert charts.wrap("Послепродажное обслуживание клиентов", 1) == ["Послепродажное обслуживание клиентов"]
    many = [f"Stage number {i}" for i in range(12)]
    tps = touchpoints().assign(stage=many[:4])
    axis = charts.journey(compute_audit(tps, scores(), many)).to_dict()["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == -45 and '"Stage number 3": ["Stage number 3"]' in axis["labelExpr"]


@pytest.mark.parametrize("name", ["weak_spots", "disagreement", "perception_gap"])
def test_touchpoint_names_get_room_and_stay_whole_in_the_tooltip(name: str) -> None:
    encoding = spec(name)["encoding"]
    assert encoding["y"]["axis"]["labelLimit"] == charts.LABEL_LIMIT == 220
    assert {"field": "name", "type": "nominal", "title": "Touchpoint"} in encoding["tooltip"]


def test_quadrant_labels_sit_inside_their_corners_clear_of_points_and_axes() -> None:
    chart = spec("quadrant")
    points, _, labels = chart["layer"]
    assert points["encoding"]["y"]["scale"]["domain"] == [0.5, 5.5]  # importance is 1-5: half a step clear
    assert points["encoding"]["color"]["legend"] is None  # the corners name the colours: no legend to squeeze
    placed = {}
    for layer in labels["layer"]:
        (row,) = chart["datasets"][layer["data"]["name"]]
        mark = layer["mark"]
        placed[row["label"]] = (row["x"], row["y"], mark["align"], mark["baseline"], mark["dx"], mark["dy"])
        assert layer["encoding"]["color"]["scale"] == points["encoding"]["color"]["scale"]
    assert placed == {
        "Concentrate here": (1.0, 5.5, "left", "top", 4, 4),
        "Keep up the good work": (5.0, 5.5, "right", "top", -4, 4),
        "Low priority": (1.0, 0.5, "left", "bottom", 4, -4),
        "Possible overkill": (5.0, 0.5, "right", "bottom", -4, -4),
    }


def test_long_type_names_slant_and_legend_labels_are_never_cut() -> None:
    """Russian's "Человеческая" beside "Неизвестно" would run together level on a phone; a legend label
    ("ст. откл. сводных оценок") is shown whole."""

    def top_axis(code: str) -> dict:  # type: ignore[type-arg]
        with i18n.use(code):
            spec = charts.coverage_type(RESULT).to_dict()
        return next(layer["encoding"]["x"]["axis"] for layer in spec["layer"] if "x" in layer.get("encoding", {}))

    assert top_axis("en")["labelAngle"] == 0  # Physical, Digital, Human: short, level
    assert top_axis("ru")["labelAngle"] == charts.STEEP_LABEL_ANGLE
    with i18n.use("ru"):
        legend = charts.consistency(RESULT).to_dict()["encoding"]["color"]["legend"]
    assert (legend["labelLimit"], legend["columns"]) == (0, 1)
