"""Dashboard: headline figures and the charts of coverage, consistency and weak spots."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import charts
from audit.metrics import describe_filters, filtered_audit, headline
from audit.vocabulary import TYPES
from ui import state

BAND_COLOURS = {"reliable": "green", "tentative": "orange", "low": "red"}

store, audit = state.store(), state.current_audit()
snapshot = store.snapshot(audit)  # one read of the audit for the whole page
info, touchpoints, scores = snapshot.info, snapshot.touchpoints, snapshot.scores
st.title(audit)

f1, f2, f3, f4 = st.columns(4)
chosen = {
    "stage": f1.multiselect("Stage", info.stage_order, key="dash_stage"),
    "channel": f2.multiselect("Channel", sorted(touchpoints["channel"].dropna().unique()), key="dash_channel"),
    "type": f3.multiselect("Type", list(TYPES), key="dash_type"),
    "owner": f4.multiselect("Owner", sorted(touchpoints["owner"].dropna().unique()), key="dash_owner"),
}
result = filtered_audit(
    touchpoints, scores, info.stage_order, info.weights, chosen, round1_scores=snapshot.round1_scores
)
if result.filters:
    judged = "every touchpoint of the stages shown" if chosen["stage"] else "the whole audit"
    st.caption(
        f"Showing {len(result.touchpoints)} of {len(touchpoints)} touchpoints ({describe_filters(result.filters)}). "
        f"Coverage gaps are judged on {judged}: a stage or type the filters hide is not called a gap."
    )

for column, figure in zip(st.columns(6), headline(result), strict=True):
    column.metric(
        figure.label,
        figure.value,
        figure.band,
        delta_color=BAND_COLOURS.get(figure.band or "", "off"),
        delta_arrow="off",
        help=figure.help,
    )
agreement = result.agreement
st.caption(agreement.message)
if result.round1_agreement is not None:
    before = result.round1_agreement
    st.caption(
        f"Round 1, before the discussion: alpha "
        f"{f'{before.alpha:.2f} ({before.band})' if before.alpha is not None else 'not computed'}; "
        "the figure above is after round 2."
    )

findings = [f.message for f in result.findings if f.code != "weak_spot"]
if findings:
    with st.expander(f"Findings ({len(findings)})", expanded=True):
        st.markdown("\n".join(f"- {f}" for f in findings))


def show(name: str, title: str) -> None:
    st.subheader(title)
    reason = charts.empty_reason(name, result)
    if reason:
        st.info(reason)
        return
    st.altair_chart(charts.CHARTS[name](result), width="stretch")
    st.caption(charts.CAPTIONS[name])


left, right = st.columns(2)
with left:
    show("journey", "The journey")
with right:
    show("coverage_type", "Coverage: stage x type")
left, right = st.columns(2)
with left:
    show("weak_spots", "Weak spots")
with right:
    show("quadrant", "Importance and performance")
left, right = st.columns(2)
with left:
    show("consistency", "Consistency per stage")
with right:
    show("disagreement", "Where assessors disagree")
show("perception_gap", "Perception gap")
with st.expander("Coverage: stage x channel"):
    show("coverage_channel", "Stage x channel")

st.subheader("Weak spots, highest priority first")
weak = result.touchpoints.set_index("id").loc[result.weak_spots]
if not result.has_scores:
    st.caption("Listed here, with the reason for each, once the room has scored.")
elif weak.empty:
    st.caption(charts.empty_reason("weak_spots", result))
else:  # a table wraps its cells: every reason is read whole, and four columns fit a phone
    reasons = weak["reasons"].str.removeprefix("Weak: ")
    where = weak["stage"].astype(str) + weak["owner"].map(lambda owner: f"; {owner}" if isinstance(owner, str) else "")
    st.table(
        pd.DataFrame(
            {
                "Touchpoint": weak["name"] + " (" + where + ")",
                "Priority": weak["priority"].map("{:.2f}".format),
                "Composite": weak["composite"].map("{:.2f}".format),
                "Why it is weak": reasons.str[:1].str.upper() + reasons.str[1:],
            }
        ),
        hide_index=True,
    )
if result.uncontrolled:
    st.caption(
        f"Uncontrolled touchpoints ({len(result.uncontrolled)}): monitor and respond rather than redesign: "
        + ", ".join(result.touchpoints.set_index("id").loc[result.uncontrolled, "name"])
    )
