"""Export: the scored Excel audit, the report for the meeting (PowerPoint, PDF), CSVs, a blank template."""

from __future__ import annotations

import dataclasses
import re

import streamlit as st

from audit import i18n
from audit.compare import Comparison, stored_comparison
from audit.i18n import _
from audit.metrics import REPORT_COLUMNS, AuditResult
from audit.report import PDF_MIME, PPTX_MIME, ReportError, report_file
from audit.vocabulary import LANGUAGES
from audit.workbook import audit_workbook, csv_bytes, template_workbook
from ui import state


def results_in(code: str) -> tuple[AuditResult, Comparison | None]:
    """The results and the comparison with their sentences (findings, reasons, gaps, agreement) in the
    language `code`, for the workbook and the report: the page's own when it is that language, else computed
    again from the same snapshot (a copy computes its own result; the store is not read again)."""
    source = snapshot if code == i18n.current() else dataclasses.replace(snapshot)
    with i18n.use(code):
        return source.result, stored_comparison(store, source, state.actor())


store, audit = state.store(), state.current_audit()
st.title(_("Export"))
st.caption(_("Of the audit '{audit}'.").format(audit=audit))
snapshot = store.snapshot(audit)  # read once: the workbook and the CSVs show the same moment
slug = re.sub(r"[^\w-]+", "_", audit).strip("_") or "audit"
if snapshot.info.compared_with:
    compared = {
        "baseline": _(
            "Compared with its baseline '{audit}': the workbook gets a Comparison sheet and the report a comparison "
            "slide (change it on the Compare page)."
        ),
        "competitor": _(
            "Compared with its competitor '{audit}': the workbook gets a Comparison sheet and the report a "
            "comparison slide (change it on the Compare page)."
        ),
    }
    st.caption(compared.get(snapshot.info.compared_as, compared["baseline"]).format(audit=snapshot.info.compared_with))

language_codes = list(i18n.CODES)
language = st.selectbox(
    _("Language of the workbook and report"),
    language_codes,
    index=language_codes.index(snapshot.info.language) if snapshot.info.language in language_codes else 0,
    format_func=i18n.name,
    key=f"export_language|{audit}",  # each audit starts from its own language
    help=_("The audit's language unless you choose another here (change the audit's own on the Audits page)."),
)

st.subheader(_("The scored Excel audit"))
st.caption(
    _(
        "Summary, touchpoints with every score and flag, an action plan to fill in, coverage, consistency, "
        "the raw scores (editable offline, 1-5 enforced) and the method. Re-import it on the Import page."
    )
)
if st.button(_("Build the workbook"), type="primary", key="build_workbook"):
    bar = st.progress(0.0, text=_("Computing the audit..."))
    written, compared_in = results_in(language)
    st.session_state["workbook_bytes"] = audit_workbook(
        written,
        snapshot.touchpoints,
        snapshot.scores,
        snapshot.meta,
        progress=lambda done, text: bar.progress(done, text=text),
        comparison=compared_in,
        language=language,
    )
    st.session_state["workbook_audit"], st.session_state["workbook_language"] = audit, language
built_here = (st.session_state.get("workbook_audit"), st.session_state.get("workbook_language")) == (audit, language)
if built_here and "workbook_bytes" in st.session_state:  # built for another language: build it again
    st.download_button(
        _("Download the workbook (.xlsx)"),
        st.session_state["workbook_bytes"],
        file_name=f"{slug}_audit.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_workbook",
    )

st.subheader(_("Report for the meeting"))
st.caption(
    _(
        "Slides: the headline figures, the findings, the top weak spots with their reasons, every dashboard chart, "
        "the action plan and the method. Every word is editable; the PDF is the same deck, made by LibreOffice."
    )
)
for column, (kind, label, download, mime) in zip(
    st.columns(2),
    [
        ("pptx", _("Build the PowerPoint report"), _("Download the report (.pptx)"), PPTX_MIME),
        ("pdf", _("Build the PDF report"), _("Download the report (.pdf)"), PDF_MIME),
    ],
    strict=True,
):
    with column:
        if st.button(label, key=f"build_report_{kind}"):
            # TRANSLATORS: the first words of a progress bar, before the report's first step.
            bar = st.progress(0.0, text=_("Starting..."))
            try:
                written, compared_in = results_in(language)
                data = report_file(
                    written,
                    snapshot.meta,
                    kind,
                    comparison=compared_in,
                    progress=lambda done, text, bar=bar: bar.progress(done, text),
                    language=language,
                )
                st.session_state[f"report_{kind}"] = (audit, data)
                st.session_state[f"report_{kind}_language"] = language
            except ReportError as error:  # LibreOffice missing or failing: the sentence says what to install
                bar.empty()
                st.error(str(error))
        built = st.session_state.get(f"report_{kind}")
        if built and built[0] == audit and st.session_state.get(f"report_{kind}_language") == language:
            st.download_button(
                download,
                built[1],
                file_name=f"{slug}_report.{kind}",
                mime=mime,
                key=f"download_report_{kind}",
            )

st.subheader(_("CSV files"))
result = snapshot.result  # computed once per page run, shared with the workbook above
left, right = st.columns(2)
left.download_button(
    _("Touchpoints with results (.csv)"),
    csv_bytes(result.touchpoints[REPORT_COLUMNS]),
    file_name=f"{slug}_touchpoints.csv",
    mime="text/csv",
    key="download_touchpoints_csv",
)
right.download_button(
    _("Raw scores (.csv)"),
    csv_bytes(snapshot.scores.drop(columns=["source", "row"])),
    file_name=f"{slug}_scores.csv",
    mime="text/csv",
    key="download_scores_csv",
)
st.caption(_("Text that a spreadsheet would run as a formula (starting with =, +, - or @) gets a leading apostrophe."))

st.subheader(_("Blank inventory template"))
languages = {code: vocabulary.name for code, vocabulary in LANGUAGES.items() if vocabulary.template is not None}
# TRANSLATORS: the language of the blank template's headers and words.
codes = list(languages)
here = i18n.current()  # the page's language first: a Russian page offers the Russian template
lang = st.selectbox(
    _("Language"),
    codes,
    index=codes.index(here) if here in codes else 0,
    format_func=languages.__getitem__,
    key="template_lang",
)
st.download_button(
    _("Download the template (.xlsx)"),
    template_workbook(lang),
    file_name=f"touchpoint_inventory_{lang}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_template",
)
