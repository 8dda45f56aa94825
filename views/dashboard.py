"""Dashboard: headline figures and the charts of coverage, consistency and weak spots."""

from __future__ import annotations

import streamlit as st

from audit import charts
from audit.metrics import compute_audit, filter_touchpoints
from ui import state

store, audit = state.store(), state.current_audit()
snapshot = store.snapshot(audit)  # one read of the audit for the whole page
info, touchpoints, scores = snapshot.info, snapshot.touchpoints, snapshot.scores
st.title(audit)

f1, f2, f3, f4 = st.columns(4)
chosen = {
    "stage": f1.multiselect("Stage", info.stage_order, key="dash_stage"),
    "channel": f2.multiselect("Channel", sorted(touchpoints["channel"].dropna().unique()), key="dash_channel"),
    "type": f3.multiselect("Type", ["physical", "digital", "human"], key="dash_type"),
    "owner": f4.multiselect("Owner", sorted(touchpoints["owner"].dropna().unique()), key="dash_owner"),
}
result = compute_audit(
    filter_touchpoints(touchpoints, chosen),
    scores,
    info.stage_order,
    info.weights,
    round1_scores=snapshot.round1_scores,
)

agreement = result.agreement
m = st.columns(6)
m[0].metric("Touchpoints", len(result.touchpoints))
m[1].metric("Scored", f"{result.coverage.scoring_share or 0:.0%}", help="Touchpoints with all three criteria scored")
m[2].metric("Mean composite", f"{result.mean_composite:.2f}" if result.mean_composite else "-", help="Out of 5")
m[3].metric(
    "Consistency",
    f"{result.overall_consistency:.0%}" if result.overall_consistency is not None else "-",
    help="1 - sd/2 within stages, weighted by scored touchpoints",
)
m[4].metric(
    "Agreement",
    f"{agreement.alpha:.2f} ({agreement.band})" if agreement.alpha is not None else "n/a",
    help=agreement.message,
)
m[5].metric("Weak spots", len(result.weak_spots))
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
if result.touchpoints["perception_gap"].notna().any():
    show("perception_gap", "Perception gap")
with st.expander("Coverage: stage x channel"):
    show("coverage_channel", "Stage x channel")

st.subheader("Weak spots, highest priority first")
weak = result.touchpoints.set_index("id").loc[result.weak_spots]
if weak.empty:
    st.caption(charts.empty_reason("weak_spots", result) or "No weak spot.")
else:
    st.dataframe(
        weak[["name", "stage", "channel", "owner", "composite", "priority", "quadrant", "reasons"]],
        key="weak_table",
        width="stretch",
        column_config={
            "composite": st.column_config.NumberColumn(format="%.2f"),
            "priority": st.column_config.NumberColumn(format="%.2f"),
        },
    )
if result.uncontrolled:
    st.caption(
        f"Uncontrolled touchpoints ({len(result.uncontrolled)}): monitor and respond rather than redesign: "
        + ", ".join(result.touchpoints.set_index("id").loc[result.uncontrolled, "name"])
    )
