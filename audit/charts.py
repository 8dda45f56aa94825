"""Altair charts of an AuditResult: data in, `alt.Chart` out, each with the sentence that explains it.

The pages show `chart` and `CAPTIONS[name]` under it, or, where `empty_reason(name, result)`
has a sentence, that sentence instead of an empty frame; the tests check the specs.

Every chart is read on a phone (about 350 px wide) as well as on a laptop: stage names are
wrapped onto short lines and slanted, touchpoint names get LABEL_LIMIT pixels (a cut name
is whole in the tooltip), quantitative axes have explicit formats and domains (never
"0.000000"), and legends sit under the plot or are replaced by labels in the plot. Charts fit
the width they are given; their height is the plot's own (FIT_WIDTH).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterable
from typing import Literal, cast

import altair as alt
import pandas as pd

from audit.metrics import (
    GAP,
    IMPORTANT,
    INCONSISTENT_SPREAD,
    PERCEPTION_GAP,
    STRONG,
    UNKNOWN,
    AuditResult,
    describe_filters,
)
from audit.vocabulary import CRITERIA

CAPTIONS = {
    "coverage_type": "How many touchpoints each stage has of each type. 'gap' marks a stage with no touchpoint "
    "of that type in the whole audit; '?' marks a type left unknown because some of the stage's touchpoints "
    "have no type (counted under 'unknown').",
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
LABEL_LIMIT = 220  # px a touchpoint or stage name may take on an axis before Vega cuts it
STAGE_LABEL_ANGLE = -30  # slanted names do not overlap: their lines stack perpendicular to the text
STEEP_LABEL_ANGLE = -45  # for more than MANY_STAGES stages, whose bands are narrow on a phone
MANY_STAGES = 8
STAGE_LINE = 16  # characters per line of a wrapped stage name
NUMBER = ".1~f"  # axis numbers: one decimal at most, none when whole ("2", "0.5"), never "0.000000"
SCALE_TICKS = [1, 2, 3, 4, 5]
QUADRANT_COLOURS = {
    "Concentrate here": "#c0392b",
    "Keep up the good work": "#27ae60",
    "Low priority": "#7f8c8d",
    "Possible overkill": "#2980b9",
}
GAP_COLOUR, UNKNOWN_COLOUR, UNKNOWN_FILL = "#c0392b", "#6b7280", "#eef0f3"
# The width fits the page's column; the height is the plot's own, so slanted stage names and a
# legend below add to it rather than squeeze the plot (Streamlit's default "fit" does both).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _stages(result: AuditResult) -> list[str]:
    return [str(s) for s in result.stages["name"]]


def wrap(name: str, most_lines: int | None = None) -> list[str]:
    """A name on lines of about STAGE_LINE characters, or on `most_lines` lines however long they get."""
    width = STAGE_LINE
    lines = textwrap.wrap(name, width, break_long_words=False) or [name]
    while most_lines and len(lines) > most_lines:  # ends: at the name's length it is one line
        width += 2
        lines = textwrap.wrap(name, width, break_long_words=False) or [name]
    return lines


def _label_expr(names: Iterable[str], most_lines: int | None = None) -> str:
    """A Vega label expression writing each name on the lines `wrap` gives it."""
    lines = {name: wrap(name, most_lines) for name in names}
    return f"({json.dumps(lines, ensure_ascii=False)})[datum.label] || datum.label"


def _stage_x(stages: list[str]) -> alt.X:
    """Stages along x, slanted: a slanted label's lines stack across its band, so a few stages get
    two lines each and many stages one line, steeper."""
    many = len(stages) > MANY_STAGES
    axis = alt.Axis(
        labelAngle=STEEP_LABEL_ANGLE if many else STAGE_LABEL_ANGLE,
        labelExpr=_label_expr(stages, 1 if len(stages) > 5 else 2),
        labelLimit=LABEL_LIMIT,
        labelOverlap=False,
        labelFlush=False,  # Streamlit's theme flushes the end labels: each name under its own band
    )
    # Every stage along the axis, scored or not: a stage with nothing to plot shows as a hole.
    return alt.X("name:N", sort=stages, scale=alt.Scale(domain=stages), title=STAGE_TITLE, axis=axis)


def _name_y() -> alt.Y:
    """Touchpoint names down the side of a bar chart, the longest bar first."""
    return alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT, labelFlush=False))


def _bar_axis(number_format: str) -> alt.Axis:
    """The value axis of a horizontal bar chart: its title ends at the plot's right edge and runs left
    under the names, so a title wider than a phone's plot is not cut."""
    return alt.Axis(format=number_format, titleAnchor="end")


def _domain(values: pd.Series, *, least: float, low: float = 0.0) -> list[float]:
    """A zero-based (or `low`-based) domain reaching the largest value, and at least `least`."""
    top = values.max() if len(values) else least
    bottom = values.min() if len(values) else low
    return [min(low, math.floor(bottom * 2) / 2), max(least, math.ceil(top * 2) / 2)]


def _legend_below(title: str) -> alt.Legend:
    return alt.Legend(title=title or None, orient="bottom", direction="horizontal", columns=2)


# --- coverage ------------------------------------------------------------------------------


def coverage_type(result: AuditResult) -> alt.Chart:
    """Heatmap stage x type: counts, 'gap' where the whole audit has none, '?' where unknown."""
    coverage = result.coverage
    matrix = coverage.type_matrix.copy()
    states = coverage.cell_states.reindex(index=matrix.index, columns=matrix.columns).fillna("")
    if coverage.untyped_by_stage.sum() or (states == UNKNOWN).to_numpy().any():
        matrix[UNKNOWN] = coverage.untyped_by_stage.reindex(matrix.index).fillna(0).astype("int64")
        states[UNKNOWN] = ""
    data = _melt(matrix, "type")
    data["state"] = _melt(states, "type")["touchpoints"]
    labels = {GAP: "gap", UNKNOWN: "?"}
    data["label"] = [
        str(n) if n else labels.get(state, "") for n, state in zip(data["touchpoints"], data["state"], strict=True)
    ]
    return _heatmap(data, "type", list(matrix.columns), _stages(result), "Touchpoint type")


def coverage_channel(result: AuditResult) -> alt.Chart:
    """Heatmap stage x channel."""
    matrix = result.coverage.channel_matrix
    data = _melt(matrix, "channel")
    data["state"] = ""
    data["label"] = data["touchpoints"].map(lambda n: "" if n == 0 else str(n))
    return _heatmap(data, "channel", list(matrix.columns), _stages(result), "Channel")


def _melt(matrix: pd.DataFrame, column: str) -> pd.DataFrame:
    return matrix.reset_index(names="stage").melt(id_vars="stage", var_name=column, value_name="touchpoints")


def _column_angle(count: int) -> int:
    """How far to slant the names along the top of a heatmap: upright for many, so none overlaps."""
    return 0 if count <= 4 else STEEP_LABEL_ANGLE if count <= MANY_STAGES else -90


def _heatmap(data: pd.DataFrame, column: str, columns: list[str], stages: list[str], title: str) -> alt.Chart:
    """Counts of stages x `column`, with the labels the data carries; the 'unknown' column greyed."""
    data = data.assign(greyed=data[column].eq(UNKNOWN) & (column == "type"))
    base = alt.Chart(data).encode(
        x=alt.X(
            f"{column}:N",
            sort=columns,
            title=title,
            axis=alt.Axis(
                orient="top",
                labelAngle=_column_angle(len(columns)),
                labelLimit=LABEL_LIMIT,
                labelOverlap=False,
                labelFlush=False,
            ),
        ),
        y=alt.Y(
            "stage:N",
            sort=stages,
            title=None,
            axis=alt.Axis(labelExpr=_label_expr(stages, 2), labelLimit=LABEL_LIMIT, labelFlush=False),
        ),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            alt.datum.greyed,
            alt.value(UNKNOWN_FILL),
            alt.Color("touchpoints:Q", scale=alt.Scale(scheme="blues", domainMin=0), legend=None),
        ),
        tooltip=["stage:N", f"{column}:N", alt.Tooltip("touchpoints:Q", format="d"), "state:N"],
    )
    # Counts in the top 40% of the scale sit on dark blue: white there (with every count 1, every 1).
    most = data.loc[~data["greyed"], "touchpoints"].max() if len(data) else 0
    dark = max(1, math.ceil(most * 0.6)) if most == most else 1
    ink = (
        alt.when(alt.datum.state == GAP)
        .then(alt.value(GAP_COLOUR))
        .when(alt.datum.state == UNKNOWN)
        .then(alt.value(UNKNOWN_COLOUR))
        .when((alt.datum.touchpoints >= dark) & ~alt.datum.greyed)
        .then(alt.value("white"))  # legible on the darkest blues
        .otherwise(alt.value("black"))
    )
    text = base.mark_text().encode(text="label:N", color=ink)
    return cast(alt.Chart, (cells + text).properties(height=alt.Step(44), autosize=FIT_WIDTH))


# --- the journey and its consistency -------------------------------------------------------


def journey(result: AuditResult) -> alt.Chart:
    """Mean composite per stage, with one line per criterion."""
    stages = result.stages
    columns = {"mean_composite": "composite"} | {f"{c}_mean": c for c in CRITERIA}
    data = stages[["name", *columns]].rename(columns=columns).melt(id_vars="name", var_name="measure")
    data = data.dropna(subset=["value"])
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_stage_x(_stages(result)),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(domain=[1, 5]),
                title="Mean score (1-5)",
                axis=alt.Axis(values=SCALE_TICKS, format="d"),
            ),
            color=alt.Color("measure:N", sort=["composite", *CRITERIA], legend=_legend_below("")),
            strokeWidth=alt.condition(alt.datum.measure == "composite", alt.value(4), alt.value(1.5)),
            tooltip=["name:N", "measure:N", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(height=300, autosize=FIT_WIDTH),
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
            x=_stage_x(_stages(result)),
            xOffset="measure:N",
            y=alt.Y(
                "value:Q",
                title="Points on the 1-5 scale",
                scale=alt.Scale(domain=_domain(data["value"], least=1.0)),
                axis=alt.Axis(format=NUMBER),
            ),
            color=alt.condition(
                alt.datum.inconsistent, alt.value("#c0392b"), alt.Color("measure:N", legend=_legend_below(""))
            ),
            tooltip=["name:N", "measure:N", alt.Tooltip("value:Q", format=".2f"), "inconsistent:N"],
        )
        .properties(height=280, autosize=FIT_WIDTH),
    )


# --- touchpoints ---------------------------------------------------------------------------


def weak_spots(result: AuditResult, limit: int = 15) -> alt.Chart:
    """Weak touchpoints by priority, the reason on hover."""
    table = result.touchpoints.set_index("id").loc[result.weak_spots[:limit]].reset_index()
    data = table[["id", "name", "stage", "priority", "composite", "reasons"]]
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X(
                "priority:Q",
                title="Priority = importance x (5 - composite)",
                scale=alt.Scale(domain=_domain(data["priority"], least=1.0)),
                axis=_bar_axis(NUMBER),
            ),
            y=_name_y(),
            tooltip=[
                "name:N",
                "stage:N",
                alt.Tooltip("composite:Q", format=".2f"),
                alt.Tooltip("priority:Q", format=".2f"),
                "reasons:N",
            ],  # fmt: skip
        )
        .properties(height=alt.Step(20), autosize=FIT_WIDTH),
    )


Corner = tuple[str, float, float, Literal["left", "right"], Literal["top", "bottom"]]
# (label, x, y, align, baseline): each quadrant named inside its corner, clear of the axes and the points
QUADRANT_LABELS: list[Corner] = [
    ("Concentrate here", 1.0, 5.5, "left", "top"),
    ("Keep up the good work", 5.0, 5.5, "right", "top"),
    ("Low priority", 1.0, 0.5, "left", "bottom"),
    ("Possible overkill", 5.0, 0.5, "right", "bottom"),
]


def quadrant(result: AuditResult) -> alt.Chart:
    """Importance-performance scatter; the quadrants named in their corners, in their points' colours."""
    data = result.touchpoints[result.touchpoints["scored"]][["name", "stage", "importance", "composite", "quadrant"]]
    colour = alt.Scale(domain=list(QUADRANT_COLOURS), range=list(QUADRANT_COLOURS.values()))
    x = alt.X(
        "composite:Q",
        scale=alt.Scale(domain=[1, 5]),
        title="Performance (composite)",
        axis=alt.Axis(values=SCALE_TICKS, format="d"),
    )
    y = alt.Y(
        "importance:Q",
        scale=alt.Scale(domain=[0.5, 5.5]),
        title="Importance",
        axis=alt.Axis(values=SCALE_TICKS, format="d"),
    )
    points = (
        alt.Chart(data)
        .mark_circle(size=80, opacity=0.8)
        .encode(
            x=x,
            y=y,
            color=alt.Color("quadrant:N", scale=colour, legend=None),  # the corners name the colours
            tooltip=[
                "name:N",
                "stage:N",
                "quadrant:N",
                alt.Tooltip("composite:Q", format=".2f"),
                alt.Tooltip("importance:Q", format=".0f"),
            ],  # fmt: skip
        )
    )
    rules = alt.Chart(pd.DataFrame({"x": [STRONG]})).mark_rule(strokeDash=[4, 4], color="#888").encode(
        x="x:Q"
    ) + alt.Chart(pd.DataFrame({"y": [IMPORTANT - 0.5]})).mark_rule(strokeDash=[4, 4], color="#888").encode(y="y:Q")
    text = alt.layer(
        *(
            alt.Chart(pd.DataFrame({"label": [label], "x": [x], "y": [y]}))
            .mark_text(
                fontWeight="bold",
                fontSize=11,
                align=align,
                baseline=baseline,
                dx=4 if align == "left" else -4,
                dy=4 if baseline == "top" else -4,
            )
            .encode(x="x:Q", y="y:Q", text="label:N", color=alt.Color("label:N", scale=colour, legend=None))
            for label, x, y, align, baseline in QUADRANT_LABELS
        )
    )
    return cast(alt.Chart, (points + rules + text).properties(height=380, autosize=FIT_WIDTH))


def disagreement(result: AuditResult, limit: int = 20) -> alt.Chart:
    """Largest criterion sd per touchpoint, 'discuss' ones highlighted."""
    data = _disagreement(result).nlargest(limit, "disagreement")[["name", "stage", "disagreement", "discuss"]]
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "disagreement:Q",
                title="Largest sd of the assessors' scores",
                scale=alt.Scale(domain=_domain(data["disagreement"], least=1.0)),
                axis=_bar_axis(NUMBER),
            ),
            y=_name_y(),
            color=alt.condition(alt.datum.discuss, alt.value("#e67e22"), alt.value("#95a5a6")),
            tooltip=["name:N", "stage:N", alt.Tooltip("disagreement:Q", format=".2f"), "discuss:N"],
        )
        .properties(height=alt.Step(20), autosize=FIT_WIDTH),
    )


def _disagreement(result: AuditResult) -> pd.DataFrame:
    """The touchpoints two or more assessors scored, with the largest sd of their criteria."""
    table = result.touchpoints
    twice = table[[f"{c}_n" for c in CRITERIA]].ge(2).to_numpy()
    sds = table[[f"{c}_sd" for c in CRITERIA]].where(twice)
    return table.assign(disagreement=sds.max(axis=1)).dropna(subset=["disagreement"])


def perception_gap(result: AuditResult) -> alt.Chart:
    """Composite minus customer rating per touchpoint, flagged gaps in red."""
    table = result.touchpoints.dropna(subset=["perception_gap"])
    data = table[["name", "stage", "composite", "customer_rating", "perception_gap", "perception_flag"]]
    return cast(
        alt.Chart,
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "perception_gap:Q",
                title="Team composite - customer rating",
                scale=alt.Scale(domain=_domain(data["perception_gap"], least=PERCEPTION_GAP, low=-PERCEPTION_GAP)),
                axis=_bar_axis("+" + NUMBER),
            ),
            y=_name_y(),
            color=alt.condition(alt.datum.perception_flag, alt.value("#c0392b"), alt.value("#5d6d7e")),
            tooltip=[
                "name:N",
                "stage:N",
                alt.Tooltip("composite:Q", format=".2f"),
                alt.Tooltip("customer_rating:Q", format=NUMBER),
                alt.Tooltip("perception_gap:Q", format="+.2f"),
            ],  # fmt: skip
        )
        .properties(height=alt.Step(20), autosize=FIT_WIDTH),
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


# --- empty states --------------------------------------------------------------------------

NO_SCORES = "No scores yet: this chart fills in as the room scores. Invite the room on the Workshop page."
SCORED = ("journey", "consistency", "quadrant", "weak_spots", "disagreement")  # charts of scores


def empty_reason(name: str, result: AuditResult) -> str | None:
    """Why chart `name` would be empty for this audit, and what to do; None when it has something to show."""
    table = result.touchpoints
    if table.empty:
        return _no_touchpoints(result)
    if name == "coverage_type" and table["type"].isna().all():
        return (
            "No touchpoint has a type (physical, digital or human), so the coverage by type is unknown. "
            "Add a Type on the Inventory page."
        )
    if name == "coverage_channel" and table["channel"].isna().all():
        return (
            "No touchpoint has a channel, so there is no stage x channel coverage to show. "
            "Add a Channel on the Inventory page."
        )
    if name in SCORED and not result.has_scores:
        return _no_scores(result)
    reason = _REASONS.get(name)
    return reason(result) if reason else None


def _no_touchpoints(result: AuditResult) -> str:
    if result.filters:
        return (
            f"No touchpoint matches the filters ({describe_filters(result.filters)}). "
            "Clear or widen a filter above to see the audit."
        )
    return (
        "This audit has no touchpoints yet. Import an inventory on the Import page, or add touchpoints "
        "on the Inventory page."
    )


def _no_scores(result: AuditResult) -> str:
    if result.filters:
        count, filters = len(result.touchpoints), describe_filters(result.filters)
        which = (
            f"The touchpoint that matches the filters ({filters}) is not"
            if count == 1
            else f"None of the {count} touchpoints that match the filters ({filters}) is"
        )
        return f"{which} scored yet. Widen the filters, or invite the room to score on the Workshop page."
    return NO_SCORES


def _consistency_reason(result: AuditResult) -> str | None:
    values = result.stages[["sd", "channel_spread"]].to_numpy(dtype="float64")
    if (values[~pd.isna(values)] == 0).all():
        return (
            "Nothing to compare yet: every stage's scored touchpoints agree exactly, or each stage has one scored "
            "touchpoint. Score more touchpoints per stage (and in more channels) to see the spread."
        )
    return None


def _weak_spots_reason(result: AuditResult) -> str | None:
    if result.weak_spots:
        return None
    return "No weak spot: every scored touchpoint has a composite of 3.0 or more and no criterion at 2.0 or lower."


def _disagreement_reason(result: AuditResult) -> str | None:
    assessors = result.assessors
    if len(assessors) < 2:
        return (
            "Disagreement needs two assessors on the same touchpoint; "
            f"{'only one assessor, ' + assessors[0] + ',' if assessors else 'nobody'} has scored so far. "
            "Invite the room on the Workshop page."
        )
    disagreement = _disagreement(result)["disagreement"]
    if disagreement.empty:
        return (
            f"Disagreement needs two assessors on the same touchpoint; the {len(assessors)} assessors have not "
            "scored any touchpoint in common yet."
        )
    if (disagreement == 0).all():
        return "No disagreement: on every touchpoint scored by two or more assessors, they gave the same scores."
    return None


def _perception_reason(result: AuditResult) -> str | None:
    table = result.touchpoints
    rated = table["customer_rating"].notna()
    if not rated.any():
        return (
            "No touchpoint has a customer rating, so there is nothing to set the team's scores against. "
            "Add a Customer rating on the Inventory page."
        )
    if table["perception_gap"].isna().all():
        count = int(rated.sum())
        return (
            f"{count} touchpoint{' has' if count == 1 else 's have'} a customer rating, but none of them is scored "
            "yet: the gap appears as the room scores them."
        )
    return None


_REASONS = {
    "consistency": _consistency_reason,
    "weak_spots": _weak_spots_reason,
    "disagreement": _disagreement_reason,
    "perception_gap": _perception_reason,
}
