"""Inventory: the touchpoints as an editable table (add, edit, archive) and the stage order."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import i18n
from audit.access import Action
from audit.i18n import _, field_label
from audit.metrics import TOUCHPOINT_COLUMNS
from audit.store import StoreError
from audit.vocabulary import CONTROLS, TYPES
from audit.workshop import inventory_changes
from ui import state, tables


def code_label(code: str | float | bool) -> str:
    """A stored type or control as people read it ("physical" -> "Physical")."""
    return i18n.label(str(code))


st.title(_("Inventory"))
store, audit, actor = state.store(), state.current_audit(), state.actor()
info = store.audit(audit)
frame = store.touchpoint_frame(audit)
columns = [*TOUCHPOINT_COLUMNS, "notes"]
headers = {column: field_label(column) for column in columns}  # what people read; the data keeps its columns
if not state.may(Action.EDIT):
    st.caption(_("Shared with you as a viewer: you can read '{audit}', not change it.").format(audit=audit))
    coded = {column: frame[column].map(i18n.label, na_action="ignore") for column in ("type", "control")}
    tables.show(frame[columns].assign(**coded), key="inventory_table", column_config=headers)
    st.caption(_("Stage order: {stages}").format(stages=" → ".join(info.stage_order)))
    st.stop()
shown = frame[columns].assign(archive=False)
st.caption(
    _("Edit any cell; add a touchpoint in the empty last row; tick 'archive' to set one aside (its scores stay).")
)
edited = st.data_editor(
    shown,
    key="inventory_editor",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    placeholder="",  # an empty cell is empty, not "None"
    column_config={
        **headers,
        "id": st.column_config.TextColumn(headers["id"], help=_("Leave empty for a new touchpoint to get one")),
        "stage": st.column_config.SelectboxColumn(headers["stage"], options=info.stage_order),
        "type": st.column_config.SelectboxColumn(headers["type"], options=list(TYPES), format_func=code_label),
        "control": st.column_config.SelectboxColumn(headers["control"], options=list(CONTROLS), format_func=code_label),
        "importance": st.column_config.NumberColumn(headers["importance"], min_value=1, max_value=5),
        "customer_rating": st.column_config.NumberColumn(headers["customer_rating"], min_value=1, max_value=5),
        # TRANSLATORS: a column of ticks: set the touchpoint aside (its scores are kept).
        "archive": st.column_config.CheckboxColumn(_("Archive")),
    },
)
changes = inventory_changes(shown, edited)
for problem in changes.problems:
    st.error(problem)
try:
    for values in changes.added:
        key = store.add_touchpoint(audit, values, actor=actor)
        st.toast(_("Added {touchpoint} ({key})").format(touchpoint=values["name"], key=key))
    for key, values in changes.updated.items():
        store.update_touchpoint(audit, key, values, actor=actor)
        # TRANSLATORS: {fields} lists the fields changed ("Owner, Stage").
        st.toast(_("Saved {key}: {fields}").format(key=key, fields=i18n.join(map(field_label, values))))
    for key in changes.archived:
        store.archive_touchpoint(audit, key, actor=actor)
        st.toast(_("Archived {key}; its scores are kept").format(key=key))
except StoreError as error:
    st.error(str(error))
if changes.added or changes.archived:
    st.rerun()

archived = store.touchpoint_frame(audit, archived=True)
if not archived.empty:
    with st.expander(_("Archived touchpoints ({n})").format(n=i18n.integer(len(archived)))):
        back = st.selectbox(
            _("Bring back"),
            archived["id"],
            format_func=lambda k: f"{k}: {archived.set_index('id').loc[k, 'name']}",
            key="restore_pick",
        )
        if st.button(_("Restore"), key="restore_button"):
            store.archive_touchpoint(audit, back, actor=actor, archived=False)
            st.rerun()

st.subheader(_("Stage order"))
st.caption(_("The journey's order: change the numbers and the charts follow."))
stages = pd.DataFrame({"stage": info.stage_order, "position": range(1, len(info.stage_order) + 1)})
order = st.data_editor(
    stages,
    key="stage_editor",
    hide_index=True,
    placeholder="",
    num_rows="dynamic",
    disabled=[],
    column_config={"stage": field_label("stage"), "position": _("Position")},
)
new_order = order.dropna(subset=["stage"]).sort_values("position", kind="stable")["stage"].astype(str).tolist()
if new_order != info.stage_order and all(s.strip() for s in new_order):
    store.set_stage_order(audit, [s.strip() for s in new_order], actor=actor)
    st.toast(_("Saved the stage order"))
