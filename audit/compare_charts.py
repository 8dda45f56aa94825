"""Altair charts of a Comparison: dumbbells from the other audit's score to this one's, per stage
and per touchpoint of a stage. The Compare page, the workbook and the report draw the same specs.

Titles, tooltips and captions are in the current language (audit.i18n), and Vega writes the
numbers with the language's locale (`config.locale`).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from audit.charts import localized
from audit.compare import Comparison
from audit.i18n import N_, _

# The sentence under each chart, translated and filled in by `caption`.
CAPTIONS = {
    # TRANSLATORS: {before} and {after} are the names of the two audits
    "stages": N_(
        "Each stage's mean composite in both audits: the light dot is {before}, the dark or coloured one {after}. "
        "Green and red lines differ by more than the room's disagreement; grey ones may be noise."
    ),
    "touchpoints": N_(
        "Each matched touchpoint's composite in both audits, the same way: a grey line is a change within the "
        "room's disagreement on it."
    ),
}
BETTER, WORSE = "#1e8449", "#c0392b"  # a change beyond the noise, up or down; within the noise (or unknown) grey
GREY, LIGHT, DARK = "#95a5a6", "#c8ced3", "#34495e"  # the line, the earlier dot, this audit's dot


def caption(name: str, comparison: Comparison) -> str:
    """The sentence under a comparison chart, naming the two audits, in the current language."""
    return _(CAPTIONS[name]).format(before=comparison.before_label, after=comparison.after_label)


def empty_reason(comparison: Comparison) -> str | None:
    """Why the stage chart would be empty, and what to do; None when it has something to show."""
    if comparison.stages["composite_change"].notna().any():
        return None
    if comparison.unscored:
        how = _("Its scores come from a workshop (the Workshop page) or a score file.")
        return f"{comparison.sentences()[0]} {how}"
    return _("No stage has scored touchpoints in both audits, so there is no stage to compare yet.")


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
    # Beyond the noise, green up and red down; the colour follows the numbers, not the movement's words.
    beyond = table["beyond_noise"].eq(True).to_numpy()
    change = data["composite_change"].to_numpy(dtype="float64")
    moved = np.where(beyond & (change > 0), BETTER, np.where(beyond & (change < 0), WORSE, ""))
    data["colour"] = np.where(moved == "", GREY, moved)
    data["dot"] = np.where(moved == "", DARK, moved)
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(domain=[1, 5])
    tooltip: list[str | alt.Tooltip] = [
        alt.Tooltip(f"{label}:N", title=_("Stage") if label == "stage" else _("Touchpoint")),
        alt.Tooltip("composite_before:Q", format=".2f", title=comparison.before_label),
        alt.Tooltip("composite_after:Q", format=".2f", title=comparison.after_label),
        alt.Tooltip("composite_change:Q", format="+.2f", title=comparison.words["change"]),
        # TRANSLATORS: a tooltip's title: the room's disagreement, below which a change may be noise
        alt.Tooltip("noise:Q", format=".2f", title=_("noise")),
        alt.Tooltip("movement:N", title=_("Movement")),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    line = base.mark_rule(strokeWidth=3).encode(
        x=alt.X(
            "composite_before:Q",
            scale=x_scale,
            title=_("Mean composite (1-5)"),
            axis=alt.Axis(format=".1f", values=[1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]),
        ),
        x2="composite_after:Q",
        color=alt.Color("colour:N", scale=None),
    )
    before = base.mark_circle(size=90, color=LIGHT, opacity=1).encode(x="composite_before:Q")
    after = base.mark_circle(size=110, opacity=1).encode(x="composite_after:Q", color=alt.Color("dot:N", scale=None))
    chart = (line + before + after).properties(height=alt.Step(28))
    return localized(chart)
