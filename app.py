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
from audit.i18n import N_, _
from audit.store import StoreError
from ui import auth, language, sidebar, state

st.set_page_config(page_title="Touchpoint Audit", page_icon=":material/fact_check:", layout="wide")
language.choose()  # from the address, this session or the browser; again below once the audit is known
if language.chosen():  # final already: the page flows in its direction from its first element
    language.style()

JOIN = st.Page("views/join.py", title=_("Join"), icon=":material/login:", url_path="join")
SCORE = st.Page("views/participate.py", title=_("Score"), icon=":material/touch_app:", url_path="score")
SIGN_IN = st.Page("views/sign_in.py", title=_("Sign in"), icon=":material/lock:", url_path="sign-in", default=True)
# The facilitator pages' addresses: signed out, or on a participant's link, they lead to the sign-in
# page or the scoring screen (a bookmark of /dashboard must not end in "Page not found").
FACILITATOR_PATHS = ("dashboard", "compare", "workshop", "inventory", "import_inventory", "export", "audits")


def route() -> None:
    """The participant side's front door (`/`): the scoring screen with a good token, else the join page."""
    st.switch_page(SCORE if state.participant() is not None else JOIN, query_params=st.query_params.to_dict())


FACILITATOR_PAGES = [  # (script, title, icon, shown to whom): every page is registered for every facilitator,
    ("views/dashboard.py", N_("Dashboard"), "dashboard", Action.READ),  # so no address ends in "Page not found";
    ("views/compare.py", N_("Compare"), "compare_arrows", Action.READ),
    ("views/workshop.py", N_("Workshop"), "groups", Action.RUN_WORKSHOP),  # the sidebar links only to those the
    ("views/inventory.py", N_("Inventory"), "list_alt", Action.READ),  # role allows, and each page checks again
    # TRANSLATORS: the page where an inventory file is imported
    ("views/import_inventory.py", N_("Import"), "upload_file", None),  # into a new audit, at least
    # TRANSLATORS: the page where the workbook, the report and the template are downloaded
    ("views/export.py", N_("Export"), "download", Action.READ),
    ("views/audits.py", N_("Audits"), "folder_open", None),
]


def facilitator_pages() -> tuple[list[StreamlitPage], list[StreamlitPage]]:
    """Every facilitator page, and those the actor's role on the open audit allows, for the sidebar.

    "/" (and the sign-in and participants' addresses) goes on to the Dashboard, or to the Audits
    page when no audit is open, so every page keeps its own address: /dashboard is the
    Dashboard, never "Page not found" (Streamlit serves a default page only at "/").
    """
    role = state.role()
    pages = {
        path: st.Page(path, title=_(title), icon=f":material/{icon}:") for path, title, icon, _a in FACILITATOR_PAGES
    }
    shown = [pages[path] for path, _t, _i, action in FACILITATOR_PAGES if action is None or allowed(role, action)]
    start = pages["views/dashboard.py" if role is not None else "views/audits.py"]

    def home() -> None:
        st.switch_page(start, query_params=st.query_params.to_dict())

    front = [st.Page(home, title="Touchpoint Audit", default=True)]
    front += [st.Page(home, title="Touchpoint Audit", url_path=path) for path in ("sign-in", "score", "join")]
    return [*pages.values(), *front], shown


def facilitator_navigation() -> StreamlitPage:
    who = auth.facilitator()
    if who is None:
        auth.write_cookie()  # clears the cookie after a sign-out
        aliases = [st.Page("views/sign_in.py", title=_("Sign in"), url_path=path) for path in FACILITATOR_PATHS]
        return st.navigation([SIGN_IN, *aliases], position="hidden")
    state.init(who)
    audit = st.session_state.get(state.AUDIT)
    info = state.store().audit(audit) if audit else None  # read once: its language here, its client in the sidebar
    if info is not None:
        language.choose(info.language)
    state.keep_widgets()
    pages, shown = facilitator_pages()
    page = st.navigation(pages, position="hidden")
    sidebar.show(shown, info)
    return page


try:
    if auth.mode() is auth.Mode.LOCAL and (refusal := auth.local_mode_refusal()):  # participants' pages too
        logging.getLogger("touchpoint_audit").error(refusal)
        st.error(refusal)
        st.stop()
    if state.has_token() or state.wants_to_join():
        if (who := state.participant()) is not None:
            language.choose(language.audit_language(who.audit))
        aliases = [st.Page(route, title="Touchpoint Audit", url_path=path) for path in FACILITATOR_PATHS]
        front = st.Page(route, title="Touchpoint Audit", default=True)
        page = st.navigation([front, JOIN, SCORE, *aliases], position="hidden")
    else:
        page = facilitator_navigation()
except StoreError as error:
    st.error(
        _("The audit database cannot be reached: {error} Check TOUCHPOINT_AUDIT_DATABASE_URL and reload.").format(
            error=error
        )
    )
    st.stop()
if not language.chosen():
    language.style()
page.run()
