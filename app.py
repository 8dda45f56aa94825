"""Touchpoint Audit: the Streamlit entry point.

For now it shows the bundled sample inventory and what the importer found in it; the full
workshop UI (audits, import, scoring, dashboard, export) arrives page by page in `pages/`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from audit.inventory import read_inventory

SAMPLE = Path(__file__).parent / "sample_data" / "northwind_inventory.xlsx"


@st.cache_data
def _sample_frame():  # type: ignore[no-untyped-def]
    inventory = read_inventory(SAMPLE)
    return inventory, inventory.to_frame()


st.set_page_config(page_title="Touchpoint Audit", layout="wide")
st.title("Touchpoint Audit")
inventory, frame = _sample_frame()
st.caption(f"Sample audit: {inventory.file}, sheet '{inventory.sheet}', header on row {inventory.header_row}.")
st.metric("Touchpoints", len(inventory.touchpoints))
st.write("Stages in journey order: " + " → ".join(inventory.stages))
st.dataframe(frame, hide_index=True, key="sample_inventory")
