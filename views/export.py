"""Export: the scored Excel audit, the report for the meeting (PowerPoint, PDF), CSVs, a blank template."""

from __future__ import annotations

import re

import streamlit as st

from audit.compare import stored_comparison
from audit.metrics import REPORT_COLUMNS
from audit.report import PDF_MIME, PPTX_MIME, ReportError, report_file
from audit.vocabulary import LANGUAGES
from audit.workbook import audit_workbook, csv_bytes, template_workbook
from ui import state

store, audit = state.store(), state.current_audit()
st.title("Export")
st.caption(f"Of the audit '{audit}'.")
snapshot = store.snapshot(audit)  # read once: the workbook and the CSVs show the same moment
slug = re.sub(r"[^\w-]+", "_", audit).strip("_") or "audit"
if snapshot.info.compared_with:
    st.caption(
        f"Compared with its {snapshot.info.compared_as} '{snapshot.info.compared_with}': the workbook gets a "
        "Comparison sheet and the report a comparison slide (change it on the Compare page)."
    )

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
        comparison=stored_comparison(store, snapshot, state.actor()),
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

st.subheader("Report for the meeting")
st.caption(
    "Slides: the headline figures, the findings, the top weak spots with their reasons, every dashboard chart, "
    "the action plan and the method. Every word is editable; the PDF is the same deck, made by LibreOffice."
)
for column, (kind, label, mime) in zip(
    st.columns(2),
    [("pptx", "Build the PowerPoint report", PPTX_MIME), ("pdf", "Build the PDF report", PDF_MIME)],
    strict=True,
):
    with column:
        if st.button(label, key=f"build_report_{kind}"):
            bar = st.progress(0.0, text="Starting...")
            try:
                data = report_file(
                    snapshot.result,
                    snapshot.meta,
                    kind,
                    comparison=stored_comparison(store, snapshot, state.actor()),
                    progress=lambda done, text, bar=bar: bar.progress(done, text),
                )
                st.session_state[f"report_{kind}"] = (audit, data)
            except ReportError as error:  # LibreOffice missing or failing: the sentence says what to install
                bar.empty()
                st.error(str(error))
        built = st.session_state.get(f"report_{kind}")
        if built and built[0] == audit:
            st.download_button(
                f"Download the report (.{kind})",
                built[1],
                file_name=f"{slug}_report.{kind}",
                mime=mime,
                key=f"download_report_{kind}",
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
languages = {code: language.name for code, language in LANGUAGES.items() if language.template is not None}
lang = st.selectbox("Language", list(languages), format_func=languages.__getitem__, key="template_lang")
st.download_button(
    "Download the template (.xlsx)",
    template_workbook(lang),
    file_name=f"touchpoint_inventory_{lang}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_template",
)
