"""Session state in one place: the store, who is acting, the open audit.

Who is acting comes from the URL, so a reload, a closed tab or a restarted server brings the
same person back: a participant's identity token (`?p=...`, from joining), or someone on
their way in (`/join`, `?code=...`), or else the facilitator with the open audit in
`?audit=...`. Scores never live only here: the pages write them to the store the moment
they change. What every session shares (the store, the room of an audit at a revision) is
cached once per process.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import streamlit as st

from audit.access import LOCAL, Action, Facilitator, Role, allowed
from audit.i18n import _
from audit.inventory import read_inventory
from audit.invites import BASE_URL_VARIABLE
from audit.phases import WorkshopState
from audit.scoring import combine, read_scores, scores_from_inventory
from audit.store import AccessDenied, Store
from audit.workshop import RoomSnapshot, room_snapshot
from audit.workshops import Participant, ParticipantInfo, Workshops

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INVENTORY = ROOT / "sample_data" / "northwind_inventory.xlsx"
SAMPLE_SCORES = ROOT / "sample_data" / "northwind_scores.csv"
SAMPLE_FILES = SAMPLE_INVENTORY, SAMPLE_SCORES
SAMPLE_BASELINE = (
    ROOT / "sample_data" / "northwind_spring_inventory.xlsx",
    ROOT / "sample_data" / "northwind_spring_scores.csv",
)
SAMPLE_AUDIT = "Northwind Home (sample)"
SAMPLE_BASELINE_AUDIT = "Northwind Home (sample spring)"  # the sample's baseline, a quarter earlier
DEFAULT_STAGES = ("Awareness", "Consideration", "Purchase", "Service", "Loyalty")

AUDIT = "audit"  # the open audit's name (facilitator)
ACTOR, ROLE = "actor", "role"  # the facilitator acting in this session, and their role on the open audit
LOST = "lost_audit"  # an audit that was open until its share was taken back
TOKEN = "p"  # a participant's identity token, in the URL
CODE = "code"  # a join code in an invitation link

# Choices a facilitator expects to find again after visiting another page: the dashboard's filters and
# the Compare page's stage and toggle. Streamlit forgets a widget's value when its page is not shown.
KEPT_WIDGETS = ("dash_stage", "dash_channel", "dash_type", "dash_owner", "compare_stage", "compare_only_moved")

PHASE_CACHE_SECONDS = 2
READ_CACHE_SECONDS = 5  # how stale a participant's view of the touchpoints and of their token may be


@st.cache_resource
def store() -> Store:
    """One store (one connection pool) per app process."""
    return Store.open()


@st.cache_resource
def workshops() -> Workshops:
    return Workshops(store())


@st.cache_resource(max_entries=64, show_spinner=False)
def room(audit: str, revision: int) -> RoomSnapshot:
    """The room of an audit at one revision: computed once per change, shared by every session."""
    info = store().audit(audit)
    return room_snapshot(store().touchpoint_frame(audit), store().score_frame(audit), info.weights)


@st.cache_resource(max_entries=64, show_spinner=False)
def joined(audit: str, revision: int) -> list[ParticipantInfo]:
    """Who has joined, at one revision (joining moves the revision)."""
    return workshops().participants(audit)


@st.cache_resource(ttl=PHASE_CACHE_SECONDS, show_spinner=False)
def phase(audit: str) -> WorkshopState:
    """The workshop's phase, read at most once every few seconds per process (participants poll it)."""
    return workshops().state(audit)


@st.cache_resource(ttl=READ_CACHE_SECONDS, max_entries=10_000, show_spinner=False)
def _participant(token: str | None) -> Participant | None:
    return workshops().participant(token)


def forget_caches() -> None:
    """Empty every per-process cache, as a restarted server has them (tests and benchmarks)."""
    from ui import auth  # auth needs this module's store

    for cached in (store, workshops, room, joined, phase, _participant, touchpoints, *auth.CACHES):
        cached.clear()


def participant() -> Participant | None:
    """Whose token is in the URL. Read at most every few seconds per process; every write checks
    the token again in its own transaction, so a removed participant's scores are refused at once."""
    return _participant(st.query_params.get(TOKEN))


@st.cache_resource(ttl=READ_CACHE_SECONDS, max_entries=64, show_spinner=False)
def touchpoints(audit: str) -> pd.DataFrame:
    """The audit's touchpoints, read at most every few seconds per process; shared, so never modified."""
    return store().touchpoint_frame(audit)


def has_token() -> bool:
    return TOKEN in st.query_params


def wants_to_join() -> bool:
    """An invitation link (`/join?code=...`) or the join page's address."""
    path = urlparse(st.context.url or "").path.rstrip("/")
    return CODE in st.query_params or path.endswith("/join")


def base_url() -> str:
    """Where participants reach this app: TOUCHPOINT_AUDIT_BASE_URL, or the address this browser used."""
    configured = os.environ.get(BASE_URL_VARIABLE)
    if configured:
        return configured.rstrip("/")
    url = urlparse(st.context.url or "http://localhost:8501")
    return f"{url.scheme}://{url.netloc}"


def init(actor: Facilitator) -> None:
    """Who is acting, and their open audit: from the URL, else the last one; the sample on a first
    local start. An audit the actor may not open is never opened, whatever the URL says."""
    st.session_state[ACTOR] = actor
    if AUDIT not in st.session_state:
        st.session_state[AUDIT] = st.query_params.get(AUDIT)
    roles = store().roles(actor)
    if not roles and actor == LOCAL:
        load_sample(actor)
        roles = store().roles(actor)
    if st.session_state[AUDIT] not in roles:
        if st.session_state.get(ROLE):  # it was open a moment ago: say so rather than switch silently
            st.session_state[LOST] = st.session_state[AUDIT]
        sample = sample_name(actor)
        st.session_state[AUDIT] = sample if sample in roles else next(iter(roles), None)
    st.session_state[ROLE] = roles.get(st.session_state[AUDIT])
    remember()


def keep_widgets() -> None:
    """Interrupt Streamlit's clean-up of the KEPT_WIDGETS' values (its documented way: write each back)."""
    for key in KEPT_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def actor() -> Facilitator:
    """The facilitator acting in this session, checked again now: a callback runs before app.py, so a
    session signed out elsewhere (or an account removed) must not write with who it was a moment ago."""
    from ui import auth  # auth needs this module's store

    who = auth.facilitator()
    if who is None or who != st.session_state.get(ACTOR):
        raise AccessDenied(_("You are signed out, so nothing was saved. Sign in again."))
    return who


def role() -> Role | None:
    """The actor's role on the open audit; None when no audit is open."""
    found = st.session_state.get(ROLE)
    return Role(found) if found else None


def may(action: Action) -> bool:
    """Whether the actor may do this to the open audit: for what a page shows. The store decides writes."""
    return allowed(role(), action)


def remember() -> None:
    """Write the open audit into the URL."""
    if st.session_state[AUDIT]:
        st.query_params[AUDIT] = st.session_state[AUDIT]
    else:
        st.query_params.pop(AUDIT, None)


def open_audit(name: str) -> None:
    st.session_state[AUDIT] = name
    st.session_state[ROLE] = store().role(actor(), name)
    remember()


def current_audit() -> str:
    """The open audit; a page that needs one is only in the navigation when one is open."""
    name = st.session_state.get(AUDIT)
    if not name:
        st.info(_("No audit is open. Create one or load the sample on the Audits page."))
        st.stop()
    return str(name)


def sample_name(actor: Facilitator, *, spring: bool = False) -> str:
    """The sample's name (or its spring baseline's) for this facilitator: each signed-in facilitator gets a
    copy of their own, "Northwind Home (sample, ana@example.com)"."""
    local = SAMPLE_BASELINE_AUDIT if spring else SAMPLE_AUDIT
    return local if actor == LOCAL else f"{local[:-1]}, {actor.identity})"


def load_sample(actor: Facilitator) -> str:
    """Import the bundled sample audit for this facilitator (once), with the spring audit it is compared
    with, and return its name."""
    name = sample_name(actor)
    baseline = sample_name(actor, spring=True)
    if name not in (known := store().audit_names()):
        for audit, (inventory_file, scores_file) in ((baseline, SAMPLE_BASELINE), (name, SAMPLE_FILES)):
            if audit in known:
                continue
            inventory = read_inventory(inventory_file)
            scores = combine([scores_from_inventory(inventory), read_scores(scores_file, inventory.touchpoints)])
            store().import_inventory(audit, inventory, scores.frame, actor=actor, client="Northwind Home (fictional)")
        store().set_comparison(name, baseline, actor=actor)
    return name
