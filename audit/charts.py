"""Altair charts of an AuditResult: data in, `alt.Chart` out, each with the sentence that explains it.

The pages show `chart` and `caption(name)` under it, or, where `empty_reason(name, result)`
has a sentence, that sentence instead of an empty frame; the tests check the specs.

Every word a chart shows is in the current language (audit.i18n): titles, tooltips, the
labels of codes (types, criteria, quadrants) and the numbers, which Vega writes with the
language's locale (`config.locale`). The data keep their codes; the words are added beside them.

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

from audit import i18n
from audit.i18n import N_, _, ngettext
from audit.metrics import (
    GAP,
    IMPORTANT,
    INCONSISTENT_SPREAD,
    PERCEPTION_GAP,
    QUADRANTS,
    STRONG,
    UNKNOWN,
    WEAK_COMPOSITE,
    WEAK_CRITERION,
    AuditResult,
    describe_filters,
    quadrant_names,
)
from audit.vocabulary import CRITERIA

# The sentence under each chart, translated and filled in by `caption(name)`.
CAPTIONS = {
    # TRANSLATORS: 'gap', '?' and 'Unknown' are what the chart writes: use the same words as the chart
    "coverage_type": N_(
        "How many touchpoints each stage has of each type. 'gap' marks a stage with no touchpoint of that type in "
        "the whole audit; '?' marks a type left unknown because some of the stage's touchpoints have no type "
        "(counted under 'Unknown')."
    ),
    "coverage_channel": N_(
        "How many touchpoints each stage has in each channel; empty cells show where a channel is absent from a stage."
    ),
    "journey": N_(
        "The mean composite of each stage's scored touchpoints (thick line), with one line per criterion: where "
        "the curve dips, the journey is weak."
    ),
    # TRANSLATORS: {spread} is a number of points on the 1-5 scale ("1.5")
    "consistency": N_(
        "The spread of composites within each stage (sd) and between its best and worst channel; a channel "
        "spread of {spread} or more marks the stage inconsistent (red)."
    ),
    "weak_spots": N_("Weak touchpoints ranked by priority = importance x (5 - composite)."),
    # TRANSLATORS: {important} and {strong} are scores on the 1-5 scale ("3")
    "quadrant": N_(
        "Importance against composite: importance {important}+ counts as important, a composite of {strong}+ as "
        "strong. Top left is where to concentrate."
    ),
    "disagreement": N_(
        "How far the assessors disagree on each touchpoint (the largest sd of its criteria); orange bars are "
        "flagged 'discuss' (scores 2 or more points apart)."
    ),
    # TRANSLATORS: {gap} is a signed number of points ("+1")
    "perception_gap": N_(
        "Team composite minus customer rating; {gap} or more (red) means the team rates the touchpoint higher "
        "than its customers do."
    ),
}
STAGE_TITLE = N_("Journey stage")
LABEL_LIMIT = 220  # px a touchpoint or stage name may take on an axis before Vega cuts it
STAGE_LABEL_ANGLE = -30  # slanted names do not overlap: their lines stack perpendicular to the text
STEEP_LABEL_ANGLE = -45  # for more than MANY_STAGES stages, whose bands are narrow on a phone
MANY_STAGES = 8
SHORT_COLUMN = 10  # characters a heatmap's column name may have and still stand level
STAGE_LINE = 16  # characters per line of a wrapped stage name
NUMBER = ".1~f"  # axis numbers: one decimal at most, none when whole ("2", "0.5"), never "0.000000"
SCALE_TICKS = [1, 2, 3, 4, 5]
QUADRANT_COLOURS = {  # by the QUADRANTS key (important, strong): the names are the current language's
    (True, False): "#c0392b",
    (True, True): "#27ae60",
    (False, False): "#7f8c8d",
    (False, True): "#2980b9",
}
GAP_COLOUR, UNKNOWN_COLOUR, UNKNOWN_FILL = "#c0392b", "#6b7280", "#eef0f3"
# The width fits the page's column; the height is the plot's own, so slanted stage names and a
# legend below add to it rather than squeeze the plot (Streamlit's default "fit" does both).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


# What a person can do in the app, said after a caption or an empty chart's reason; a deck (deck=True)
# leaves it out: a client's slide has no pages, filters or pointer.
HOVER = N_("Hover a bar for the reason.")
ADD_TYPE = N_("Add a Type on the Inventory page.")
ADD_CHANNEL = N_("Add a Channel on the Inventory page.")
ADD_RATING = N_("Add a Customer rating on the Inventory page.")
ADD_TOUCHPOINTS = N_("Import an inventory on the Import page, or add touchpoints on the Inventory page.")
INVITE = N_("Invite the room on the Workshop page.")


def caption(name: str, *, deck: bool = False) -> str:
    """The sentence under chart `name`, in the current language, with its thresholds written in."""
    sentence = _(CAPTIONS[name]).format(
        spread=_short(INCONSISTENT_SPREAD),
        important=_short(IMPORTANT),
        strong=_short(STRONG),
        gap=i18n.signed(PERCEPTION_GAP, _digits(PERCEPTION_GAP)),
    )
    return _then(sentence, HOVER if name == "weak_spots" else None, deck)


def _then(sentence: str, todo: str | None, deck: bool) -> str:
    """The sentence, then what to do in the app (not in a deck)."""
    return sentence if deck or todo is None else f"{sentence} {_(todo)}"


def _short(value: float) -> str:
    """A threshold as the language writes it, without a needless ".0" ("3", "1.5")."""
    return i18n.number(value, _digits(value))


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def localized(chart: alt.Chart) -> alt.Chart:
    """The chart with the language's number locale: axes and tooltips write "0,5" in Russian, Persian digits in
    Persian."""
    return cast(alt.Chart, chart.configure(locale=i18n.vega_locale()))


def _yes_no(flags: pd.Series) -> pd.Series:
    """True and False as a tooltip says them."""
    # TRANSLATORS: a tooltip's answer: whether a stage is inconsistent, or a touchpoint flagged for discussion
    yes = _("yes")
    # TRANSLATORS: a tooltip's answer: whether a stage is inconsistent, or a touchpoint flagged for discussion
    no = _("no")
    return flags.map({True: yes, False: no}).astype("object")


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
    return alt.X("name:N", sort=stages, scale=alt.Scale(domain=stages), title=_(STAGE_TITLE), axis=axis)


def _name_y() -> alt.Y:
    """Touchpoint names down the side of a bar chart, the longest bar first."""
    return alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT, labelFlush=False))


def _tip(field: str, title: str, number_format: str | None = None) -> alt.Tooltip:
    """A tooltip line titled in words: "Touchpoint", not the field's name."""
    if number_format is None:
        return alt.Tooltip(field, title=title)
    return alt.Tooltip(field, title=title, format=number_format)


def _touchpoint_tip() -> alt.Tooltip:
    return _tip("name:N", _("Touchpoint"))


def _stage_tip(field: str = "stage:N") -> alt.Tooltip:
    return _tip(field, _("Stage"))


def _bar_axis(number_format: str) -> alt.Axis:
    """The value axis of a horizontal bar chart: its title ends at the plot's right edge and runs left
    under the names, so a title wider than a phone's plot is not cut."""
    return alt.Axis(format=number_format, titleAnchor="end")


def _domain(values: pd.Series, *, least: float, low: float = 0.0) -> list[float]:
    """A zero-based (or `low`-based) domain reaching the largest value, and at least `least`."""
    top = values.max() if len(values) else least
    bottom = values.min() if len(values) else low
    return [min(low, math.floor(bottom * 2) / 2), max(least, math.ceil(top * 2) / 2)]


def _legend_below(title: str, columns: int = 2) -> alt.Legend:
    """A legend under the plot, its labels whole (a Russian "ст. откл. сводных оценок" is long)."""
    return alt.Legend(title=title or None, orient="bottom", direction="horizontal", columns=columns, labelLimit=0)


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
    # TRANSLATORS: written in a cell of the coverage heatmap: the stage has no touchpoint of this type
    labels = {GAP: _("gap"), UNKNOWN: "?"}
    data["label"] = [
        i18n.integer(n) if n else labels.get(state, "")
        for n, state in zip(data["touchpoints"], data["state"], strict=True)
    ]
    data["shown"] = data["type"].map(i18n.label)  # the type's label; "type" keeps the code
    columns = [i18n.label(str(kind)) for kind in matrix.columns]
    return localized(_heatmap(data, "type", columns, _stages(result), _("Touchpoint type")))


def coverage_channel(result: AuditResult) -> alt.Chart:
    """Heatmap stage x channel."""
    matrix = result.coverage.channel_matrix
    data = _melt(matrix, "channel")
    data["state"] = ""
    data["label"] = data["touchpoints"].map(lambda n: "" if n == 0 else i18n.integer(n))
    data["shown"] = data["channel"]  # a channel is the user's word: shown as it is
    return localized(_heatmap(data, "channel", [str(c) for c in matrix.columns], _stages(result), _("Channel")))


def _melt(matrix: pd.DataFrame, column: str) -> pd.DataFrame:
    return matrix.reset_index(names="stage").melt(id_vars="stage", var_name=column, value_name="touchpoints")


def _column_angle(columns: list[str]) -> int:
    """How far to slant the names along the top of a heatmap: level for a few short ones, slanted for
    longer ones ("Человеческая"), upright for many, so none overlaps on a phone."""
    count, longest = len(columns), max((len(str(c)) for c in columns), default=0)
    if count <= 4 and longest <= SHORT_COLUMN:
        return 0
    return STEEP_LABEL_ANGLE if count <= MANY_STAGES else -90


def _heatmap(data: pd.DataFrame, column: str, columns: list[str], stages: list[str], title: str) -> alt.Chart:
    """Counts of stages x `column`, with the labels the data carries; the 'unknown' column greyed.

    Along the top, each value of `column` as the data's "shown" column writes it (`columns`, in order).
    """
    # TRANSLATORS: in a heatmap's tooltip: a stage with no touchpoint of a type, or a type left unknown
    states = {GAP: _("gap"), UNKNOWN: _("unknown")}
    data = data.assign(
        greyed=data[column].eq(UNKNOWN) & (column == "type"), state_shown=data["state"].map(states).fillna("")
    )
    base = alt.Chart(data).encode(
        x=alt.X(
            "shown:N",
            sort=columns,
            title=title,
            axis=alt.Axis(
                orient="top",
                labelAngle=_column_angle(columns),
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
        tooltip=[
            _stage_tip(),
            _tip("shown:N", title),
            _tip("touchpoints:Q", _("Touchpoints"), "d"),
            # TRANSLATORS: a tooltip's title: whether a heatmap cell is a gap, or unknown
            _tip("state_shown:N", _("Coverage")),
        ],
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
    data["measure_shown"] = data["measure"].map(i18n.label)  # "measure" keeps the code
    order = [i18n.label(m) for m in ("composite", *CRITERIA)]
    return localized(
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_stage_x(_stages(result)),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(domain=[1, 5]),
                title=_("Mean score (1-5)"),
                axis=alt.Axis(values=SCALE_TICKS, format="d"),
            ),
            color=alt.Color("measure_shown:N", sort=order, legend=_legend_below("")),
            strokeWidth=alt.condition(alt.datum.measure == "composite", alt.value(4), alt.value(1.5)),
            tooltip=[
                _stage_tip("name:N"),
                # TRANSLATORS: a tooltip's title: which line of the chart (Composite or a criterion)
                _tip("measure_shown:N", _("Measure")),
                _tip("value:Q", _("Mean score"), ".2f"),
            ],
        )
        .properties(height=300, autosize=FIT_WIDTH),
    )


def consistency(result: AuditResult) -> alt.Chart:
    """sd and channel spread per stage; inconsistent stages in red."""
    data = result.stages[["name", "sd", "channel_spread", "inconsistent"]].melt(
        id_vars=["name", "inconsistent"], var_name="measure"
    )
    data = data.dropna(subset=["value"])
    # TRANSLATORS: two bars of the consistency chart: the sd of a stage's composites, and its channel spread
    measures = {"sd": _("sd of composites"), "channel_spread": _("channel spread")}
    data["measure"] = data["measure"].map(measures)
    data["inconsistent_shown"] = _yes_no(data["inconsistent"])
    order = list(measures.values())  # the same bar and colour for each measure in every language
    return localized(
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_stage_x(_stages(result)),
            xOffset=alt.XOffset("measure:N", sort=order),
            y=alt.Y(
                "value:Q",
                title=_("Points on the 1-5 scale"),
                scale=alt.Scale(domain=_domain(data["value"], least=1.0)),
                axis=alt.Axis(format=NUMBER),
            ),
            color=alt.condition(
                alt.datum.inconsistent,
                alt.value("#c0392b"),
                alt.Color("measure:N", sort=order, scale=alt.Scale(domain=order), legend=_legend_below("", columns=1)),
            ),
            tooltip=[
                _stage_tip("name:N"),
                # TRANSLATORS: a tooltip's title: which bar of the chart (sd of composites or channel spread)
                _tip("measure:N", _("Measure")),
                # TRANSLATORS: a tooltip's title: points on the 1-5 scale
                _tip("value:Q", _("Points"), ".2f"),
                _tip("inconsistent_shown:N", _("Inconsistent")),
            ],
        )
        .properties(height=280, autosize=FIT_WIDTH),
    )


# --- touchpoints ---------------------------------------------------------------------------


def weak_spots(result: AuditResult, limit: int = 15) -> alt.Chart:
    """Weak touchpoints by priority, the reason on hover."""
    table = result.touchpoints.set_index("id").loc[result.weak_spots[:limit]].reset_index()
    data = table[["id", "name", "stage", "priority", "composite", "reasons"]]
    return localized(
        alt.Chart(data)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X(
                "priority:Q",
                title=_("Priority = importance x (5 - composite)"),
                scale=alt.Scale(domain=_domain(data["priority"], least=1.0)),
                axis=_bar_axis(NUMBER),
            ),
            y=_name_y(),
            tooltip=[
                _touchpoint_tip(),
                _stage_tip(),
                _tip("composite:Q", i18n.label("composite"), ".2f"),
                _tip("priority:Q", _("Priority"), ".2f"),
                _tip("reasons:N", _("Why it is weak")),
            ],  # fmt: skip
        )
        .properties(height=alt.Step(20), autosize=FIT_WIDTH),
    )


Corner = tuple[tuple[bool, bool], float, float, Literal["left", "right"], Literal["top", "bottom"]]
# (QUADRANTS key, x, y, align, baseline): each quadrant named inside its corner, clear of the axes and the points
QUADRANT_LABELS: list[Corner] = [
    ((True, False), 1.0, 5.5, "left", "top"),
    ((True, True), 5.0, 5.5, "right", "top"),
    ((False, False), 1.0, 0.5, "left", "bottom"),
    ((False, True), 5.0, 0.5, "right", "bottom"),
]


def quadrant(result: AuditResult) -> alt.Chart:
    """Importance-performance scatter; the quadrants named in their corners, in their points' colours."""
    data = result.touchpoints[result.touchpoints["scored"]][["name", "stage", "importance", "composite"]]
    data = data.assign(quadrant=quadrant_names(data["importance"], data["composite"]))  # in this chart's language
    colour = alt.Scale(domain=[_(QUADRANTS[key]) for key in QUADRANT_COLOURS], range=list(QUADRANT_COLOURS.values()))
    x = alt.X(
        "composite:Q",
        scale=alt.Scale(domain=[1, 5]),
        title=_("Performance (composite)"),
        axis=alt.Axis(values=SCALE_TICKS, format="d"),
    )
    y = alt.Y(
        "importance:Q",
        scale=alt.Scale(domain=[0.5, 5.5]),
        title=_("Importance"),
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
                _touchpoint_tip(),
                _stage_tip(),
                _tip("quadrant:N", _("Quadrant")),
                _tip("composite:Q", i18n.label("composite"), ".2f"),
                _tip("importance:Q", _("Importance"), ".0f"),
            ],  # fmt: skip
        )
    )
    rules = alt.Chart(pd.DataFrame({"x": [STRONG]})).mark_rule(strokeDash=[4, 4], color="#888").encode(
        x="x:Q"
    ) + alt.Chart(pd.DataFrame({"y": [IMPORTANT - 0.5]})).mark_rule(strokeDash=[4, 4], color="#888").encode(y="y:Q")
    text = alt.layer(
        *(
            alt.Chart(pd.DataFrame({"label": [_(QUADRANTS[key])], "x": [x], "y": [y]}))
            .mark_text(
                fontWeight="bold",
                fontSize=11,
                align=align,
                baseline=baseline,
                dx=4 if align == "left" else -4,
                dy=4 if baseline == "top" else -4,
            )
            .encode(x="x:Q", y="y:Q", text="label:N", color=alt.Color("label:N", scale=colour, legend=None))
            for key, x, y, align, baseline in QUADRANT_LABELS
        )
    )
    return localized(cast(alt.Chart, (points + rules + text).properties(height=380, autosize=FIT_WIDTH)))


def disagreement(result: AuditResult, limit: int = 20) -> alt.Chart:
    """Largest criterion sd per touchpoint, 'discuss' ones highlighted."""
    data = _disagreement(result).nlargest(limit, "disagreement")[["name", "stage", "disagreement", "discuss"]]
    data = data.assign(discuss_shown=_yes_no(data["discuss"].astype(bool)))
    return localized(
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "disagreement:Q",
                title=_("Largest sd of the assessors' scores"),
                scale=alt.Scale(domain=_domain(data["disagreement"], least=1.0)),
                axis=_bar_axis(NUMBER),
            ),
            y=_name_y(),
            color=alt.condition(alt.datum.discuss, alt.value("#e67e22"), alt.value("#95a5a6")),
            tooltip=[
                _touchpoint_tip(),
                _stage_tip(),
                _tip("disagreement:Q", _("Largest sd"), ".2f"),
                # TRANSLATORS: a tooltip's title: whether the touchpoint is flagged for discussion (yes/no)
                _tip("discuss_shown:N", _("Discuss")),
            ],
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
    return localized(
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "perception_gap:Q",
                title=_("Team composite - customer rating"),
                scale=alt.Scale(domain=_domain(data["perception_gap"], least=PERCEPTION_GAP, low=-PERCEPTION_GAP)),
                axis=_bar_axis("+" + NUMBER),
            ),
            y=_name_y(),
            color=alt.condition(alt.datum.perception_flag, alt.value("#c0392b"), alt.value("#5d6d7e")),
            tooltip=[
                _touchpoint_tip(),
                _stage_tip(),
                _tip("composite:Q", i18n.label("composite"), ".2f"),
                _tip("customer_rating:Q", _("Customer rating"), NUMBER),
                _tip("perception_gap:Q", _("Perception gap"), "+.2f"),
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

NO_SCORES = N_("No scores yet: this chart fills in as the room scores.")
SCORED = ("journey", "consistency", "quadrant", "weak_spots", "disagreement")  # charts of scores


def empty_reason(name: str, result: AuditResult, *, deck: bool = False) -> str | None:
    """Why chart `name` would be empty for this audit, and what to do in the app (not with deck=True), in
    the current language; None when it has something to show."""
    table = result.touchpoints
    if table.empty:
        return _no_touchpoints(result, deck)
    if name == "coverage_type" and table["type"].isna().all():
        why = _("No touchpoint has a type (physical, digital or human), so the coverage by type is unknown.")
        return _then(why, ADD_TYPE, deck)
    if name == "coverage_channel" and table["channel"].isna().all():
        why = _("No touchpoint has a channel, so there is no stage x channel coverage to show.")
        return _then(why, ADD_CHANNEL, deck)
    if name in SCORED and not result.has_scores:
        return _no_scores(result, deck)
    reason = _REASONS.get(name)
    return reason(result, deck) if reason else None


def _no_touchpoints(result: AuditResult, deck: bool) -> str:
    if result.filters:
        # TRANSLATORS: {filters} says what the dashboard is filtered by ("channel Phone; owner Care")
        return _(
            "No touchpoint matches the filters ({filters}). Clear or widen a filter above to see the audit."
        ).format(filters=describe_filters(result.filters))
    return _then(_("This audit has no touchpoints yet."), ADD_TOUCHPOINTS, deck)


def _no_scores(result: AuditResult, deck: bool) -> str:
    if result.filters:
        count, filters = len(result.touchpoints), describe_filters(result.filters)
        if count == 1:
            # TRANSLATORS: {filters} says what the dashboard is filtered by ("channel Phone; owner Care")
            sentence = _(
                "The touchpoint that matches the filters ({filters}) is not scored yet. Widen the filters, or "
                "invite the room to score on the Workshop page."
            )
        else:  # two or more: the singular is there for the languages whose plural forms need it
            # TRANSLATORS: {filters} says what the dashboard is filtered by ("channel Phone; owner Care")
            sentence = ngettext(
                "None of the {n} touchpoint that matches the filters ({filters}) is scored yet. Widen the filters, "
                "or invite the room to score on the Workshop page.",
                "None of the {n} touchpoints that match the filters ({filters}) is scored yet. Widen the filters, "
                "or invite the room to score on the Workshop page.",
                count,
            )
        return sentence.format(n=i18n.integer(count), filters=filters)
    return _then(_(NO_SCORES), INVITE, deck)


def _consistency_reason(result: AuditResult, deck: bool) -> str | None:
    values = result.stages[["sd", "channel_spread"]].to_numpy(dtype="float64")
    if (values[~pd.isna(values)] == 0).all():
        return _(
            "Nothing to compare yet: every stage's scored touchpoints agree exactly, or each stage has one scored "
            "touchpoint. Score more touchpoints per stage (and in more channels) to see the spread."
        )
    return None


def _weak_spots_reason(result: AuditResult, deck: bool) -> str | None:
    if result.weak_spots:
        return None
    return _(
        "No weak spot: every scored touchpoint has a composite of {composite} or more and no criterion at "
        "{criterion} or lower."
    ).format(composite=i18n.number(WEAK_COMPOSITE, 1), criterion=i18n.number(WEAK_CRITERION, 1))


def _disagreement_reason(result: AuditResult, deck: bool) -> str | None:
    assessors = result.assessors
    if len(assessors) == 1:
        # TRANSLATORS: {assessor} is the name of the one person who has scored
        why = _(
            "Disagreement needs two assessors on the same touchpoint; only one assessor, {assessor}, has scored so far."
        ).format(assessor=assessors[0])
        return _then(why, INVITE, deck)
    if not assessors:
        why = _("Disagreement needs two assessors on the same touchpoint; nobody has scored so far.")
        return _then(why, INVITE, deck)
    disagreement = _disagreement(result)["disagreement"]
    if disagreement.empty:  # two assessors or more: the singular is there for the languages that need it
        return ngettext(
            "Disagreement needs two assessors on the same touchpoint; the {n} assessor has not scored any "
            "touchpoint in common yet.",
            "Disagreement needs two assessors on the same touchpoint; the {n} assessors have not scored any "
            "touchpoint in common yet.",
            len(assessors),
        ).format(n=i18n.integer(len(assessors)))
    if (disagreement == 0).all():
        return _("No disagreement: on every touchpoint scored by two or more assessors, they gave the same scores.")
    return None


def _perception_reason(result: AuditResult, deck: bool) -> str | None:
    table = result.touchpoints
    rated = table["customer_rating"].notna()
    if not rated.any():
        why = _("No touchpoint has a customer rating, so there is nothing to set the team's scores against.")
        return _then(why, ADD_RATING, deck)
    if table["perception_gap"].isna().all():
        count = int(rated.sum())
        return ngettext(
            "{n} touchpoint has a customer rating, but it is not scored yet: the gap appears as the room scores it.",
            "{n} touchpoints have a customer rating, but none of them is scored yet: the gap appears as the room "
            "scores them.",
            count,
        ).format(n=i18n.integer(count))
    return None


_REASONS = {
    "consistency": _consistency_reason,
    "weak_spots": _weak_spots_reason,
    "disagreement": _disagreement_reason,
    "perception_gap": _perception_reason,
}
