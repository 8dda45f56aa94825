"""Which language this browser sees, the picker, and the Persian page's direction and font.

The order (docs/translating.md): `?lang=` in the address, else the language picked in this
session, else the open audit's language, else the browser's Accept-Language, else English.
A language picked here is written into the address, as the open audit is, so a reload keeps it;
each browser (each participant) chooses its own. audit.i18n asks `_active` which language the
session is in, so the domain's sentences (findings, problems) come out in it too.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from audit import i18n
from audit.i18n import _

QUERY = "lang"  # the language in the address
CHOSEN = "language_chosen"  # picked in this session (the picker, or the address)
ACTIVE = "language_active"  # what this run speaks: read by audit.i18n through the resolver
PICKER = "language_picker"

FONT_CSS = """
@font-face {font-family: "Vazirmatn"; src: url("app/static/fonts/Vazirmatn-Regular.woff2") format("woff2");
  font-weight: 100 500; font-display: swap;}
@font-face {font-family: "Vazirmatn"; src: url("app/static/fonts/Vazirmatn-Bold.woff2") format("woff2");
  font-weight: 600 900; font-display: swap;}
"""
# Persian flows right to left: the page, the sidebar's content, lists, tables and inputs. The
# sidebar itself stays where Streamlit slides it in and out (flipping its container left a collapsed
# sidebar over the page on a phone). Charts keep their left-to-right axes: Vega draws its own text,
# Persian labels included. A heading, a table cell or a chosen option takes the direction of its own
# first letter ("TV spot 'Home in a weekend'" keeps its closing quote at its end); a Persian header is
# never broken inside a word (its letters would lose their joins); a progress bar fills
# from the right; a row of buttons (1-5) runs from the right: Streamlit draws it left to right, with
# borders and rounded ends for that order, so the row is drawn so and mirrored, and each label back.
RTL_CSS = """
[data-testid="stSidebarContent"], [data-testid="stMain"], [data-testid="stBottom"],
div[data-baseweb="popover"] {direction: rtl;}
.stApp li {text-align: right;}
.stApp, .stApp button, .stApp input, .stApp textarea, div[data-baseweb="popover"] {
  font-family: "Vazirmatn", "Noto Sans Arabic", "Noto Naskh Arabic", Tahoma, sans-serif;}
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stMetric"],
[data-testid="stAlertContainer"], .stApp label, .stApp h1, .stApp h2, .stApp h3 {text-align: right;}
[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"], .vega-embed {direction: ltr;}
.stApp h1, .stApp h2, .stApp h3, .stApp td, .stApp th, .stApp td *, .stApp th *, div[data-baseweb="select"] *,
.stApp input {unicode-bidi: plaintext; text-align: right;}
[data-testid="stTable"] th, [data-testid="stTable"] th * {overflow-wrap: normal !important;}
[data-testid="stProgressBarTrack"] {transform: scaleX(-1);}
[data-testid="stButtonGroup"] div:has(> button) {direction: ltr; transform: scaleX(-1);}
[data-testid="stButtonGroup"] button > * {transform: scaleX(-1);}
"""

# Every language. An HTML table's headers may break a long word ("Приоритет", "Привлекательность") to
# fit a phone; its cells keep their numbers whole (RTL_CSS, later, keeps Persian words whole). A
# table's toolbar (search, download, full screen) shows over the element above the table when a
# finger touches it; on a phone that covered the caption above, or the participant's view switch.
PAGE_CSS = """
[data-testid="stTable"] th, [data-testid="stTable"] th * {
  overflow-wrap: anywhere !important; white-space: normal !important;}
@media (max-width: 640px) {
  .stElementContainer:has([data-testid="stDataFrame"]) {margin-top: 2rem;}
}
"""


def _active() -> str | None:
    if get_script_run_ctx(suppress_warning=True) is None:  # not in a page's run: a test, a worker thread
        return None
    found = st.session_state.get(ACTIVE)
    return found if isinstance(found, str) else None


def install() -> None:
    """Let audit.i18n read the session's language (once per process; harmless again)."""
    i18n.set_resolver(_active)


def codes() -> list[str]:
    return list(i18n.CODES)


def choose(audit_language: str | None = None) -> str:
    """Settle this run's language; call again once the open audit (and its language) is known."""
    install()
    asked = st.query_params.get(QUERY)
    if asked and i18n.known(asked):
        st.session_state[CHOSEN] = asked
    chosen = st.session_state.get(CHOSEN)
    if chosen and i18n.known(chosen):
        code = chosen
        if st.query_params.get(QUERY) != chosen:  # keep it in the address, as the open audit is
            st.query_params[QUERY] = chosen
    elif audit_language and i18n.known(audit_language):
        code = audit_language
    else:
        code = i18n.best_match(_accepted()) or i18n.DEFAULT
    st.session_state[ACTIVE] = code
    return code


def chosen() -> bool:
    """Whether this browser chose its language (the address or the picker): then no audit changes it."""
    return bool(st.session_state.get(CHOSEN))


def _accepted() -> str | None:
    """The browser's languages: its Accept-Language header, else the locale it reports."""
    try:
        header = st.context.headers.get("Accept-Language")
    except Exception:  # noqa: BLE001 (no request headers in a test run)
        header = None
    return header or st.context.locale


@st.cache_resource(ttl=30, max_entries=1024, show_spinner=False)
def audit_language(audit: str) -> str:
    """An audit's language for its participants: read at most every half minute per process."""
    from ui import state  # state's store; imported here to keep this module light for app.py

    return state.store().audit(audit).language


def _pick() -> None:
    code = st.session_state[PICKER]
    st.session_state[CHOSEN] = st.session_state[ACTIVE] = code
    st.query_params[QUERY] = code


def picker() -> None:
    """The language selectbox (in the sidebar for facilitators, on top of the participant's screen)."""
    current = i18n.current()
    st.session_state[PICKER] = current  # follows the address and the audit until someone picks
    options = codes() if current in i18n.CODES else [*codes(), current]  # a test's pseudo-language
    st.selectbox(_("Language"), options, format_func=i18n.name, key=PICKER, on_change=_pick)


def corner_picker() -> None:
    """The picker in a small button (a participant's phone has no sidebar and little room)."""
    with st.popover(f":material/translate: {i18n.name(i18n.current())}"):
        picker()


def style() -> None:
    """The page's table headers and room for a table's toolbar on a phone, and its direction and font
    for the language (a style element takes no room on the page)."""
    st.html(f"<style>{PAGE_CSS}{FONT_CSS}{RTL_CSS}</style>" if i18n.right_to_left() else f"<style>{PAGE_CSS}</style>")
