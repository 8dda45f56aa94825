"""The sidebar every page shows: the open audit and who is scoring."""

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
        assessor = state.current_assessor()
        st.markdown(f"**Scoring as:** {assessor}" if assessor else "**Scoring as:** nobody yet (Score page)")
        st.caption(f"Stored in {state.store().backend}; every score is saved the moment it changes.")
