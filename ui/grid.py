"""The participant's grid, for laptops: every touchpoint in one editable table.

The table the browser edits is built once (per reload of the saved scores) and kept, so
its data never changes under an open cell editor: the browser's edits are compared with
the grid as this page last saw it, and each new edit is saved. Score cells are text, so a
7, a 3.5 or "abc" reaches the server as typed and is refused with a message that stays
until the cell is corrected; nothing is clamped. A note is saved once for its row.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import i18n
from audit.i18n import _, field_label
from audit.store import StoreError
from audit.vocabulary import CRITERIA
from audit.workshop import RUBRIC, grid_changes, refused_cells, score_grid
from audit.workshops import Participant
from ui import state

RELOADS = "grid_reloads"  # bumped by "Show my saved scores": a new table from the store
# Widths in pixels: the score columns start at the same place on every screen (the browser tests use it).
FIXED_WIDTHS = {"id": 80, "name": 240, "stage": 120, "channel": 110, "owner": 110}
SCORE_WIDTH = 120
REFUSED = "grid_refused"  # (touchpoint key, criterion or "note") -> why the workshop refused a valid value
LAST_SAVED = "grid_last_saved"  # the sentence confirming the last save


def show(who: Participant, touchpoints: pd.DataFrame, mine: pd.DataFrame) -> None:
    editor = f"grid_{st.session_state.get(RELOADS, 0)}"
    if f"{editor}_base" not in st.session_state:
        st.session_state[f"{editor}_base"] = score_grid(touchpoints, mine)
        st.session_state[REFUSED] = {}
    base = st.session_state[f"{editor}_base"]
    edited = st.data_editor(
        base,
        key=editor,
        hide_index=True,
        placeholder="",  # a score not given yet is an empty cell, not "None"
        disabled=["id", "name", "stage", "channel", "owner"],
        column_config={
            c: st.column_config.TextColumn(i18n.label(c), help=_(RUBRIC[c]), width=SCORE_WIDTH) for c in CRITERIA
        }
        | {"note": st.column_config.TextColumn(_("Note (evidence)"), width=320)}
        | {c: st.column_config.TextColumn(field_label(c), width=w) for c, w in FIXED_WIDTHS.items()},
        width="stretch",
    )
    _save(who, st.session_state.get(f"{editor}_seen", base), edited)
    st.session_state[f"{editor}_seen"] = edited.copy()
    # Below the table, so that a message never moves the cells being edited; no toasts: closing
    # one while typing across a row lost the next value in the walk-through.
    if LAST_SAVED in st.session_state:
        st.success(st.session_state[LAST_SAVED])
    _refusals(base, edited)
    st.caption(_("Type 1-5 in a cell (or paste several); clear a cell to clear the score. Each edit is saved at once."))
    if st.button(_("Show my saved scores"), key="grid_reload", help=_("Rebuild the table from what is saved")):
        st.session_state[RELOADS] = st.session_state.get(RELOADS, 0) + 1
        st.rerun()


def _save(who: Participant, seen: pd.DataFrame, edited: pd.DataFrame) -> None:
    """Save every edit made since the page last looked; record the workshop's refusals."""
    edits, notes = grid_changes(seen, edited)
    workshops, refused = state.workshops(), st.session_state[REFUSED]
    for edit in edits:
        refused.pop((edit.key, edit.criterion), None)
        if edit.error:
            continue  # shown by _refusals for as long as the cell holds it
        try:
            saved = workshops.score_as(who, edit.key, edit.criterion, edit.value)
        except StoreError as error:
            refused[(edit.key, edit.criterion)] = _("{touchpoint}, {criterion} = {typed}: {error}").format(
                touchpoint=edit.name, criterion=i18n.label(edit.criterion).lower(), typed=edit.typed, error=error
            )
            continue
        if saved.changed:
            st.session_state[LAST_SAVED] = (
                _("Saved: {touchpoint}, {criterion} = {value}.").format(
                    touchpoint=edit.name, criterion=i18n.label(edit.criterion).lower(), value=i18n.integer(edit.value)
                )
                if edit.value
                else _("Saved: {touchpoint}, {criterion} = empty.").format(
                    touchpoint=edit.name, criterion=i18n.label(edit.criterion).lower()
                )
            )
    for note in notes:
        refused.pop((note.key, "note"), None)
        try:
            workshops.note_as(who, note.key, note.note)
        except StoreError as error:
            refused[(note.key, "note")] = _("{touchpoint}, note: {error}").format(touchpoint=note.name, error=error)
            continue
        st.session_state[LAST_SAVED] = _("Saved: the note on {touchpoint}.").format(touchpoint=note.name)


def _refusals(base: pd.DataFrame, edited: pd.DataFrame) -> None:
    lines = [
        _("{touchpoint}, {criterion}: {error}").format(
            touchpoint=edit.name, criterion=i18n.label(edit.criterion).lower(), error=edit.error
        )
        for edit in refused_cells(base, edited)
    ]
    lines += list(st.session_state[REFUSED].values())
    if lines:  # the list outside the sentences: a Persian sentence isolates its placeholders, a list's "- " too
        # TRANSLATORS: above the list of refused score cells in the grid; each cell's line says it was not saved.
        above = _("The table still shows what was typed:")
        # TRANSLATORS: below the list of refused score cells; 'Show my saved scores' is the button's label.
        below = _("Correct the cell, or press 'Show my saved scores'.")
        st.error("\n".join([above, "", *(f"- {line}" for line in lines), "", below]))
