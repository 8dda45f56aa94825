"""Dashboard: headline figures and the charts of coverage, consistency and weak spots."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import charts, i18n
from audit.i18n import _, ngettext
from audit.metrics import WEAK_REASONS, describe_filters, filtered_audit, headline
from audit.vocabulary import TYPES
from ui import state, tables

BAND_COLOURS = {"reliable": "green", "tentative": "orange", "low": "red"}

store, audit = state.store(), state.current_audit()
snapshot = store.snapshot(audit)  # one read of the audit for the whole page
info, touchpoints, scores = snapshot.info, snapshot.touchpoints, snapshot.scores
st.title(audit)

f1, f2, f3, f4 = st.columns(4)
# TRANSLATORS: the placeholder of an empty dashboard filter, which keeps every touchpoint
every = _("All")
chosen = {
    "stage": f1.multiselect(_("Stage"), info.stage_order, key="dash_stage", placeholder=every),
    "channel": f2.multiselect(
        _("Channel"), sorted(touchpoints["channel"].dropna().unique()), key="dash_channel", placeholder=every
    ),
    "type": f3.multiselect(_("Type"), list(TYPES), format_func=i18n.label, key="dash_type", placeholder=every),
    "owner": f4.multiselect(
        _("Owner"), sorted(touchpoints["owner"].dropna().unique()), key="dash_owner", placeholder=every
    ),
}
result = filtered_audit(
    touchpoints, scores, info.stage_order, info.weights, chosen, round1_scores=snapshot.round1_scores
)
if result.filters:
    showing = ngettext(
        "Showing {shown} of {n} touchpoint ({filters}).", "Showing {shown} of {n} touchpoints ({filters}).",
        len(touchpoints),
    ).format(shown=i18n.integer(len(result.touchpoints)), n=i18n.integer(len(touchpoints)),
             filters=describe_filters(result.filters))  # fmt: skip
    judged = (
        _("Coverage gaps are judged on every touchpoint of the stages shown: a stage or type the filters hide is "
          "not called a gap.")
        if chosen["stage"]
        else _("Coverage gaps are judged on the whole audit: a stage or type the filters hide is not called a gap.")
    )  # fmt: skip
    st.caption(f"{showing} {judged}")

for column, figure in zip(st.columns(6), headline(result), strict=True):
    column.metric(
        figure.label,
        figure.value,
        None if figure.band is None else i18n.label(figure.band),
        delta_color=BAND_COLOURS.get(figure.band or "", "off"),
        delta_arrow="off",
        help=figure.help,
    )
agreement = result.agreement
st.caption(agreement.message)
if result.round1_agreement is not None:
    before = result.round1_agreement
    st.caption(
        _("Round 1, before the discussion: alpha {alpha} ({band}); the figure above is after round 2.").format(
            alpha=i18n.number(before.alpha), band=i18n.label(before.band or "")
        )
        if before.alpha is not None
        else _("Round 1, before the discussion: alpha not computed; the figure above is after round 2.")
    )

findings = [f.message for f in result.findings if f.code != "weak_spot"]
if findings:
    with st.expander(_("Findings ({n})").format(n=i18n.integer(len(findings))), expanded=True):
        st.markdown("\n".join(f"- {f}" for f in findings))


def show(name: str, title: str) -> None:
    st.subheader(title)
    reason = charts.empty_reason(name, result)
    if reason:
        st.info(reason)
        return
    st.altair_chart(charts.CHARTS[name](result), width="stretch")
    st.caption(charts.caption(name))


left, right = st.columns(2)
with left:
    show("journey", _("The journey"))
with right:
    show("coverage_type", _("Coverage: stage x type"))
left, right = st.columns(2)
with left:
    show("weak_spots", _("Weak spots"))
with right:
    show("quadrant", _("Importance and performance"))
left, right = st.columns(2)
with left:
    show("consistency", _("Consistency per stage"))
with right:
    show("disagreement", _("Where assessors disagree"))
show("perception_gap", _("Perception gap"))
with st.expander(_("Coverage: stage x channel")):
    show("coverage_channel", _("Stage x channel"))

st.subheader(_("Weak spots, highest priority first"))
weak = result.touchpoints.set_index("id").loc[result.weak_spots]
if not result.has_scores:
    st.caption(_("Listed here, with the reason for each, once the room has scored."))
elif weak.empty:
    st.caption(charts.empty_reason("weak_spots", result))
else:  # a table wraps its cells: every reason is read whole, and four columns fit a phone
    reasons = weak["reasons"].str.removeprefix(_(WEAK_REASONS).split("{reasons}", 1)[0])  # "Weak: " goes
    where = weak["stage"].astype(str) + weak["owner"].map(lambda owner: f"; {owner}" if isinstance(owner, str) else "")
    st.table(
        tables.escaped(
            pd.DataFrame(
                {
                    _("Touchpoint"): weak["name"] + " (" + where + ")",
                    _("Priority"): weak["priority"].map(i18n.number),
                    i18n.label("composite"): weak["composite"].map(i18n.number),
                    _("Why it is weak"): reasons.str[:1].str.upper() + reasons.str[1:],
                }
            )
        ),
        hide_index=True,
    )
if result.uncontrolled:
    st.caption(
        _("Uncontrolled touchpoints ({n}): monitor and respond rather than redesign: {names}").format(
            n=i18n.integer(len(result.uncontrolled)),
            names=i18n.join(result.touchpoints.set_index("id").loc[result.uncontrolled, "name"]),
        )
    )
