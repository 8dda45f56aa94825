"""Session state in one place: the store, the open audit and who is scoring.

The open audit and the assessor live in the URL's query parameters too, so that reloading
the page, or opening the link again after a restart, brings the same audit back. Scores
never live only here: the pages write them to the store the moment they change.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from audit.inventory import read_inventory
from audit.scoring import combine, read_scores, scores_from_inventory
from audit.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INVENTORY = ROOT / "sample_data" / "northwind_inventory.xlsx"
SAMPLE_SCORES = ROOT / "sample_data" / "northwind_scores.csv"
SAMPLE_AUDIT = "Northwind Home (sample)"
DEFAULT_STAGES = ("Awareness", "Consideration", "Purchase", "Service", "Loyalty")

AUDIT = "audit"  # the open audit's name
ASSESSOR = "assessor"  # who is scoring in this browser session


@st.cache_resource
def store() -> Store:
    """One store (one connection pool) per app process."""
    return Store.open()


def init() -> None:
    """Restore the open audit and assessor from the URL; open the sample on a first start."""
    if AUDIT not in st.session_state:
        st.session_state[AUDIT] = st.query_params.get(AUDIT)
    if ASSESSOR not in st.session_state:
        st.session_state[ASSESSOR] = st.query_params.get(ASSESSOR)
    names = store().audit_names()
    if not names:
        load_sample()
        names = store().audit_names()
    if st.session_state[AUDIT] not in names:
        st.session_state[AUDIT] = SAMPLE_AUDIT if SAMPLE_AUDIT in names else names[0]
    remember()


def remember() -> None:
    """Write the open audit and assessor into the URL."""
    for key in (AUDIT, ASSESSOR):
        value = st.session_state.get(key)
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def open_audit(name: str) -> None:
    st.session_state[AUDIT] = name
    remember()


def set_assessor(name: str | None) -> None:
    st.session_state[ASSESSOR] = (name or "").strip() or None
    remember()


def current_audit() -> str:
    return str(st.session_state[AUDIT])


def current_assessor() -> str | None:
    value = st.session_state.get(ASSESSOR)
    return str(value) if value else None


def load_sample() -> str:
    """Import the bundled sample audit (once) and return its name."""
    if SAMPLE_AUDIT not in store().audit_names():
        inventory = read_inventory(SAMPLE_INVENTORY)
        scores = combine([scores_from_inventory(inventory), read_scores(SAMPLE_SCORES, inventory.touchpoints)])
        store().import_inventory(SAMPLE_AUDIT, inventory, scores.frame, client="Northwind Home (fictional)")
    return SAMPLE_AUDIT
