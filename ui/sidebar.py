"""The facilitator's sidebar: who is signed in and how, the open audit and their role on it."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from audit.access import ROLE_SENTENCES
from ui import auth, state

MODE_SENTENCES = {
    auth.Mode.LOCAL: "Local mode: you are the facilitator, on this computer only.",
    auth.Mode.PASSWORD: "Signed in with the facilitator password as **{who}**.",
    auth.Mode.OIDC: "Signed in with OpenID Connect as **{who}**.",
}


def show(pages: list[StreamlitPage]) -> None:
    with st.sidebar:
        for page in pages:  # the pages the role allows (app.py registers them all, hidden)
            st.page_link(page, label=page.title, icon=page.icon)
        st.divider()
        lost = st.session_state.pop(state.LOST, None)
        if lost:
            st.warning(f"'{lost}' is no longer shared with you (or was deleted), so it was closed.")
        audit, role = st.session_state.get(state.AUDIT), state.role()
        if audit and role:
            info = state.store().audit(audit)
            st.markdown(f"**Open audit:** {audit}")
            if info.client:
                st.caption(f"Client: {info.client}")
            st.caption(f"You are its {ROLE_SENTENCES[role]}.")
        else:
            st.markdown("**No audit open.**")
        mode = auth.mode()
        st.caption(MODE_SENTENCES[mode].format(who=state.actor().identity))
        if mode is not auth.Mode.LOCAL:
            st.button("Sign out", key="sign_out", on_click=auth.sign_out)
        st.caption(f"Stored in {state.store().backend}; every score is saved the moment it changes.")
