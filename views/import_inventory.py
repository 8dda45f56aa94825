"""Import: upload an inventory (and score files), check the mapping and problems, then import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.access import Role
from audit.inventory import parse_inventory
from audit.problems import ReadError
from audit.reader import SUPPORTED_EXTENSIONS, open_bytes
from audit.scoring import combine, read_scores_bytes, scores_from_inventory
from audit.store import StoreError
from audit.vocabulary import FIELDS
from audit.workbook import is_audit_workbook, read_audit_workbook
from ui import state

st.title("Import an inventory")
store = state.store()
kinds = sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)
upload = st.file_uploader("Inventory (a spreadsheet, up to 20 MB)", type=kinds, key="inventory_upload")
score_uploads = st.file_uploader(
    "Workshop score files (optional)", type=kinds, accept_multiple_files=True, key="score_uploads"
)
if upload is None:
    st.info(
        "Upload the client's inventory. Title rows, blank rows, merged cells, several sheets, CSV in any "
        "common encoding and headers in English, Russian, Portuguese or Persian are all fine."
    )
    st.stop()

if st.session_state.get("mapping_file") != (upload.name, upload.size):  # a new file starts from its own mapping
    st.session_state["mapping_file"] = (upload.name, upload.size)
    st.session_state["mapping_overrides"] = {}
    for field in FIELDS:  # the dropdowns too, or the last file's choices would unmap this one's columns
        st.session_state.pop(f"map_{field}", None)
overrides: dict[str, str] = st.session_state["mapping_overrides"]
try:
    with st.spinner(f"Reading {upload.name}..."):
        source = open_bytes(upload.getvalue(), name=upload.name)
        sheet = None
        if len(source.sheet_names) > 1:
            sheet = st.selectbox(
                "Sheet", ["(the first sheet with a touchpoint table)", *source.sheet_names], key="import_sheet"
            )
            sheet = None if sheet.startswith("(") else sheet
        meta = None
        if is_audit_workbook(source):
            meta, inventory, own_scores = read_audit_workbook(source)
            st.info(
                f"This is a Touchpoint Audit workbook of '{meta.name}': its touchpoints, scores, stage order "
                "and weights are read as they were exported."
            )
        else:
            inventory = parse_inventory(source, sheet=sheet, overrides=overrides)
except ReadError as error:
    st.error(str(error))
    st.stop()

st.success(
    f"{inventory.file}: {len(inventory.touchpoints)} touchpoints in {len(inventory.stages)} stage(s), "
    f"header on row {inventory.header_row or '-'}" + (f", sheet '{inventory.sheet}'" if inventory.sheet else "")
)

st.subheader("Columns")
st.caption("Each field of the method and the column it is read from. Change one and the import re-runs.")
none = "(no column)"
cols = st.columns(5)
for index, field in enumerate(FIELDS):
    options = [none, *inventory.columns]
    current = inventory.mapping.get(field, none)
    picked = cols[index % 5].selectbox(
        field, options, index=options.index(current) if current in options else 0, key=f"map_{field}"
    )
    if picked != current:
        overrides[field] = "" if picked == none else picked
        st.rerun()
if inventory.extra_columns:
    st.caption("Kept with each touchpoint as extra columns: " + ", ".join(inventory.extra_columns))

st.subheader("Problems")
problems = pd.DataFrame([p.to_dict() for p in inventory.problems], columns=["severity", "row", "column", "message"])
if problems.empty:
    st.caption("None.")
else:
    st.dataframe(problems, hide_index=True, key="problems_table", width="stretch")

st.subheader("Preview")
st.dataframe(inventory.to_frame().head(50), hide_index=True, key="preview_table", width="stretch")

sets = [own_scores] if meta else [scores_from_inventory(inventory)]
for score_file in score_uploads or []:
    try:
        sets.append(read_scores_bytes(score_file.getvalue(), score_file.name, inventory.touchpoints))
    except ReadError as error:
        st.error(str(error))
scores = combine(sets)
if score_uploads:
    st.caption(f"Scores: {len(scores.frame)} from {len(scores.assessors)} assessor(s).")
    if scores.problems:
        st.dataframe(pd.DataFrame([p.to_dict() for p in scores.problems]), hide_index=True, key="score_problems")

if not inventory.can_import:
    st.error("This inventory cannot be imported until the errors above are fixed (map a name column, for one).")
    st.stop()

st.subheader("Import")
actor = state.actor()
editable = [a.name for a in store.list_audits(actor) if a.role in (Role.OWNER, Role.EDITOR)]
targets = ["a new audit", "an existing audit"] if editable else ["a new audit"]
target = st.radio("Into", targets, horizontal=True, key="import_target")
if target == "a new audit":
    suggested = meta.name if meta else inventory.file.rsplit(".", 1)[0]
    name = st.text_input("Audit name", value=suggested, key="import_name").strip()
    if name in editable:
        st.warning(f"An audit called '{name}' exists; importing will update it.")
else:
    current = st.session_state.get(state.AUDIT)
    name = st.selectbox("Audit", editable, index=editable.index(current) if current in editable else 0,
                        key="import_audit")  # fmt: skip
if name in editable:
    plan = store.plan_import(name, inventory, scores.frame)
    st.info("What will change: " + plan.summary)
    with st.expander("Details"):
        st.write({"new": plan.added, "changed": plan.updated, "archived": plan.archived, "restored": plan.restored})
if st.button("Import", type="primary", key="import_button", disabled=not name):
    with st.status(f"Importing {inventory.file} into '{name}'...", expanded=True) as status:
        st.write(f"Writing {len(inventory.touchpoints)} touchpoints and {len(scores.frame)} scores...")
        try:
            done = store.import_inventory(name, inventory, scores.frame, actor=actor)
            if meta:
                store.set_stage_order(name, meta.stage_order, actor=actor)
                store.set_weights(name, meta.weights, actor=actor)
        except StoreError as error:
            status.update(label="Import failed: nothing was changed", state="error", expanded=True)
            st.error(str(error))
            st.stop()
        status.update(label=f"Imported into '{name}'", state="complete")
    state.open_audit(name)
    st.session_state["mapping_overrides"] = {}
    st.success(done.summary + " The audit is open: see it on the Dashboard.")
