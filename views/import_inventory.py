"""Import: upload an inventory (and score files) or a workbook this app exported; check, then import.

The page only shows what the import action (audit.importing) reads and stores: the same
action as `python -m audit import`. Column and sheet choices are widgets whose callbacks
record the choice; the page reads the file again with it, so a choice never loops.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.access import Role
from audit.importing import Imported, default_assessor, plan_import, read_import, store_import
from audit.problems import CODES, Problem, ReadError
from audit.reader import SUPPORTED_EXTENSIONS
from audit.store import StoreError
from audit.vocabulary import FIELDS
from audit.workbook import csv_bytes
from ui import state

OVERRIDES = "mapping_overrides"
NO_COLUMN = "(no column)"
FIRST_TABLE = "(the first sheet with a touchpoint table)"
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
        st.caption("None.")
        return
    several = len({file for file, _ in sourced}) > 1
    kinds: dict[tuple[str, str], list[tuple[str, Problem]]] = {}
    for file, problem in sourced:
        kinds.setdefault((problem.severity, problem.code), []).append((file, problem))
    order = {"error": 0, "warning": 1, "info": 2}
    for (severity, code), found in sorted(kinds.items(), key=lambda item: order[item[0][0]]):
        icon = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}[severity]
        with st.expander(f"{CODES[code]} ({len(found)})", icon=icon, expanded=severity == "error"):
            lines = [_where(file if several else None, p) + p.message for file, p in found[:SHOWN_PER_KIND]]
            more = len(found) - SHOWN_PER_KIND
            st.markdown("\n".join(f"- {line}" for line in lines) + (f"\n\n... and {more} more." if more > 0 else ""))
    frame = pd.DataFrame(
        [{"file": file, **p.to_dict()} for file, p in sourced],
        columns=["file", "severity", "row", "column", "code", "message"],
    ).astype({"row": "Int64"})  # row 3, not 3.0
    st.download_button("Download every problem (.csv)", csv_bytes(frame), file_name="import_problems.csv",
                       mime="text/csv", key="download_problems")  # fmt: skip


def _where(file: str | None, problem: Problem) -> str:
    parts = [file or "", f"row {problem.row}" if problem.row else "", f"'{problem.column}'" if problem.column else ""]
    shown = ", ".join(p for p in parts if p)
    return f"**{shown}**: " if shown else ""


def _verdict(imported: Imported) -> None:
    inventory = imported.inventory
    where = f"header on row {inventory.header_row}" if inventory.header_row else "no header found"
    sheet = f", sheet '{inventory.sheet}'" if inventory.sheet and not imported.meta else ""
    touchpoints = len(inventory.touchpoints)
    stages = len(inventory.stages)
    counted = (
        f"{touchpoints} touchpoint{'s' if touchpoints != 1 else ''} in {stages} stage{'s' if stages != 1 else ''}, "
        f"{where}{sheet}"
    )
    warnings = sum(1 for p in imported.problems if p.severity == "warning")
    if imported.can_import:
        said = f", with {warnings} warning{'s' if warnings != 1 else ''}: see Problems" if warnings else ""
        st.success(f"{inventory.file}: {counted}. Ready to import{said}.")
        return
    errors = [p.message for p in imported.problems if p.severity == "error"]
    st.error(
        f"{inventory.file} cannot be imported: " + " ".join(errors[:3]) + (" ..." if len(errors) > 3 else "")
        + " Nothing will be imported until this is fixed; see Problems below."
    )  # fmt: skip


st.title("Import an inventory")
store, actor = state.store(), state.actor()
if "import_done" in st.session_state:
    st.success(st.session_state.pop("import_done"))
kinds = sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)
upload = st.file_uploader(
    "Inventory, or a workbook exported by this app (a spreadsheet, up to 20 MB)", type=kinds,
    key="inventory_upload",
)  # fmt: skip
score_uploads = st.file_uploader(
    "Workshop score files (optional)", type=kinds, accept_multiple_files=True, key="score_uploads"
)
if upload is None:
    st.info(
        "Upload the client's inventory. Title rows, blank rows, merged cells, several sheets, CSV in any "
        "common encoding and headers in English, Russian, Portuguese or Persian are all fine. A workbook "
        "exported from the Export page comes back whole: touchpoints, scores, client, weights and stages."
    )
    st.stop()

if st.session_state.get("mapping_file") != (upload.name, upload.size):  # a new file starts from its own choices
    st.session_state["mapping_file"] = (upload.name, upload.size)
    _forget_choices()
overrides: dict[str, str] = st.session_state.setdefault(OVERRIDES, {})
chosen_sheet = st.session_state.get("import_sheet")
try:
    with st.spinner(f"Reading {upload.name}..."):
        imported = read_import(
            (upload.name, upload.getvalue()),
            sheet=None if chosen_sheet in (None, FIRST_TABLE) else chosen_sheet,
            overrides=overrides,
            score_files=[(f.name, f.getvalue()) for f in score_uploads or []],
            assessor=(st.session_state.get("import_assessor") or "").strip() or None,
        )
except ReadError as error:
    st.error(f"{error} Nothing was imported.")
    st.stop()

inventory, meta = imported.inventory, imported.meta
if meta:
    client = f" for {meta.client}" if meta.client else ""
    st.info(
        f"This is a Touchpoint Audit workbook of '{meta.name}'{client}: its touchpoints, scores, client, stage "
        "order and weights are restored as they were exported."
    )
elif len(imported.sheet_names) > 1:
    st.selectbox("Sheet", [FIRST_TABLE, *imported.sheet_names], key="import_sheet", on_change=_forget_columns)
_verdict(imported)

st.subheader("Columns")
st.caption("Each field of the method and the column it is read from. Change one and the file is read again.")
cols = st.columns(5)
for index, field in enumerate(FIELDS):
    options = [NO_COLUMN, *inventory.columns]
    current = inventory.mapping.get(field, NO_COLUMN)
    st.session_state[f"map_{field}"] = current if current in options else NO_COLUMN  # shows what was read
    cols[index % 5].selectbox(field, options, key=f"map_{field}", on_change=_remap, args=(field,))
if inventory.extra_columns:
    st.caption("Kept with each touchpoint as extra columns: " + ", ".join(inventory.extra_columns))

if imported.own_score_count and not meta:
    st.text_input(
        "Whose scores are the inventory's score columns?",
        value=default_assessor(inventory),
        key="import_assessor",
        help="The inventory holds relevance, meaningfulness or attractiveness columns: one assessor's scores. "
        "Name that assessor (the name shows in agreement and in the workbook).",
    )
if imported.own_score_count or imported.score_sets:
    scores = imported.scores
    who = ", ".join(scores.assessors)
    st.caption(f"Scores: {len(scores.frame)} from {len(scores.assessors)} assessor(s)" + (f": {who}." if who else "."))

st.subheader("Problems")
_problem_list(imported)

st.subheader("Preview")
st.dataframe(inventory.to_frame().head(50), hide_index=True, key="preview_table", width="stretch")

st.subheader("Import")
editable = [name for name, role in store.roles(actor).items() if role in (Role.OWNER, Role.EDITOR)]
targets = ["a new audit", "an existing audit"] if editable else ["a new audit"]
target = st.radio("Into", targets, horizontal=True, key="import_target")
if target == "a new audit":
    suggested = meta.name if meta else inventory.file.rsplit(".", 1)[0]
    name = st.text_input("Audit name", value=suggested, key="import_name").strip()
    if name in editable:
        st.warning(f"An audit called '{name}' exists; importing will update it.")
else:
    current_audit = st.session_state.get(state.AUDIT)
    name = st.selectbox("Audit", editable, index=editable.index(current_audit) if current_audit in editable else 0,
                        key="import_audit")  # fmt: skip
if name in editable and imported.can_import:
    plan = plan_import(store, imported, name)
    st.info("What will change: " + plan.summary)
    with st.expander("Details"):
        st.write({"new": plan.added, "changed": plan.updated, "archived": plan.archived, "restored": plan.restored})
if not name:
    st.caption("Name the audit to import into.")
typed_assessor = st.session_state.get("import_assessor")
assessor_missing = bool(
    imported.own_score_count and not meta and typed_assessor is not None and not typed_assessor.strip()
)
if assessor_missing:
    st.warning("Name the assessor of the inventory's score columns before importing.")
# What this import is: the same file, choices and target again is the same import (a double click).
fingerprint = (
    upload.file_id, st.session_state.get("import_sheet"), tuple(sorted(overrides.items())),
    tuple(f.file_id for f in score_uploads or []), imported.assessor, name,
)  # fmt: skip
if st.button("Import", type="primary", key="import_button",
             disabled=not imported.can_import or not name or assessor_missing):  # fmt: skip
    if st.session_state.get("import_last", (None, ""))[0] == fingerprint:
        st.info(f"Already imported: {st.session_state['import_last'][1]}")
        st.stop()
    with st.status(f"Importing {inventory.file} into '{name}'...", expanded=True) as status:
        st.write(f"Writing {len(inventory.touchpoints)} touchpoints and {len(imported.score_frame)} scores...")
        try:
            done = store_import(store, imported, name, actor=actor)
        except StoreError as error:
            status.update(label="Import failed: nothing was changed", state="error", expanded=True)
            st.error(str(error))
            st.stop()
        status.update(label=f"Imported into '{name}'", state="complete")
    state.open_audit(name)
    st.session_state["import_done"] = f"Imported {inventory.file} into '{name}'. {done.summary} The audit is open."
    st.session_state["import_last"] = (fingerprint, st.session_state["import_done"])
    st.rerun()  # the sidebar and the navigation follow the audit now open
