"""Compare: the open audit against its baseline (an earlier audit of the journey) or a competitor's."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from audit import compare_charts
from audit.access import Action
from audit.compare import Kind, compare_with
from audit.store import StoreError
from ui import state


def two_decimals(table: pd.DataFrame) -> dict[str, Any]:
    """Scores with two decimals, changes with their sign."""
    return {
        column: st.column_config.NumberColumn(format="%+.2f" if column.endswith(("change", "difference")) else "%.2f")
        for column in table.columns
        if table[column].dtype == "float64"
    }


store, audit, actor = state.store(), state.current_audit(), state.actor()
st.title("Compare")
info = store.check(actor, audit)  # read access, checked on the server
others = [name for name in store.roles(actor) if name != audit]
if not others:
    st.info(
        "There is no other audit to compare with. Import last quarter's workbook (or a competitor's audit, "
        "scored with the same method) as a new audit on the Import page, then come back."
    )
    st.stop()

KINDS = {Kind.BASELINE: "An earlier audit of this journey (baseline)", Kind.COMPETITOR: "A competitor's audit"}
left, right = st.columns([3, 2])
default = others.index(info.compared_with) if info.compared_with in others else None
other = left.selectbox("Compare with", others, index=default, key="compare_with", placeholder="Choose an audit")
kind = right.radio(
    "It is",
    list(KINDS),
    format_func=KINDS.__getitem__,
    index=list(KINDS).index(Kind(info.compared_as)),
    key="compare_kind",
)
if other is None:
    st.info("Choose the audit to compare with: an earlier audit of the same journey, or a competitor's.")
    st.stop()
changed = (other, kind) != (info.compared_with, info.compared_as)
if changed and state.may(Action.EDIT) and st.button(f"Remember '{other}' as this audit's {kind.value}", key="keep"):
    try:
        store.set_comparison(audit, other, kind.value, actor=actor)
        st.toast("Saved: this audit opens compared with it.")
        st.rerun()
    except StoreError as error:
        st.error(str(error))

comparison = compare_with(store, actor, audit, store.snapshot(audit).result, other, kind)

st.markdown("\n".join(f"- {line}" for line in comparison.sentences()))
figures = st.columns(4)
moved = comparison.touchpoints["beyond_noise"].eq(True)
figures[0].metric("Matched touchpoints", len(comparison.touchpoints), help="Matched by id, then by name")
words = comparison.words
not_yet = comparison.sentences()[0] if comparison.unscored else None  # "-" with why, never a misleading 0
figures[1].metric(
    words["moved"],
    "-" if not_yet else int(moved.sum()),
    help=not_yet or "Touchpoints whose change is larger than the room's disagreement",
)
weak = list(comparison.weak_lists().items())
figures[2].metric(
    words["weak_figure"],
    "-" if not_yet else f"{len(weak[0][1])} / {len(weak[1][1])}",
    help=not_yet or f"Weak spots; {weak[2][0].lower()}: {len(weak[2][1])}",
)
gaps = list(comparison.gap_lists().items())
figures[3].metric(words["gap_figure"], f"{len(gaps[0][1])} / {len(gaps[1][1])}", help="Coverage gaps")

st.subheader("Stages")
reason = compare_charts.empty_reason(comparison)
if reason:
    st.info(reason)
else:
    st.altair_chart(compare_charts.stages(comparison), width="stretch")
    st.caption(compare_charts.caption("stages", comparison))
stage_table = comparison.stage_table()
st.dataframe(
    stage_table, key="compare_stage_table", hide_index=True, width="stretch", column_config=two_decimals(stage_table)
)

st.subheader("Touchpoints of a stage")
stage = st.selectbox("Stage", comparison.stages["stage"].tolist(), key="compare_stage")
if stage is not None and (comparison.touchpoints["stage"] == stage).any():
    st.altair_chart(compare_charts.touchpoints(comparison, stage), width="stretch")
    st.caption(compare_charts.caption("touchpoints", comparison))
else:
    st.caption("No matched touchpoint in this stage.")
only_moved = st.toggle("Only changes beyond the noise", key="compare_only_moved")
table = comparison.touchpoint_table()[moved.to_numpy()] if only_moved else comparison.touchpoint_table()
st.dataframe(table, key="compare_touchpoint_table", hide_index=True, width="stretch", column_config=two_decimals(table))

left, right = st.columns(2)
with left:
    st.subheader("Weak spots")
    if comparison.unscored:
        st.caption(comparison.sentences()[0])
    for title, ids in comparison.weak_lists().items():
        if ids:
            st.markdown(f"**{title} ({len(ids)})**: " + ", ".join(comparison.named(ids)))
with right:
    st.subheader("Coverage gaps")
    for title, listed in comparison.gap_lists().items():
        st.markdown(f"**{title} ({len(listed)})**: " + (" ".join(g.message for g in listed) or "none"))
st.subheader("Not matched")
left, right = st.columns(2)
left.caption(f"Only in {other}")
left.dataframe(comparison.unmatched_before.rename(columns=str.capitalize), hide_index=True, key="unmatched_before")
right.caption(f"Only in {audit}")
right.dataframe(comparison.unmatched_after.rename(columns=str.capitalize), hide_index=True, key="unmatched_after")
