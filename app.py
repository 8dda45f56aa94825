"""Touchpoint Audit: the Streamlit entry point. Page config, navigation by who is acting, the sidebar.

Run with ./scripts/run. On a first start the bundled sample audit is loaded and opened.

Who sees which pages:
* a participant (an identity token in the URL) sees their scoring screen and nothing else;
* someone following an invitation (`/join`, `?code=...`) sees the join page and nothing else;
* anyone else is the facilitator (local mode): every page, with the sidebar.
"""

from __future__ import annotations

import streamlit as st

from audit.store import StoreError
from ui import sidebar, state

st.set_page_config(page_title="Touchpoint Audit", page_icon=":material/fact_check:", layout="wide")

FACILITATOR_PAGES = [
    st.Page("views/dashboard.py", title="Dashboard", icon=":material/dashboard:", default=True),
    st.Page("views/workshop.py", title="Workshop", icon=":material/groups:"),
    st.Page("views/inventory.py", title="Inventory", icon=":material/list_alt:"),
    st.Page("views/import_inventory.py", title="Import", icon=":material/upload_file:"),
    st.Page("views/export.py", title="Export", icon=":material/download:"),
    st.Page("views/audits.py", title="Audits", icon=":material/folder_open:"),
]


JOIN = st.Page("views/join.py", title="Join", icon=":material/login:", url_path="join")
SCORE = st.Page("views/participate.py", title="Score", icon=":material/touch_app:", url_path="score")


def route() -> None:
    """The participant side's front door (`/`): the scoring screen with a good token, else the join page."""
    st.switch_page(SCORE if state.participant() is not None else JOIN, query_params=st.query_params.to_dict())


try:
    if state.has_token() or state.wants_to_join():
        page = st.navigation([st.Page(route, title="Touchpoint Audit", default=True), JOIN, SCORE], position="hidden")
    else:
        page = st.navigation(FACILITATOR_PAGES)
        state.init()
        sidebar.show()
except StoreError as error:
    st.error(f"The audit database cannot be reached: {error} Check TOUCHPOINT_AUDIT_DATABASE_URL and reload.")
    st.stop()
page.run()
