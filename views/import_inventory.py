"""Import: upload an inventory (and score files) or a workbook this app exported; check, then import.

The page only shows what the import action (audit.importing) reads and stores: the same
action as `python -m audit import`. Column and sheet choices are widgets whose callbacks
record the choice; the page reads the file again with it, so a choice never loops.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import i18n
from audit.access import Role
from audit.i18n import N_, _, field_label, ngettext
from audit.importing import Imported, default_assessor, plan_import, read_import, store_import
from audit.problems import CODES, Problem, ReadError
from audit.reader import SUPPORTED_EXTENSIONS
from audit.store import StoreError
from audit.vocabulary import FIELDS
from audit.workbook import csv_bytes
from ui import state, tables

OVERRIDES = "mapping_overrides"
# Option values kept in the session (and read back) in English; shown translated: _(NO_COLUMN).
# TRANSLATORS: a field of the method read from no column of the file.
NO_COLUMN = N_("(no column)")
FIRST_TABLE = N_("(the first sheet with a touchpoint table)")
NEW_AUDIT = N_("a new audit")  # the "Into" choices, also kept in English
EXISTING_AUDIT = N_("an existing audit")
SHOWN_PER_KIND = 50  # problems listed per kind; all of them are in the download


def _forget_choices() -> None:
    """A new file starts from its own sheet, columns and assessor."""
    _forget_columns()
    for key in ("import_sheet", "import_assessor"):
        st.session_state.pop(key, None)


def _forget_columns() -> None:
    """Another sheet starts from its own columns: the choices made for the last sheet are dropped."""
    st.session_state[OVERRIDES] = {}
    for field in FIELDS:
        st.session_state.pop(f"map_{field}", None)


def _remap(field: str) -> None:
    """A column choice: recorded before the page runs again, which then reads the file with it."""
    picked = st.session_state[f"map_{field}"]
    st.session_state[OVERRIDES][field] = "" if picked == NO_COLUMN else picked


def _problem_list(imported: Imported) -> None:
    """Problems by kind, errors first and open, each message whole and said of its file when there are
    several files, with a download of them all."""
    sourced = imported.sourced_problems
    if not sourced:
        # TRANSLATORS: the list of problems found in the file is empty.
        st.caption(_("None."))
        return
    several = len({file for file, _ in sourced}) > 1
    kinds: dict[tuple[str, str], list[tuple[str, Problem]]] = {}
    for file, problem in sourced:
        kinds.setdefault((problem.severity, problem.code), []).append((file, problem))
    order = {"error": 0, "warning": 1, "info": 2}
    for (severity, code), found in sorted(kinds.items(), key=lambda item: order[item[0][0]]):
        icon = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}[severity]
        with st.expander(f"{_(CODES[code])} ({i18n.integer(len(found))})", icon=icon, expanded=severity == "error"):
            lines = [_where(file if several else None, p) + p.message for file, p in found[:SHOWN_PER_KIND]]
            listed = "\n".join(f"- {line}" for line in lines)
            more = len(found) - SHOWN_PER_KIND
            if more > 0:
                # TRANSLATORS: after the first problems of a kind; {n} counts the problems not listed.
                listed += "\n\n" + ngettext("... and {n} more.", "... and {n} more.", more).format(n=i18n.integer(more))
            st.markdown(listed)
    frame = pd.DataFrame(
        [{"file": file, **p.to_dict()} for file, p in sourced],
        columns=["file", "severity", "row", "column", "code", "message"],
    ).astype({"row": "Int64"})  # row 3, not 3.0
    st.download_button(_("Download every problem (.csv)"), csv_bytes(frame), file_name="import_problems.csv",
                       mime="text/csv", key="download_problems")  # fmt: skip


def _row(row: int) -> str:
    """A row number as the language writes its digits, without a thousands separator."""
    return i18n.localize_digits(str(row))


def _where(file: str | None, problem: Problem) -> str:
    parts = [
        file or "",
        # TRANSLATORS: where a problem is: a row of the file.
        _("row {row}").format(row=_row(problem.row)) if problem.row else "",
        f"'{problem.column}'" if problem.column else "",
    ]
    shown = i18n.join(p for p in parts if p)
    return f"**{shown}**: " if shown else ""


def _verdict(imported: Imported) -> None:
    inventory = imported.inventory
    stages = len(inventory.stages)
    # TRANSLATORS: ends "{n} touchpoints {in_stages}" ("33 touchpoints in 13 stages"): the stages with
    # their preposition, in the case it takes.
    in_stages = ngettext("in {n} stage", "in {n} stages", stages).format(n=i18n.integer(stages))
    touchpoints = len(inventory.touchpoints)
    facts = [
        ngettext("{n} touchpoint {in_stages}", "{n} touchpoints {in_stages}", touchpoints).format(
            n=i18n.integer(touchpoints), in_stages=in_stages
        ),
        _("header on row {row}").format(row=_row(inventory.header_row))
        if inventory.header_row
        else _("no header found"),
    ]
    if inventory.sheet and not imported.meta:
        facts.append(_("sheet '{sheet}'").format(sheet=inventory.sheet))
    counted = i18n.join(facts)
    warnings = sum(1 for p in imported.problems if p.severity == "warning")
    if imported.can_import:
        said = (
            ngettext(
                "{file}: {counted}. Ready to import, with {n} warning: see Problems.",
                "{file}: {counted}. Ready to import, with {n} warnings: see Problems.",
                warnings,
            )
            if warnings
            else _("{file}: {counted}. Ready to import.")
        )
        st.success(said.format(file=inventory.file, counted=counted, n=i18n.integer(warnings)))
        return
    errors = [p.message for p in imported.problems if p.severity == "error"]
    st.error(
        _(
            "{file} cannot be imported: {errors} Nothing will be imported until this is fixed; see Problems below."
        ).format(file=inventory.file, errors=" ".join(errors[:3]) + (" ..." if len(errors) > 3 else ""))
    )


st.title(_("Import an inventory"))
store, actor = state.store(), state.actor()
if "import_done" in st.session_state:
    st.success(st.session_state.pop("import_done"))
kinds = sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)
upload = st.file_uploader(
    _("Inventory, or a workbook exported by this app (a spreadsheet, up to 20 MB)"), type=kinds,
    key="inventory_upload",
)  # fmt: skip
score_uploads = st.file_uploader(
    _("Workshop score files (optional)"), type=kinds, accept_multiple_files=True, key="score_uploads"
)
if upload is None:
    st.info(
        _(
            "Upload the client's inventory. Title rows, blank rows, merged cells, several sheets, CSV in any "
            "common encoding and headers in English, Russian, Portuguese or Persian are all fine. A workbook "
            "exported from the Export page comes back whole: touchpoints, scores, client, weights and stages."
        )
    )
    st.stop()

if st.session_state.get("mapping_file") != (upload.name, upload.size):  # a new file starts from its own choices
    st.session_state["mapping_file"] = (upload.name, upload.size)
    _forget_choices()
overrides: dict[str, str] = st.session_state.setdefault(OVERRIDES, {})
chosen_sheet = st.session_state.get("import_sheet")
try:
    with st.spinner(_("Reading {file}...").format(file=upload.name)):
        imported = read_import(
            (upload.name, upload.getvalue()),
            sheet=None if chosen_sheet in (None, FIRST_TABLE) else chosen_sheet,
            overrides=overrides,
            score_files=[(f.name, f.getvalue()) for f in score_uploads or []],
            assessor=(st.session_state.get("import_assessor") or "").strip() or None,
        )
except ReadError as error:
    st.error(_("{error} Nothing was imported.").format(error=error))
    st.stop()

inventory, meta = imported.inventory, imported.meta
if meta:
    restored = (
        _(
            "This is a Touchpoint Audit workbook of '{audit}' for {client}: its touchpoints, scores, client, stage "
            "order and weights are restored as they were exported."
        )
        if meta.client
        else _(
            "This is a Touchpoint Audit workbook of '{audit}': its touchpoints, scores, client, stage order and "
            "weights are restored as they were exported."
        )
    )
    st.info(restored.format(audit=meta.name, client=meta.client))
elif len(imported.sheet_names) > 1:
    st.selectbox(
        _("Sheet"),
        [FIRST_TABLE, *imported.sheet_names],
        format_func=lambda sheet: _(FIRST_TABLE) if sheet == FIRST_TABLE else sheet,
        key="import_sheet",
        on_change=_forget_columns,
    )
_verdict(imported)

st.subheader(_("Columns"))
st.caption(_("Each field of the method and the column it is read from. Change one and the file is read again."))
cols = st.columns(5)
for index, field in enumerate(FIELDS):
    options = [NO_COLUMN, *inventory.columns]
    current = inventory.mapping.get(field, NO_COLUMN)
    st.session_state[f"map_{field}"] = current if current in options else NO_COLUMN  # shows what was read
    cols[index % 5].selectbox(
        field_label(field),
        options,
        format_func=lambda column: _(NO_COLUMN) if column == NO_COLUMN else column,
        key=f"map_{field}",
        on_change=_remap,
        args=(field,),
    )
if inventory.extra_columns:
    st.caption(
        _("Kept with each touchpoint as extra columns: {columns}").format(columns=i18n.join(inventory.extra_columns))
    )

if imported.own_score_count and not meta:
    st.text_input(
        _("Whose scores are the inventory's score columns?"),
        value=default_assessor(inventory),
        key="import_assessor",
        help=_(
            "The inventory holds relevance, meaningfulness or attractiveness columns: one assessor's scores. "
            "Name that assessor (the name shows in agreement and in the workbook)."
        ),
    )
if imported.own_score_count or imported.score_sets:
    scores = imported.scores
    assessors = len(scores.assessors)
    counted_scores = (
        ngettext("Scores: {scores} from {n} assessor: {who}.", "Scores: {scores} from {n} assessors: {who}.", assessors)
        if assessors
        else ngettext("Scores: {scores} from {n} assessor.", "Scores: {scores} from {n} assessors.", assessors)
    )
    st.caption(
        counted_scores.format(
            scores=i18n.integer(len(scores.frame)), n=i18n.integer(assessors), who=i18n.join(scores.assessors)
        )
    )

st.subheader(_("Problems"))
_problem_list(imported)

st.subheader(_("Preview"))
preview = inventory.to_frame().head(50)
headers = {column: field_label(column) for column in FIELDS} | {"type_inferred": _("Type inferred"), "row": _("Row")}
tables.show(
    preview,
    key="preview_table",
    column_config={column: label for column, label in headers.items() if column in preview.columns},
)  # labels on the headers: the data, and the file's own extra columns, stay as they are

st.subheader(_("Import"))
editable = [name for name, role in store.roles(actor).items() if role in (Role.OWNER, Role.EDITOR)]
targets = [NEW_AUDIT, EXISTING_AUDIT] if editable else [NEW_AUDIT]
# TRANSLATORS: import into (a new audit, an existing audit)
target = st.radio(_("Into"), targets, format_func=_, horizontal=True, key="import_target")
if target == NEW_AUDIT:
    suggested = meta.name if meta else inventory.file.rsplit(".", 1)[0]
    name = st.text_input(_("Audit name"), value=suggested, key="import_name").strip()
    if name in editable:
        st.warning(_("An audit called '{audit}' exists; importing will update it.").format(audit=name))
else:
    current_audit = st.session_state.get(state.AUDIT)
    name = st.selectbox(_("Audit"), editable, index=editable.index(current_audit) if current_audit in editable else 0,
                        key="import_audit")  # fmt: skip
if name in editable and imported.can_import:
    plan = plan_import(store, imported, name)
    st.info(_("What will change: {summary}").format(summary=plan.summary))
    with st.expander(_("Details")):
        details = {"new": plan.added, "changed": plan.updated, "archived": plan.archived, "restored": plan.restored}
        # TRANSLATORS: the touchpoints an import adds, changes, archives and brings back: "new", "changed",
        # "archived", "restored" head their lists.
        titles = {"new": _("new"), "changed": _("changed"), "archived": _("archived"), "restored": _("restored")}
        st.write({titles[key]: listed for key, listed in details.items()})
if not name:
    st.caption(_("Name the audit to import into."))
typed_assessor = st.session_state.get("import_assessor")
assessor_missing = bool(
    imported.own_score_count and not meta and typed_assessor is not None and not typed_assessor.strip()
)
if assessor_missing:
    st.warning(_("Name the assessor of the inventory's score columns before importing."))
# What this import is: the same file, choices and target again is the same import (a double click).
fingerprint = (
    upload.file_id, st.session_state.get("import_sheet"), tuple(sorted(overrides.items())),
    tuple(f.file_id for f in score_uploads or []), imported.assessor, name,
)  # fmt: skip
# TRANSLATORS: a button: import the file into the audit.
if st.button(_("Import"), type="primary", key="import_button",
             disabled=not imported.can_import or not name or assessor_missing):  # fmt: skip
    if st.session_state.get("import_last", (None, ""))[0] == fingerprint:
        st.info(_("Already imported: {what}").format(what=st.session_state["import_last"][1]))
        st.stop()
    with st.status(_("Importing {file} into '{audit}'...").format(file=inventory.file, audit=name),
                   expanded=True) as status:  # fmt: skip
        st.write(
            _("Writing the touchpoints ({touchpoints}) and the scores ({scores})...").format(
                touchpoints=i18n.integer(len(inventory.touchpoints)), scores=i18n.integer(len(imported.score_frame))
            )
        )
        try:
            done = store_import(store, imported, name, actor=actor)
        except StoreError as error:
            status.update(label=_("Import failed: nothing was changed"), state="error", expanded=True)
            st.error(str(error))
            st.stop()
        status.update(label=_("Imported into '{audit}'").format(audit=name), state="complete")
    state.open_audit(name)
    st.session_state["import_done"] = _("Imported {file} into '{audit}'. {summary} The audit is open.").format(
        file=inventory.file, audit=name, summary=done.summary
    )
    st.session_state["import_last"] = (fingerprint, st.session_state["import_done"])
    st.rerun()  # the sidebar and the navigation follow the audit now open
