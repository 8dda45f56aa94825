"""Touchpoint Audit: the Streamlit entry point. Page config, navigation and the shared sidebar.

Run with ./scripts/run. On a first start the bundled sample audit is loaded and opened.
"""

from __future__ import annotations

import streamlit as st

from audit.store import StoreError
from ui import sidebar, state

st.set_page_config(page_title="Touchpoint Audit", page_icon=":material/fact_check:", layout="wide")

PAGES = [
    st.Page("views/dashboard.py", title="Dashboard", icon=":material/dashboard:", default=True),
    st.Page("views/score.py", title="Score", icon=":material/edit_note:"),
    st.Page("views/inventory.py", title="Inventory", icon=":material/list_alt:"),
    st.Page("views/import_inventory.py", title="Import", icon=":material/upload_file:"),
    st.Page("views/export.py", title="Export", icon=":material/download:"),
    st.Page("views/audits.py", title="Audits", icon=":material/folder_open:"),
]

page = st.navigation(PAGES)  # first, so the navigation is ours even when the store fails below
try:
    state.init()
    sidebar.show()
except StoreError as error:
    st.error(f"The audit database cannot be reached: {error} Check TOUCHPOINT_AUDIT_DATABASE_URL and reload.")
    st.stop()
page.run()
