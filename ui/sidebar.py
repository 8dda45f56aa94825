"""The facilitator's sidebar: the open audit and where it is stored."""

from __future__ import annotations

import streamlit as st

from ui import state


def show() -> None:
    with st.sidebar:
        audit = state.current_audit()
        info = state.store().audit(audit)
        st.markdown(f"**Open audit:** {audit}")
        if info.client:
            st.caption(f"Client: {info.client}")
        st.caption("Local mode: you are the facilitator. Participants join from the Workshop page.")
        st.caption(f"Stored in {state.store().backend}; every score is saved the moment it changes.")
