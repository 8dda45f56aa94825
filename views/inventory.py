"""Inventory: the touchpoints as an editable table (add, edit, archive) and the stage order."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.access import Action
from audit.metrics import TOUCHPOINT_COLUMNS
from audit.store import StoreError
from audit.vocabulary import CONTROLS, TYPES
from audit.workshop import inventory_changes
from ui import state

st.title("Inventory")
store, audit, actor = state.store(), state.current_audit(), state.actor()
info = store.audit(audit)
frame = store.touchpoint_frame(audit)
columns = [*TOUCHPOINT_COLUMNS, "notes"]
if not state.may(Action.EDIT):
    st.caption(f"Shared with you as a viewer: you can read '{audit}', not change it.")
    st.dataframe(frame[columns], key="inventory_table", hide_index=True, width="stretch")
    st.caption("Stage order: " + " → ".join(info.stage_order))
    st.stop()
shown = frame[columns].assign(archive=False)
st.caption("Edit any cell; add a touchpoint in the empty last row; tick 'archive' to set one aside (its scores stay).")
edited = st.data_editor(
    shown,
    key="inventory_editor",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "id": st.column_config.TextColumn("Id", help="Leave empty for a new touchpoint to get one"),
        "stage": st.column_config.SelectboxColumn("Stage", options=info.stage_order),
        "type": st.column_config.SelectboxColumn("Type", options=list(TYPES)),
        "control": st.column_config.SelectboxColumn("Control", options=list(CONTROLS)),
        "importance": st.column_config.NumberColumn("Importance", min_value=1, max_value=5),
        "customer_rating": st.column_config.NumberColumn("Customer rating", min_value=1, max_value=5),
        "archive": st.column_config.CheckboxColumn("Archive"),
    },
)
changes = inventory_changes(shown, edited)
for problem in changes.problems:
    st.error(problem)
try:
    for values in changes.added:
        key = store.add_touchpoint(audit, values, actor=actor)
        st.toast(f"Added {values['name']} ({key})")
    for key, values in changes.updated.items():
        store.update_touchpoint(audit, key, values, actor=actor)
        st.toast(f"Saved {key}: {', '.join(values)}")
    for key in changes.archived:
        store.archive_touchpoint(audit, key, actor=actor)
        st.toast(f"Archived {key}; its scores are kept")
except StoreError as error:
    st.error(str(error))
if changes.added or changes.archived:
    st.rerun()

archived = store.touchpoint_frame(audit, archived=True)
if not archived.empty:
    with st.expander(f"Archived touchpoints ({len(archived)})"):
        back = st.selectbox(
            "Bring back",
            archived["id"],
            format_func=lambda k: f"{k}: {archived.set_index('id').loc[k, 'name']}",
            key="restore_pick",
        )
        if st.button("Restore", key="restore_button"):
            store.archive_touchpoint(audit, back, actor=actor, archived=False)
            st.rerun()

st.subheader("Stage order")
st.caption("The journey's order: change the numbers and the charts follow.")
stages = pd.DataFrame({"stage": info.stage_order, "position": range(1, len(info.stage_order) + 1)})
order = st.data_editor(stages, key="stage_editor", hide_index=True, num_rows="dynamic", disabled=[])
new_order = order.dropna(subset=["stage"]).sort_values("position", kind="stable")["stage"].astype(str).tolist()
if new_order != info.stage_order and all(s.strip() for s in new_order):
    store.set_stage_order(audit, [s.strip() for s in new_order], actor=actor)
    st.toast("Saved the stage order")
