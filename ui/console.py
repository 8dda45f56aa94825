"""The facilitator's console, piece by piece: invitation, phase controls, people, the live room.

The live part refreshes every few seconds, but all it reads per refresh is the audit's
change counter; the room itself is computed once per change and shared by every session
(`state.room`), so a console costs the server almost nothing while the room is quiet.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import i18n
from audit.i18n import N_, _, ngettext, pgettext
from audit.invites import InviteError, format_code, join_link, participant_link, qr_png
from audit.phases import Phase, WorkshopState
from audit.store import StoreError
from audit.workshop import RoomSnapshot
from ui import state, tables

ROOM_SECONDS = 5
# The join code on the projector, kept in the facilitator's address like the open audit, so a reload
# or a lost app process (./scripts/serve) brings it back: codes are stored hashed and cannot be shown
# again from the database. Not "code": that address is the participants' invitation link.
SHOWN = "shown"

# The room's columns (audit.workshop.room) as the facilitator reads them.
ROOM_COLUMNS = {
    # TRANSLATORS: a column header: the touchpoint's key (e.g. AW-01).
    "id": N_("id"),
    # TRANSLATORS: a column header: the touchpoint's name.
    "name": N_("name"),
    # TRANSLATORS: a column header: the journey stage of the touchpoint.
    "stage": N_("stage"),
    # TRANSLATORS: a column header: the mean relevance score (R is for Relevance).
    "R mean": N_("R mean"),
    # TRANSLATORS: a column header: how many scored relevance (R is for Relevance).
    "R n": N_("R n"),
    # TRANSLATORS: a column header: the mean meaningfulness score (M is for Meaningfulness).
    "M mean": N_("M mean"),
    # TRANSLATORS: a column header: how many scored meaningfulness (M is for Meaningfulness).
    "M n": N_("M n"),
    # TRANSLATORS: a column header: the mean attractiveness score (A is for Attractiveness).
    "A mean": N_("A mean"),
    # TRANSLATORS: a column header: how many scored attractiveness (A is for Attractiveness).
    "A n": N_("A n"),
    # TRANSLATORS: a column header: the weighted mean of the three criteria.
    "composite": N_("composite"),
    # TRANSLATORS: a column header: the points between the lowest and highest score of a touchpoint.
    "spread": N_("spread"),
    # TRANSLATORS: a column header: flagged for discussion (scores 2 or more points apart).
    "discuss": N_("discuss"),
}


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
        st.image(qr_png(link), width="stretch", caption=_("Scan to join"))
        st.markdown(
            # TRANSLATORS: under the QR code; {join_page} is this app's join page address, {link} the invitation link.
            _("Or open **{join_page}** and type the code. Link: `{link}`").format(
                join_page=f"{state.base_url()}/join", link=link
            )
        )
    else:
        active = workshops.active_codes(audit)
        st.markdown(
            ngettext(
                "{n} join code issued earlier still works. Codes are stored hashed, so one cannot be shown again: "
                "type it to show its QR code, or issue a new one.",
                "{n} join codes issued earlier still work. Codes are stored hashed, so one cannot be shown again: "
                "type it to show its QR code, or issue a new one.",
                active,
            ).format(n=i18n.integer(active))
            if active
            else _("No join code yet. Issue one and show it to the room.")
        )
        if active:
            st.text_input(_("Show a code you have"), key="show_code", on_change=_show_typed, args=(audit,))
    with st.container(horizontal=True):  # wraps on a narrow screen instead of cutting the labels
        st.button(_("Issue a new code"), key="issue_code", on_click=_issue, args=(audit,),
                  type="primary" if not code else "secondary")  # fmt: skip
        st.button(_("Stop joining"), key="revoke_codes", on_click=_revoke, args=(audit,),
                  help=_("Every join code stops working; people who joined keep scoring"))  # fmt: skip


def _issue(audit: str) -> None:
    _show_code(audit, state.workshops().issue_code(audit, actor=state.actor()))


def _revoke(audit: str) -> None:
    count = state.workshops().revoke_codes(audit, actor=state.actor())
    _show_code(audit, None)
    st.toast(
        ngettext(
            "{n} join code stopped. Nobody new can join until you issue a code.",
            "{n} join codes stopped. Nobody new can join until you issue a code.",
            count,
        ).format(n=i18n.integer(count))
    )


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
        st.session_state["console_error"] = _(
            "{code} does not open this audit (replaced, or for another audit)."
        ).format(code=code)


def phases(audit: str, workshop: WorkshopState, snapshot: RoomSnapshot) -> None:
    st.markdown(f"**{workshop.title}**")
    st.caption(workshop.sentence)
    flagged = snapshot.queue["id"].tolist()
    with st.container(horizontal=True):
        if workshop.phase is Phase.ROUND1:
            st.button(_("Reveal the room's scores"), key="reveal", type="primary", on_click=_phase,
                      args=(audit, Phase.REVEALED, ()))  # fmt: skip
        if workshop.phase is Phase.REVEALED:
            # TRANSLATORS: a button; {n} is the number of touchpoints flagged for discussion.
            round2 = ngettext("Open round 2 on {n} flagged", "Open round 2 on {n} flagged", len(flagged))
            st.button(round2.format(n=i18n.integer(len(flagged))), key="round2", type="primary",
                      on_click=_phase, args=(audit, Phase.ROUND2, flagged))  # fmt: skip
        if workshop.phase is Phase.ROUND2:
            st.button(_("Close round 2"), key="close_round2", on_click=_phase, args=(audit, Phase.REVEALED, ()))
        if workshop.locked:
            st.button(_("Reopen scoring"), key="unlock", on_click=_lock, args=(audit, False))
        else:
            st.button(_("Lock scoring"), key="lock", on_click=_lock, args=(audit, True))


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
        name = st.text_input(_("Add a participant (you, too, if you score)"), key="add_name")
        if st.form_submit_button(_("Add and show their link")):
            try:
                participant, token = state.workshops().add_participant(audit, name, actor=state.actor())
                st.session_state["console_link"] = (participant.name, token)
            except StoreError as error:
                st.error(str(error))
    names = state.store().assessor_names(audit)
    chosen = st.selectbox(
        _("Someone who lost their link, or scored from a file"),
        names,
        index=None,
        key="link_for",
        placeholder=_("Choose a name"),
    )
    left, right = st.columns(2)
    # TRANSLATORS: a button: give the chosen participant a new scoring link (the old one stops).
    if left.button(_("New link"), key="new_link", disabled=not chosen) and chosen:
        st.session_state["console_link"] = (chosen, state.workshops().new_link(audit, chosen, actor=state.actor()))
    # TRANSLATORS: a button: remove the chosen participant from the workshop.
    remove = right.button(_("Remove"), key="remove_participant", disabled=not chosen,
                          help=_("Their link stops; scores stay"))  # fmt: skip
    if remove and chosen:
        state.workshops().remove(audit, chosen, actor=state.actor())
        if st.session_state.get("console_link", ("",))[0] == chosen:
            del st.session_state["console_link"]
        st.toast(_("{name}'s link no longer works; their scores stay in the audit.").format(name=chosen))
    if "console_link" in st.session_state:
        who, token = st.session_state["console_link"]
        link = participant_link(state.base_url(), token)
        st.markdown(_("**{name}'s own link** (a new link replaces the old one):").format(name=who))
        st.code(link, language=None)
        st.link_button(_("Open {name}'s scoring screen").format(name=who), link)


@st.fragment(run_every=ROOM_SECONDS)
def live(audit: str) -> None:
    """Who has joined and how far each has got, the room and the discuss queue: refreshed by itself."""
    revision = state.workshops().revision(audit)
    snapshot = state.room(audit, revision)
    joined = {p.name: p for p in state.joined(audit, revision)}
    names = list(dict.fromkeys([*joined, *snapshot.progress]))
    active, flagged = sum(p.active for p in joined.values()), int(snapshot.view["discuss"].sum())
    st.caption(
        " ".join(
            (
                # TRANSLATORS: {n} people joined the workshop by its join code or their own link.
                ngettext("{n} joined by link.", "{n} joined by link.", active).format(n=i18n.integer(active)),
                ngettext("{n} assessor has scored.", "{n} assessors have scored.", snapshot.assessors).format(
                    n=i18n.integer(snapshot.assessors)
                ),
                ngettext(
                    "{n} touchpoint is flagged 'discuss' (scores 2 or more points apart).",
                    "{n} touchpoints are flagged 'discuss' (scores 2 or more points apart).",
                    flagged,
                ).format(n=i18n.integer(flagged)),
            )
        )
    )
    if names:
        how = {
            # TRANSLATORS: how a person in the workshop's progress table came to score: by the join code or a link.
            "joined": _("joined by link"),
            # TRANSLATORS: how a person in the progress table came to score: joined, then removed by the facilitator.
            "removed": _("removed"),
            # TRANSLATORS: how a person in the progress table came to score: their scores were imported from a file.
            "file": _("from a file"),
        }
        progress = pd.DataFrame(
            {
                "Name": names,
                "How": [
                    how["joined"]
                    if n in joined and joined[n].active
                    else how["removed"]
                    if n in joined
                    else how["file"]
                    for n in names
                ],
                "Fully scored": [snapshot.progress.get(n, 0) for n in names],
            }
        )
        tables.show(progress, key="progress_table", column_config={
            # TRANSLATORS: a column header: the name of a person in the workshop.
            "Name": st.column_config.TextColumn(pgettext("person", "Name")),
            # TRANSLATORS: a column header: how the person came to score (joined by link, from a file).
            "How": st.column_config.TextColumn(_("How")),
            # TRANSLATORS: a column header: how many touchpoints the person has scored on every criterion.
            "Fully scored": st.column_config.ProgressColumn(_("Fully scored"),
                format="%d", min_value=0, max_value=max(snapshot.touchpoints, 1),
                help=_("Touchpoints this person has scored on all three criteria")),
        })  # fmt: skip
    else:
        st.info(_("Nobody has joined or scored yet. Show the join code to the room."))
    st.markdown(_("**Touchpoints, as the room scores them**"))
    tables.show(snapshot.view, key="room_table", column_config=_room_columns(snapshot.view))
    st.markdown(_("**Discuss first** (largest spread first)"))
    if snapshot.queue.empty:
        st.caption(_("Nothing to discuss yet: no touchpoint has scores 2 or more points apart."))
    else:
        queue = snapshot.queue[["id", "name", "stage", "spread"]]
        tables.show(queue, key="queue_table", column_config=_room_columns(queue), width="content")


def _room_columns(frame: pd.DataFrame) -> dict[str, str]:
    """The room's column headers in the reader's language (the frame keeps its own column names)."""
    return {column: _(ROOM_COLUMNS[column]) for column in frame.columns if column in ROOM_COLUMNS}


def error() -> None:
    message = st.session_state.pop("console_error", None)
    if message:
        st.error(message)
