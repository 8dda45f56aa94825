"""Score: the participant's screen. Their audit, their scores, the phase; nothing of anyone else
until the facilitator reveals the room."""

from __future__ import annotations

import os

import streamlit as st

from audit import i18n
from audit.i18n import N_, _, ngettext
from audit.phases import Phase, WorkshopState
from audit.workshop import progress
from ui import card, grid, language, state

# How soon a participant's screen notices a reveal, a round 2, a lock, or (while the room is shown)
# someone else's new score, whichever app process it came through.
WATCH_SECONDS = float(os.environ.get("TOUCHPOINT_AUDIT_WATCH_SECONDS", "10"))
SEEN = "seen_phase"


def seen(workshop: WorkshopState) -> tuple[object, ...]:
    """What the screen shows of the workshop: its phase and lock, and the room's revision once revealed."""
    return workshop.phase, workshop.locked, workshop.revision if workshop.room_visible else None


who = state.participant()
if who is None:
    st.switch_page("views/join.py", query_params=st.query_params.to_dict())  # keeps ?p= to say why
    st.stop()
asked = st.query_params.get(state.AUDIT)
if asked is not None and asked != who.audit:  # someone edited the URL: nothing of another audit, not even a "no"
    st.error(
        _("This link is for another audit: it opens only your scoring screen of '{audit}'.").format(audit=who.audit)
    )
    st.page_link(
        "views/participate.py",
        # TRANSLATORS: a link back to the participant's own scoring screen; {audit} is the audit's name.
        label=_("Back to {audit}").format(audit=who.audit),
        query_params={state.TOKEN: st.query_params[state.TOKEN]},
    )
    st.stop()


workshop = state.phase(who.audit)
if st.session_state.get(SEEN, (workshop.phase,))[0] != workshop.phase:
    card.forget_position()
st.session_state[SEEN] = seen(workshop)
workshops = state.workshops()
touchpoints, mine = state.touchpoints(who.audit), workshops.own_scores(who)

language.corner_picker()
st.markdown(f"### {who.audit}")
# TRANSLATORS: {name} is the participant's name; {phase} is the workshop's phase, e.g. "Round 1 (blind)".
st.caption(_("Scoring as **{name}** · {phase}").format(name=who.name, phase=workshop.title))
(st.warning if workshop.locked or workshop.phase is Phase.REVEALED else st.info)(workshop.sentence)
if touchpoints.empty:
    st.info(_("This audit has no touchpoints yet: the facilitator is still preparing it. Reload in a moment."))
    st.stop()
done, total = progress(mine, touchpoints["id"].tolist())
# TRANSLATORS: progress on the participant's screen: {n} touchpoints of {total} scored on every criterion.
scored = ngettext("{n} of {total} scored", "{n} of {total} scored", done)
st.progress(done / total, text=scored.format(n=i18n.integer(done), total=i18n.integer(total)))

# The room at the audit's live revision (one small read), so a participant's own new score is in it.
room = state.room(who.audit, workshops.revision(who.audit)).scores if workshop.room_visible else None
# The choice is kept by its English words (stable across languages); it is shown translated.
CARD, GRID = N_("One at a time"), N_("Grid (laptop)")
VIEW = "view"  # ?view=grid: the grid stays chosen across a reload


def _keep_view() -> None:
    if st.session_state.view_mode == GRID:
        st.query_params[VIEW] = "grid"
    else:
        st.query_params.pop(VIEW, None)


# TRANSLATORS: the choice between the card (one touchpoint at a time) and the grid (every touchpoint).
view = st.segmented_control(_("View"), [CARD, GRID], format_func=_, required=True, key="view_mode",
                            default=GRID if st.query_params.get(VIEW) == "grid" else CARD,
                            label_visibility="collapsed", on_change=_keep_view)  # fmt: skip
if view == GRID:
    grid.show(who, touchpoints, mine)
else:
    card.show(who, workshop, touchpoints, mine, room)


@st.fragment(run_every=WATCH_SECONDS)
def watch(audit: str) -> None:
    """Reload the screen when the facilitator changes the phase, or the shown room changes; otherwise
    cost (almost) nothing: the phase and the change counter come through a per-process cache."""
    if seen(state.phase(audit)) != st.session_state.get(SEEN):
        st.rerun(scope="app")


watch(who.audit)
