"""Audits: the ones you own or that are shared with you. Open, create, load the sample, share, delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.access import ROLE_SENTENCES, SHARED_ROLES, Role
from audit.store import StoreError
from ui import auth, state

st.title("Audits")
store, actor = state.store(), state.actor()
infos = store.list_audits(actor)
table = pd.DataFrame(
    [(a.name, a.client or "", a.role, a.owner, a.touchpoints, a.assessors, a.scores, a.updated_at) for a in infos],
    columns=["Audit", "Client", "Your role", "Owner", "Touchpoints", "Assessors", "Scores", "Updated"],
)
if infos:
    st.dataframe(table, hide_index=True, key="audits_table")
else:
    st.info("You have no audits yet, and none is shared with you. Create one, import an inventory, or load the sample.")

names = [a.name for a in infos]
current = st.session_state.get(state.AUDIT)
left, right = st.columns(2)
with left:
    if names:
        chosen = st.selectbox("Open an audit", names, index=names.index(current) if current in names else 0,
                              key="open_audit")  # fmt: skip
        if st.button("Open", key="open_button", type="primary") and chosen:
            state.open_audit(chosen)
            st.switch_page("views/dashboard.py")
    if st.button("Load the sample audit", key="load_sample", help="Northwind Home, 48 touchpoints, 4 assessors"):
        state.open_audit(state.load_sample(actor))
        st.rerun()  # the navigation follows the open audit
with right, st.form("create_audit", clear_on_submit=True):
    st.markdown("**New audit**")
    name = st.text_input("Name", key="new_audit_name")
    client = st.text_input("Client", key="new_audit_client")
    if st.form_submit_button("Create"):
        try:
            store.create_audit(name, actor=actor, client=client or None, stage_order=list(state.DEFAULT_STAGES))
            state.open_audit(name.strip())
            st.session_state["audits_message"] = f"Created '{name.strip()}'. Import its inventory on the Import page."
            st.rerun()
        except StoreError as error:
            st.error(str(error))
if "audits_message" in st.session_state:
    st.success(st.session_state.pop("audits_message"))

owned = [a.name for a in infos if a.role is Role.OWNER]
if current in owned and auth.mode() is not auth.Mode.LOCAL:  # local mode has nobody to share with
    with st.expander(f"Share '{current}'"):
        st.caption("Give another facilitator access by the e-mail they sign in with. " + "; ".join(
            ROLE_SENTENCES[r] for r in SHARED_ROLES) + ".")  # fmt: skip
        with st.form("share_audit", clear_on_submit=True):
            email = st.text_input("E-mail", key="share_email")
            role = st.radio("As", list(SHARED_ROLES), horizontal=True, key="share_role")
            if st.form_submit_button("Share"):
                try:
                    auth.check_shareable(email)
                    store.share(current, email, Role(role), actor=actor)
                    st.success(f"'{current}' is shared with {email.strip().lower()} as {role}.")
                except StoreError as error:
                    st.error(str(error))
        shares = store.shares(current)
        for who, role in shares.items():
            row = st.columns([3, 1, 1])
            row[0].markdown(f"{who}")
            row[1].caption(role.value)
            if row[2].button("Remove", key=f"unshare|{who}"):
                store.unshare(current, who, actor=actor)
                st.session_state["audits_message"] = f"{who} no longer has access to '{current}'."
                st.rerun()
        if not shares:
            st.caption("Shared with nobody yet.")

if owned:
    with st.expander("Delete an audit"):
        doomed = st.selectbox("Audit to delete (yours only)", owned, key="delete_audit")
        # Keyed by the audit: ticking "yes" for one audit never carries over to another.
        sure = st.checkbox(f"Yes, delete '{doomed}' with all its touchpoints and scores",
                           key=f"delete_confirm|{doomed}")  # fmt: skip
        if st.button("Delete", key="delete_button", disabled=not sure) and doomed:
            try:
                store.delete_audit(doomed, actor=actor)
            except StoreError as error:
                st.error(str(error))
            else:
                st.session_state.pop(state.AUDIT, None)
                st.session_state["audits_message"] = f"Deleted '{doomed}'."
                st.rerun()
