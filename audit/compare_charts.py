"""Altair charts of a Comparison: dumbbells from the other audit's score to this one's, per stage
and per touchpoint of a stage. The Compare page, the workbook and the report draw the same specs."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from audit.compare import Comparison

CAPTIONS = {
    "stages": "Each stage's mean composite in both audits: the light dot is {before}, the dark or coloured one "
    "{after}. Green and red lines differ by more than the room's disagreement; grey ones may be noise.",
    "touchpoints": "Each matched touchpoint's composite in both audits, the same way: a grey line is a change "
    "within the room's disagreement on it.",
}
COLOURS = {
    "better": "#1e8449",
    "ahead": "#1e8449",
    "worse": "#c0392b",
    "behind": "#c0392b",
}  # a line within the noise (or unknown) is grey
GREY, LIGHT, DARK = "#95a5a6", "#c8ced3", "#34495e"  # the line, the earlier dot, this audit's dot


def caption(name: str, comparison: Comparison) -> str:
    """The sentence under a comparison chart, naming the two audits."""
    return CAPTIONS[name].format(before=comparison.before_label, after=comparison.after_label)


def empty_reason(comparison: Comparison) -> str | None:
    """Why the stage chart would be empty, and what to do; None when it has something to show."""
    if comparison.stages["composite_change"].notna().any():
        return None
    if comparison.unscored:
        return comparison.sentences()[0] + " Its scores come from a workshop (the Workshop page) or a score file."
    return "No stage has scored touchpoints in both audits, so there is no stage to compare yet."


def stages(comparison: Comparison) -> alt.Chart:
    """A dumbbell per stage, in journey order."""
    table = comparison.stages.dropna(subset=["composite_change"])
    return _dumbbell(table, "stage", comparison, table["stage"].tolist())


def touchpoints(comparison: Comparison, stage: str) -> alt.Chart:
    """A dumbbell per matched touchpoint of one stage, the largest changes first."""
    table = comparison.touchpoints[comparison.touchpoints["stage"] == stage].dropna(subset=["composite_change"])
    order = table.sort_values("composite_change", key=abs, ascending=False)["name"].tolist()
    return _dumbbell(table, "name", comparison, order)


def _dumbbell(table: pd.DataFrame, label: str, comparison: Comparison, order: list[str]) -> alt.Chart:
    data = table[[label, "composite_before", "composite_after", "composite_change", "noise", "movement"]].copy()
    data["colour"] = data["movement"].map(COLOURS).fillna(GREY)
    data["dot"] = data["movement"].map(COLOURS).fillna(DARK)
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(domain=[1, 5])
    tooltip: list[str | alt.Tooltip] = [
        f"{label}:N",
        alt.Tooltip("composite_before:Q", format=".2f", title=comparison.before_label),
        alt.Tooltip("composite_after:Q", format=".2f", title=comparison.after_label),
        alt.Tooltip("composite_change:Q", format="+.2f", title="change"),
        alt.Tooltip("noise:Q", format=".2f", title="noise"),
        "movement:N",
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    line = base.mark_rule(strokeWidth=3).encode(
        x=alt.X(
            "composite_before:Q",
            scale=x_scale,
            title="Mean composite (1-5)",
            axis=alt.Axis(format=".1f", values=[1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]),
        ),
        x2="composite_after:Q",
        color=alt.Color("colour:N", scale=None),
    )
    before = base.mark_circle(size=90, color=LIGHT, opacity=1).encode(x="composite_before:Q")
    after = base.mark_circle(size=110, opacity=1).encode(x="composite_after:Q", color=alt.Color("dot:N", scale=None))
    return cast(alt.Chart, (line + before + after).properties(height=alt.Step(28)))
