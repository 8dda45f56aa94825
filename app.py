"""Touchpoint Audit: the Streamlit entry point. Page config, navigation by who is acting, the sidebar.

Run with ./scripts/run. On a first start the bundled sample audit is loaded and opened.

Who sees which pages:
* a participant (an identity token in the URL) sees their scoring screen and nothing else;
* someone following an invitation (`/join`, `?code=...`) sees the join page and nothing else;
* a facilitator sees the pages their role on the open audit allows (docs/access.md): signed in
  with OpenID Connect or the facilitator password, or the local user in local mode;
* anyone else sees the sign-in page and nothing else, whatever the URL.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from audit.access import Action, allowed
from audit.store import StoreError
from ui import auth, sidebar, state

st.set_page_config(page_title="Touchpoint Audit", page_icon=":material/fact_check:", layout="wide")

JOIN = st.Page("views/join.py", title="Join", icon=":material/login:", url_path="join")
SCORE = st.Page("views/participate.py", title="Score", icon=":material/touch_app:", url_path="score")
SIGN_IN = st.Page("views/sign_in.py", title="Sign in", icon=":material/lock:", url_path="sign-in", default=True)
# The facilitator pages' addresses: signed out, or on a participant's link, they lead to the sign-in
# page or the scoring screen (a bookmark of /dashboard must not end in "Page not found").
FACILITATOR_PATHS = ("dashboard", "workshop", "inventory", "import_inventory", "export", "audits")


def route() -> None:
    """The participant side's front door (`/`): the scoring screen with a good token, else the join page."""
    st.switch_page(SCORE if state.participant() is not None else JOIN, query_params=st.query_params.to_dict())


def facilitator_pages() -> list[StreamlitPage]:
    """The pages for the actor's role on the open audit; with no audit open, the Audits page first."""
    role = state.role()
    pages = [
        ("views/dashboard.py", "Dashboard", "dashboard", role is not None),
        ("views/workshop.py", "Workshop", "groups", allowed(role, Action.RUN_WORKSHOP)),
        ("views/inventory.py", "Inventory", "list_alt", role is not None),
        ("views/import_inventory.py", "Import", "upload_file", True),  # into a new audit, at least
        ("views/export.py", "Export", "download", role is not None),
        ("views/audits.py", "Audits", "folder_open", True),
    ]
    shown = [(path, title, icon) for path, title, icon, show in pages if show]
    if role is None:
        shown.reverse()  # Audits, then Import
    return [
        st.Page(path, title=title, icon=f":material/{icon}:", default=index == 0)
        for index, (path, title, icon) in enumerate(shown)
    ]


def facilitator_navigation() -> StreamlitPage:
    if auth.mode() is auth.Mode.LOCAL and (refusal := auth.local_mode_refusal()):
        logging.getLogger("touchpoint_audit").error(refusal)
        st.error(refusal)
        st.stop()
    who = auth.facilitator()
    if who is None:
        auth.write_cookie()  # clears it after a sign-out
        aliases = [st.Page("views/sign_in.py", title="Sign in", url_path=path) for path in FACILITATOR_PATHS]
        return st.navigation([SIGN_IN, *aliases], position="hidden")
    state.init(who)
    auth.write_cookie()
    sidebar.show()
    return st.navigation(facilitator_pages())


try:
    if state.has_token() or state.wants_to_join():
        aliases = [st.Page(route, title="Touchpoint Audit", url_path=path) for path in FACILITATOR_PATHS]
        front = st.Page(route, title="Touchpoint Audit", default=True)
        page = st.navigation([front, JOIN, SCORE, *aliases], position="hidden")
    else:
        page = facilitator_navigation()
except StoreError as error:
    st.error(f"The audit database cannot be reached: {error} Check TOUCHPOINT_AUDIT_DATABASE_URL and reload.")
    st.stop()
page.run()
