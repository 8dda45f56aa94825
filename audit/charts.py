"""Altair charts of an AuditResult: data in, `alt.Chart` out, each with the sentence that explains it.

The pages show `chart` and `CAPTIONS[name]` under it, or, where `empty_reason(name, result)`
has a sentence, that sentence instead of an empty frame; the tests check the specs.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from audit.metrics import IMPORTANT, INCONSISTENT_SPREAD, PERCEPTION_GAP, STRONG, AuditResult
from audit.vocabulary import CRITERIA

CAPTIONS = {
    "coverage_type": "How many touchpoints each stage has of each type; an empty cell marked 'gap' is a stage "
    "with no touchpoint of that type.",
    "coverage_channel": "How many touchpoints each stage has in each channel; empty cells show where a channel "
    "is absent from a stage.",
    "journey": "The mean composite of each stage's scored touchpoints (thick line), with one line per criterion: "
    "where the curve dips, the journey is weak.",
    "consistency": "The spread of composites within each stage (sd) and between its best and worst channel; "
    f"a channel spread of {INCONSISTENT_SPREAD} or more marks the stage inconsistent (red).",
    "weak_spots": "Weak touchpoints ranked by priority = importance x (5 - composite); hover a bar for the reason.",
    "quadrant": f"Importance against composite: importance {IMPORTANT:g}+ counts as important, a composite of "
    f"{STRONG:g}+ as strong. Top left is where to concentrate.",
    "disagreement": "How far the assessors disagree on each touchpoint (the largest sd of its criteria); "
    "orange bars are flagged 'discuss' (scores 2 or more points apart).",
    "perception_gap": f"Team composite minus customer rating; {PERCEPTION_GAP:+g} or more (red) means the team "
    "rates the touchpoint higher than its customers do.",
}
STAGE_TITLE = "Journey stage"


def _stage_axis(result: AuditResult) -> list[str]:
    return [str(s) for s in result.stages["name"]]


def coverage_type(result: AuditResult) -> alt.Chart:
    """Heatmap stage x type with gaps marked."""
    matrix = result.coverage.type_matrix
    data = matrix.reset_index(names="stage").melt(id_vars="stage", var_name="type", value_name="touchpoints")
    data["label"] = data["touchpoints"].map(lambda n: "gap" if n == 0 else str(n))
    return _heatmap(data, "type", list(matrix.columns), _stage_axis(result), "Touchpoint type")


def coverage_channel(result: AuditResult) -> alt.Chart:
    """Heatmap stage x channel."""
    matrix = result.coverage.channel_matrix
    data = matrix.reset_index(names="stage").melt(id_vars="stage", var_name="channel", value_name="touchpoints")
    data["label"] = data["touchpoints"].map(lambda n: "" if n == 0 else str(n))
    return _heatmap(data, "channel", list(matrix.columns), _stage_axis(result), "Channel")


def _heatmap(data: pd.DataFrame, column: str, columns: list[str], stages: list[str], title: str) -> alt.Chart:
    base = alt.Chart(data).encode(
        x=alt.X(f"{column}:N", sort=columns, title=title, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("stage:N", sort=stages, title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("touchpoints:Q", scale=alt.Scale(scheme="blues"), title="Touchpoints"),
        tooltip=["stage:N", f"{column}:N", "touchpoints:Q"],
    )
    text = base.mark_text().encode(
        text="label:N",
        color=alt.condition(alt.datum.touchpoints == 0, alt.value("#c0392b"), alt.value("black")),
    )
    return cast(alt.Chart, (cells + text).properties(height=alt.Step(38)))


def journey(result: AuditResult) -> alt.Chart:
    """Mean composite per stage, with one line per criterion."""
    stages = result.stages
    columns = {"mean_composite": "composite"} | {f"{c}_mean": c for c in CRITERIA}
    data = stages[["name", *columns]].rename(columns=columns).melt(id_vars="name", var_name="measure")
    data = data.dropna(subset=["value"])
    order = _stage_axis(result)
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("name:N", sort=order, title=STAGE_TITLE, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y("value:Q", scale=alt.Scale(domain=[1, 5]), title="Mean score (1-5)"),
            color=alt.Color("measure:N", sort=["composite", *CRITERIA], title="Measure"),
            strokeWidth=alt.condition(alt.datum.measure == "composite", alt.value(4), alt.value(1.5)),
            tooltip=["name:N", "measure:N", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(height=300),
    )


def consistency(result: AuditResult) -> alt.Chart:
    """sd and channel spread per stage; inconsistent stages in red."""
    data = result.stages[["name", "sd", "channel_spread", "inconsistent"]].melt(
        id_vars=["name", "inconsistent"], var_name="measure"
    )
    data = data.dropna(subset=["value"])
    data["measure"] = data["measure"].map({"sd": "sd of composites", "channel_spread": "channel spread"})
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "name:N", sort=_stage_axis(result), title=STAGE_TITLE, axis=alt.Axis(labelAngle=0, labelOverlap=False)
            ),
            xOffset="measure:N",
            y=alt.Y("value:Q", title="Points on the 1-5 scale"),
            color=alt.condition(alt.datum.inconsistent, alt.value("#c0392b"), alt.Color("measure:N", title="")),
            tooltip=["name:N", "measure:N", alt.Tooltip("value:Q", format=".2f"), "inconsistent:N"],
        )
        .properties(height=280),
    )


def weak_spots(result: AuditResult, limit: int = 15) -> alt.Chart:
    """Weak touchpoints by priority, the reason on hover."""
    table = result.touchpoints.set_index("id").loc[result.weak_spots[:limit]].reset_index()
    data = table[["id", "name", "stage", "priority", "composite", "reasons"]]
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X("priority:Q", title="Priority = importance x (5 - composite)"),
            y=alt.Y("name:N", sort="-x", title=None),
            tooltip=[
                "name:N",
                "stage:N",
                alt.Tooltip("composite:Q", format=".2f"),
                alt.Tooltip("priority:Q", format=".2f"),
                "reasons:N",
            ],  # fmt: skip
        )
        .properties(height=alt.Step(20)),
    )


def quadrant(result: AuditResult) -> alt.Chart:
    """Importance-performance scatter with the four quadrants labelled."""
    data = result.touchpoints[result.touchpoints["scored"]][["name", "stage", "importance", "composite", "quadrant"]]
    points = (
        alt.Chart(data)
        .mark_circle(size=90, opacity=0.8)
        .encode(
            x=alt.X("composite:Q", scale=alt.Scale(domain=[1, 5]), title="Performance (composite)"),
            y=alt.Y("importance:Q", scale=alt.Scale(domain=[0.5, 5.5]), title="Importance"),
            color=alt.Color("quadrant:N", title="Quadrant"),
            tooltip=["name:N", "stage:N", "quadrant:N", alt.Tooltip("composite:Q", format=".2f"), "importance:Q"],
        )
    )
    rules = alt.Chart(pd.DataFrame({"x": [STRONG]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q") + alt.Chart(
        pd.DataFrame({"y": [IMPORTANT - 0.5]})
    ).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
    labels = pd.DataFrame(
        [
            (1.05, 5.4, "Concentrate here", "left"),
            (4.95, 5.4, "Keep up the good work", "right"),
            (1.05, 0.6, "Low priority", "left"),
            (4.95, 0.6, "Possible overkill", "right"),
        ],
        columns=["x", "y", "label", "side"],
    )
    text = alt.layer(
        *(
            alt.Chart(labels[labels["side"] == side])
            .mark_text(fontWeight="bold", color="#555", align=side)
            .encode(x="x:Q", y="y:Q", text="label:N")
            for side in ("left", "right")
        )
    )
    return cast(alt.Chart, (points + rules + text).properties(height=380))


def disagreement(result: AuditResult, limit: int = 20) -> alt.Chart:
    """Largest criterion sd per touchpoint, 'discuss' ones highlighted."""
    table = result.touchpoints
    data = table.assign(disagreement=table[[f"{c}_sd" for c in CRITERIA]].max(axis=1))
    data = data.dropna(subset=["disagreement"]).nlargest(limit, "disagreement")[
        ["name", "stage", "disagreement", "discuss"]
    ]
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("disagreement:Q", title="Largest sd of the assessors' scores"),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.condition(alt.datum.discuss, alt.value("#e67e22"), alt.value("#95a5a6")),
            tooltip=["name:N", "stage:N", alt.Tooltip("disagreement:Q", format=".2f"), "discuss:N"],
        )
        .properties(height=alt.Step(20)),
    )


def perception_gap(result: AuditResult) -> alt.Chart:
    """Composite minus customer rating per touchpoint, flagged gaps in red."""
    table = result.touchpoints.dropna(subset=["perception_gap"])
    data = table[["name", "stage", "composite", "customer_rating", "perception_gap", "perception_flag"]]
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("perception_gap:Q", title="Team composite - customer rating"),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.condition(alt.datum.perception_flag, alt.value("#c0392b"), alt.value("#5d6d7e")),
            tooltip=[
                "name:N",
                "stage:N",
                alt.Tooltip("composite:Q", format=".2f"),
                "customer_rating:Q",
                alt.Tooltip("perception_gap:Q", format="+.2f"),
            ],  # fmt: skip
        )
        .properties(height=alt.Step(20)),
    )


CHARTS = {
    "coverage_type": coverage_type,
    "coverage_channel": coverage_channel,
    "journey": journey,
    "consistency": consistency,
    "weak_spots": weak_spots,
    "quadrant": quadrant,
    "disagreement": disagreement,
    "perception_gap": perception_gap,
}


NO_SCORES = "No scores yet: this chart fills in as the room scores. Invite the room on the Workshop page."


def empty_reason(name: str, result: AuditResult) -> str | None:
    """Why chart `name` would be empty for this audit, and what to do; None when it has something to show."""
    table = result.touchpoints
    if table.empty:
        return "This audit has no touchpoints yet (or none matches the filters). Import an inventory first."
    scored = table["composite"].notna()
    if name == "coverage_type" and table["type"].isna().all():
        return "No touchpoint has a type (physical, digital or human): add a Type column on the Inventory page."
    if name == "coverage_channel" and table["channel"].isna().all():
        return "No touchpoint has a channel: add a Channel column on the Inventory page."
    if name in ("journey", "consistency", "quadrant", "weak_spots") and not scored.any():
        return NO_SCORES
    if name == "weak_spots" and not result.weak_spots:
        return "No weak spot: every scored touchpoint has a composite of 3.0 or more and no criterion at 2.0 or lower."
    if name == "disagreement" and not (table[[f"{c}_n" for c in CRITERIA]] >= 2).any().any():
        return (
            "Disagreement needs two assessors on the same touchpoint; "
            f"{len(result.assessors)} assessor(s) have scored so far."
        )
    if name == "perception_gap" and table["perception_gap"].isna().all():
        return "No touchpoint has both a composite and a customer rating, so there is no perception gap to show."
    return None
