"""Score: each assessor scores every touchpoint; every edit is validated and saved at once."""

from __future__ import annotations

import hashlib

import streamlit as st

from audit.store import StoreError
from audit.vocabulary import CRITERIA
from audit.workshop import RUBRIC, SCALE_WORDS, filter_grid, grid_changes, progress, room, score_grid
from ui import state

st.title("Score")
store, audit = state.store(), state.current_audit()
known = store.assessor_names(audit)
current = state.current_assessor()

pick, new = st.columns([2, 2])
options = ["(new assessor)", *known]
index = options.index(current) if current in options else 0
chosen = pick.selectbox("Who is scoring?", options, index=index, key="assessor_pick")
typed = new.text_input("Your name", key="assessor_name", disabled=chosen != "(new assessor)")
assessor = typed.strip() if chosen == "(new assessor)" else chosen
if assessor != (current or ""):
    state.set_assessor(assessor)
if not assessor:
    st.info("Pick your name, or type it, to start scoring.")
    st.stop()

with st.popover("The rubric: what 1-5 means"):
    for criterion, text in RUBRIC.items():
        st.markdown(f"**{criterion.capitalize()}**: {text}")
    st.markdown(" · ".join(f"**{n}** {w}" for n, w in SCALE_WORDS.items()))

info = store.audit(audit)
touchpoints, scores = store.touchpoint_frame(audit), store.score_frame(audit)
grid = score_grid(touchpoints, scores, assessor)
f1, f2, f3 = st.columns(3)
stages = f1.multiselect("Stage", info.stage_order, key="filter_stage")
channels = f2.multiselect("Channel", sorted(grid["channel"].dropna().unique()), key="filter_channel")
owners = f3.multiselect("Owner", sorted(grid["owner"].dropna().unique()), key="filter_owner")
shown = filter_grid(grid, stages=stages, channels=channels, owners=owners)

progress_slot = st.empty()  # filled after this run's edits are saved, so it counts them

# The editor's key changes with the rows shown, so an edit can never land on another row.
rows_digest = hashlib.sha1("|".join([assessor, *shown["id"]]).encode()).hexdigest()[:8]
editor_key = st.session_state["score_editor_key"] = f"score_editor_{rows_digest}"
score_column = {
    c: st.column_config.NumberColumn(c.capitalize(), min_value=1, max_value=5, step=1, help=RUBRIC[c]) for c in CRITERIA
}
edited = st.data_editor(
    shown,
    key=editor_key,
    hide_index=True,
    disabled=["id", "name", "stage", "channel", "owner"],
    column_config=score_column | {"note": st.column_config.TextColumn("Note (evidence)", max_chars=500)},
    width="stretch",
)
saved_any = False
for edit in grid_changes(shown, edited):
    if edit.error:
        st.error(f"{edit.name}, {edit.criterion}: {edit.error}")
        continue
    try:
        saved = store.save_score(audit, edit.key, assessor, edit.criterion, edit.value, edit.note)
        saved_any = saved_any or saved.changed
        if saved.changed:
            st.toast(f"Saved: {edit.name}, {edit.criterion} = {edit.value or 'empty'}", icon=":material/check:")
    except StoreError as error:
        st.error(f"{edit.name}, {edit.criterion}: {error}")


if saved_any:  # read back what this run saved, and what the others saved meanwhile
    scores = store.score_frame(audit)
    grid = score_grid(touchpoints, scores, assessor)
done, total = progress(grid)
progress_slot.progress(
    done / total if total else 0.0, text=f"{assessor} has scored {done} of {total} cells ({len(grid)} touchpoints)"
)


@st.fragment(run_every=5)
def the_room() -> None:
    """Everyone's scores as they arrive, refreshed every few seconds.

    A full run hands over the scores it has just read; a refresh of the fragment alone
    (which reruns with the full run's arguments, so it must not take them as one) finds
    none and reads them anew.
    """
    current = st.session_state.pop("room_scores", None)
    if current is None:
        current = store.score_frame(audit)
    view = room(touchpoints, current, info.weights)
    assessors = current["assessor"].nunique()
    scored = int(view["composite"].notna().sum())
    st.caption(
        f"{assessors} assessor(s); {scored} of {len(view)} touchpoints scored; "
        f"{int(view['discuss'].sum())} flagged 'discuss' (scores 2 or more points apart)."
    )
    st.dataframe(view, hide_index=True, key="room_table", width="stretch")


st.subheader("The room")
st.session_state["room_scores"] = scores
the_room()
