"""The facilitator's console, piece by piece: invitation, phase controls, people, the live room.

The live part refreshes every few seconds, but all it reads per refresh is the audit's
change counter; the room itself is computed once per change and shared by every session
(`state.room`), so a console costs the server almost nothing while the room is quiet.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.invites import InviteError, format_code, join_link, participant_link, qr_png
from audit.phases import Phase, WorkshopState
from audit.store import StoreError
from audit.workshop import RoomSnapshot
from ui import state

ROOM_SECONDS = 5
# The join code on the projector, kept in the facilitator's address like the open audit, so a reload
# or a lost app process (./scripts/serve) brings it back: codes are stored hashed and cannot be shown
# again from the database. Not "code": that address is the participants' invitation link.
SHOWN = "shown"


def _shown_code(audit: str) -> str | None:
    return st.session_state.get(f"join_code|{audit}") or st.query_params.get(SHOWN)


def _show_code(audit: str, code: str | None) -> None:
    if code:
        st.session_state[f"join_code|{audit}"] = code
        if st.query_params.get(SHOWN) != code:  # every assignment sends the browser a new address
            st.query_params[SHOWN] = code
    else:
        st.session_state.pop(f"join_code|{audit}", None)
        st.query_params.pop(SHOWN, None)


def invitation(audit: str) -> None:
    workshops = state.workshops()
    code = _shown_code(audit)
    if code and not workshops.code_is_active(audit, code):
        _show_code(audit, None)  # replaced, stopped, or another audit's
        code = None
    if code:
        _show_code(audit, code)  # back in the address after a visit to another page
    if code:
        link = join_link(state.base_url(), code)
        st.markdown(f"<div class='join-code'>{code}</div>", unsafe_allow_html=True)
        st.image(qr_png(link), width="stretch", caption="Scan to join")
        st.markdown(f"Or open **{state.base_url()}/join** and type the code. Link: `{link}`")
    else:
        active = workshops.active_codes(audit)
        st.markdown(
            f"{active} join code(s) issued earlier still work. Codes are stored hashed, so one cannot be shown "
            "again: type it to show its QR code, or issue a new one."
            if active
            else "No join code yet. Issue one and show it to the room."
        )
        if active:
            st.text_input("Show a code you have", key="show_code", on_change=_show_typed, args=(audit,))
    with st.container(horizontal=True):  # wraps on a narrow screen instead of cutting the labels
        st.button("Issue a new code", key="issue_code", on_click=_issue, args=(audit,),
                  type="primary" if not code else "secondary")  # fmt: skip
        st.button("Stop joining", key="revoke_codes", on_click=_revoke, args=(audit,),
                  help="Every join code stops working; people who joined keep scoring")  # fmt: skip


def _issue(audit: str) -> None:
    _show_code(audit, state.workshops().issue_code(audit, actor=state.actor()))


def _revoke(audit: str) -> None:
    count = state.workshops().revoke_codes(audit, actor=state.actor())
    _show_code(audit, None)
    st.toast(f"{count} join code(s) stopped. Nobody new can join until you issue a code.")


def _show_typed(audit: str) -> None:
    typed = st.session_state.get("show_code", "")
    try:
        code = format_code(typed)
    except InviteError as error:
        st.session_state["console_error"] = str(error)
        return
    if state.workshops().code_is_active(audit, code):
        _show_code(audit, code)
    else:
        st.session_state["console_error"] = f"{code} does not open this audit (replaced, or for another audit)."


def phases(audit: str, workshop: WorkshopState, snapshot: RoomSnapshot) -> None:
    st.markdown(f"**{workshop.title}**")
    st.caption(workshop.sentence)
    flagged = snapshot.queue["id"].tolist()
    with st.container(horizontal=True):
        if workshop.phase is Phase.ROUND1:
            st.button("Reveal the room's scores", key="reveal", type="primary", on_click=_phase,
                      args=(audit, Phase.REVEALED, ()))  # fmt: skip
        if workshop.phase is Phase.REVEALED:
            st.button(f"Open round 2 on {len(flagged)} flagged", key="round2", type="primary",
                      on_click=_phase, args=(audit, Phase.ROUND2, flagged))  # fmt: skip
        if workshop.phase is Phase.ROUND2:
            st.button("Close round 2", key="close_round2", on_click=_phase, args=(audit, Phase.REVEALED, ()))
        if workshop.locked:
            st.button("Reopen scoring", key="unlock", on_click=_lock, args=(audit, False))
        else:
            st.button("Lock scoring", key="lock", on_click=_lock, args=(audit, True))


def _phase(audit: str, phase: Phase, flagged: list[str]) -> None:
    try:
        state.workshops().set_phase(audit, phase, actor=state.actor(), flagged=flagged)
    except StoreError as error:
        st.session_state["console_error"] = str(error)


def _lock(audit: str, locked: bool) -> None:
    state.workshops().set_locked(audit, locked, actor=state.actor())


def people(audit: str) -> None:
    """Add someone (the facilitator too), give a participant a new link, or remove one."""
    with st.form("add_participant", clear_on_submit=True):
        name = st.text_input("Add a participant (you, too, if you score)", key="add_name")
        if st.form_submit_button("Add and show their link"):
            try:
                participant, token = state.workshops().add_participant(audit, name, actor=state.actor())
                st.session_state["console_link"] = (participant.name, token)
            except StoreError as error:
                st.error(str(error))
    names = state.store().assessor_names(audit)
    chosen = st.selectbox("Someone who lost their link, or scored from a file", names, index=None, key="link_for")
    left, right = st.columns(2)
    if left.button("New link", key="new_link", disabled=not chosen) and chosen:
        st.session_state["console_link"] = (chosen, state.workshops().new_link(audit, chosen, actor=state.actor()))
    if (
        right.button("Remove", key="remove_participant", disabled=not chosen, help="Their link stops; scores stay")
        and chosen
    ):
        state.workshops().remove(audit, chosen, actor=state.actor())
        if st.session_state.get("console_link", ("",))[0] == chosen:
            del st.session_state["console_link"]
        st.toast(f"{chosen}'s link no longer works; their scores stay in the audit.")
    if "console_link" in st.session_state:
        who, token = st.session_state["console_link"]
        link = participant_link(state.base_url(), token)
        st.markdown(f"**{who}'s own link** (a new link replaces the old one):")
        st.code(link, language=None)
        st.link_button(f"Open {who}'s scoring screen", link)


@st.fragment(run_every=ROOM_SECONDS)
def live(audit: str) -> None:
    """Who has joined and how far each has got, the room and the discuss queue: refreshed by itself."""
    revision = state.workshops().revision(audit)
    snapshot = state.room(audit, revision)
    joined = {p.name: p for p in state.joined(audit, revision)}
    names = list(dict.fromkeys([*joined, *snapshot.progress]))
    st.caption(
        f"{sum(p.active for p in joined.values())} joined by link; {snapshot.assessors} assessor(s) have scored; "
        f"{int(snapshot.view['discuss'].sum())} touchpoint(s) flagged 'discuss' (scores 2 or more points apart)."
    )
    if names:
        progress = pd.DataFrame(
            {
                "Name": names,
                "How": [
                    "joined by link"
                    if n in joined and joined[n].active
                    else "removed"
                    if n in joined
                    else "from a file"
                    for n in names
                ],  # fmt: skip
                "Fully scored": [snapshot.progress.get(n, 0) for n in names],
            }
        )
        st.dataframe(progress, hide_index=True, key="progress_table", width="stretch", column_config={
            "Fully scored": st.column_config.ProgressColumn(
                format="%d", min_value=0, max_value=max(snapshot.touchpoints, 1),
                help="Touchpoints this person has scored on all three criteria"),
        })  # fmt: skip
    else:
        st.info("Nobody has joined or scored yet. Show the join code to the room.")
    st.markdown("**The room**")
    st.dataframe(snapshot.view, hide_index=True, key="room_table", width="stretch")
    st.markdown("**Discuss first** (largest spread first)")
    if snapshot.queue.empty:
        st.caption("Nothing to discuss yet: no touchpoint has scores 2 or more points apart.")
    else:
        st.dataframe(snapshot.queue[["id", "name", "stage", "spread"]], hide_index=True, key="queue_table")


def error() -> None:
    message = st.session_state.pop("console_error", None)
    if message:
        st.error(message)
