"""Audits: open, create, load the sample, delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.store import StoreError
from ui import state

st.title("Audits")
store = state.store()
infos = store.list_audits()
table = pd.DataFrame(
    [(a.name, a.client or "", a.touchpoints, a.assessors, a.scores, a.updated_at) for a in infos],
    columns=["Audit", "Client", "Touchpoints", "Assessors", "Scores", "Updated"],
)
st.dataframe(table, hide_index=True, key="audits_table")

names = [a.name for a in infos]
left, right = st.columns(2)
with left:
    chosen = st.selectbox("Open an audit", names, index=names.index(state.current_audit()), key="open_audit")
    if st.button("Open", key="open_button", type="primary") and chosen:
        state.open_audit(chosen)
        st.switch_page("views/dashboard.py")
    if st.button("Load the sample audit", key="load_sample", help="Northwind Home, 48 touchpoints, 4 assessors"):
        state.open_audit(state.load_sample())
        st.switch_page("views/dashboard.py")
with right, st.form("create_audit", clear_on_submit=True):
    st.markdown("**New audit**")
    name = st.text_input("Name", key="new_audit_name")
    client = st.text_input("Client", key="new_audit_client")
    if st.form_submit_button("Create"):
        try:
            store.create_audit(name, client=client or None, stage_order=list(state.DEFAULT_STAGES))
            state.open_audit(name.strip())
            st.success(f"Created '{name.strip()}'. Import its inventory on the Import page.")
        except StoreError as error:
            st.error(str(error))

with st.expander("Delete an audit"):
    doomed = st.selectbox("Audit to delete", names, key="delete_audit")
    sure = st.checkbox(f"Yes, delete '{doomed}' with all its touchpoints and scores", key="delete_confirm")
    if st.button("Delete", key="delete_button", disabled=not sure) and doomed:
        store.delete_audit(doomed)
        st.session_state.pop(state.AUDIT, None)
        st.success(f"Deleted '{doomed}'.")
        st.rerun()
