"""Export: the scored Excel audit, CSVs, and a blank inventory template."""

from __future__ import annotations

import re

import streamlit as st

from audit.metrics import REPORT_COLUMNS
from audit.workbook import audit_workbook, csv_bytes, template_workbook
from ui import state

store, audit = state.store(), state.current_audit()
st.title("Export")
st.caption(f"Of the audit '{audit}'.")
snapshot = store.snapshot(audit)  # read once: the workbook and the CSVs show the same moment
slug = re.sub(r"[^\w-]+", "_", audit).strip("_") or "audit"

st.subheader("The scored Excel audit")
st.caption(
    "Summary, touchpoints with every score and flag, an action plan to fill in, coverage, consistency, "
    "the raw scores (editable offline, 1-5 enforced) and the method. Re-import it on the Import page."
)
if st.button("Build the workbook", type="primary", key="build_workbook"):
    bar = st.progress(0.0, text="Computing the audit...")
    st.session_state["workbook_bytes"] = audit_workbook(
        snapshot.result,
        snapshot.touchpoints,
        snapshot.scores,
        snapshot.meta,
        progress=lambda done, text: bar.progress(done, text=text),
    )
    st.session_state["workbook_audit"] = audit
if st.session_state.get("workbook_audit") == audit and "workbook_bytes" in st.session_state:
    st.download_button(
        "Download the workbook (.xlsx)",
        st.session_state["workbook_bytes"],
        file_name=f"{slug}_audit.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_workbook",
    )

st.subheader("CSV files")
result = snapshot.result  # computed once per page run, shared with the workbook above
left, right = st.columns(2)
left.download_button(
    "Touchpoints with results (.csv)",
    csv_bytes(result.touchpoints[REPORT_COLUMNS]),
    file_name=f"{slug}_touchpoints.csv",
    mime="text/csv",
    key="download_touchpoints_csv",
)
right.download_button(
    "Raw scores (.csv)",
    csv_bytes(snapshot.scores.drop(columns=["source", "row"])),
    file_name=f"{slug}_scores.csv",
    mime="text/csv",
    key="download_scores_csv",
)
st.caption("Text that a spreadsheet would run as a formula (starting with =, +, - or @) gets a leading apostrophe.")

st.subheader("Blank inventory template")
languages = {"en": "English", "ru": "Русский", "pt": "Português", "fa": "فارسی"}
lang = st.selectbox("Language", list(languages), format_func=languages.__getitem__, key="template_lang")
st.download_button(
    "Download the template (.xlsx)",
    template_workbook(lang),
    file_name=f"touchpoint_inventory_{lang}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_template",
)
