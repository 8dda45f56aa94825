"""The participant's card: one touchpoint at a time, five buttons per criterion, built for 390 px.

A tap saves at once (the store checks the workshop's phase in the same transaction) and
the card says so; a refused tap puts the buttons back to what is saved and says why.
Widget values are set from the store only when the stored value changed, so a rerun never
overwrites what someone is typing.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit.cells import is_blank
from audit.phases import Phase, WorkshopState
from audit.scoring import SCALE
from audit.store import StoreError
from audit.vocabulary import CRITERIA
from audit.workshop import RUBRIC, SCALE_WORDS, fully_scored, spread
from audit.workshops import Participant
from ui import state

CURRENT = "card_current"  # the touchpoint key on the card
AT = "at"  # the same, in the participant's address: a reload, or a lost app process, opens the same card
WELCOMED = "card_welcomed"
FLASH = "card_flash"  # (touchpoint key, criterion or "note", "success" | "error", sentence): the last tap
SYNCED = "card_synced"  # widget key -> the stored value it was last set to
NOTE_LIMIT = 2000
SCALE_LINE = " · ".join(f"{n} {w}" for n, w in SCALE_WORDS.items())


def show(who: Participant, workshop: WorkshopState, touchpoints: pd.DataFrame, mine: pd.DataFrame,
         room_scores: pd.DataFrame | None) -> None:  # fmt: skip
    keys = touchpoints["id"].tolist()
    done = fully_scored(mine)
    _welcome_back(keys)
    current = _current(keys, done, workshop)
    _navigation(keys, touchpoints, done, workshop)
    row = touchpoints.iloc[keys.index(current)]
    _flash_elsewhere(current, dict(zip(keys, touchpoints["name"].astype(str), strict=True)))
    with st.container(border=True, key="card"):
        st.subheader(str(row["name"]))
        st.caption(" · ".join(str(v) for v in (row["stage"], row["channel"], row["owner"]) if _present(v)))
        if _present(row["notes"]):
            st.caption(str(row["notes"]))
        if workshop.phase is Phase.ROUND2:
            st.caption(
                "Open in round 2." if current in workshop.round2_keys else "Not flagged: keeps its round-1 scores."
            )
        mine_here = mine[mine["touchpoint_id"] == current]
        for criterion in CRITERIA:
            _criterion(who, current, criterion, mine_here, room_scores)
        _note(who, current, mine_here)


def forget_position() -> None:
    """A new phase starts where it starts (round 2: the first flagged), not on the last card."""
    st.session_state.pop(CURRENT, None)
    st.query_params.pop(AT, None)


def _welcome_back(keys: list[str]) -> None:
    """A new session on a card address is a reload, or a reconnection to another app process after
    one was lost: what is saved is shown, and a tap that was on its way may not have arrived."""
    if CURRENT not in st.session_state and st.query_params.get(AT) in keys:
        st.session_state[WELCOMED] = True
    if st.session_state.get(WELCOMED):
        st.info("Welcome back: your saved scores are shown. A tap that did not say 'Saved' did not count: "
                "tap it again.")  # fmt: skip


def _current(keys: list[str], done: set[str], workshop: WorkshopState) -> str:
    """The card's touchpoint: the one chosen in this session; else the one in the address (a reload,
    a reconnection), unless in round 1 it is already fully scored; else where this phase starts
    (round 1: the first not yet scored; after the reveal: the first; round 2: the first reopened)."""
    chosen = st.session_state.get(CURRENT)
    if chosen is None:
        chosen = st.query_params.get(AT)
        if workshop.phase is Phase.ROUND1 and chosen in done:
            chosen = None  # done with it: on to the next one to do, as "Next unscored" would
    if chosen not in keys:
        starts = {Phase.ROUND1: [k for k in keys if k not in done], Phase.REVEALED: keys,
                  Phase.ROUND2: [k for k in keys if k in workshop.round2_keys]}  # fmt: skip
        chosen = next(iter(starts[workshop.phase]), keys[0])
    st.session_state[CURRENT] = chosen
    if st.query_params.get(AT) != chosen:
        st.query_params[AT] = chosen
    return str(chosen)


def _go(key: str) -> None:
    st.session_state[CURRENT] = key
    st.session_state.pop(WELCOMED, None)
    flash = st.session_state.get(FLASH)
    if flash and flash[2] != "error":  # a refusal stays in sight until the next save
        st.session_state.pop(FLASH, None)


def _navigation(keys: list[str], touchpoints: pd.DataFrame, done: set[str], workshop: WorkshopState) -> None:
    position = keys.index(st.session_state[CURRENT])
    todo = [k for k in keys[position + 1 :] + keys[:position] if k not in done]
    with st.container(horizontal=True, key="card_nav"):
        st.button("Previous", key="card_prev", disabled=position == 0, on_click=_go, args=(keys[position - 1],),
                  icon=":material/chevron_left:")  # fmt: skip
        st.button("Next", key="card_next", disabled=position == len(keys) - 1,
                  on_click=_go, args=(keys[min(position + 1, len(keys) - 1)],),
                  icon=":material/chevron_right:")  # fmt: skip
        st.button("Next unscored", key="card_todo", disabled=not todo, on_click=_go, args=(todo[0] if todo else "",))
    names = dict(zip(keys, touchpoints["name"].astype(str), strict=True))
    flagged = workshop.round2_keys if workshop.phase is Phase.ROUND2 else frozenset()

    def label(key: str) -> str:
        mark = "✓" if key in done else "○"
        return f"{mark} {names[key]}" + (" (round 2)" if key in flagged else "")

    st.session_state["card_jump"] = st.session_state[CURRENT]
    st.selectbox("Jump to", keys, format_func=label, key="card_jump", on_change=lambda: _go(st.session_state.card_jump))


def _criterion(who: Participant, key: str, criterion: str, mine: pd.DataFrame, room: pd.DataFrame | None) -> None:
    widget = f"tap|{key}|{criterion}"
    stored = _stored(mine, criterion)
    _sync(widget, stored)
    st.markdown(f"**{criterion.capitalize()}**")
    st.caption(RUBRIC[criterion])
    st.segmented_control(
        criterion.capitalize(),
        list(SCALE),
        key=widget,
        required=True,
        label_visibility="collapsed",
        width="stretch",
        on_change=_tap,
        args=(who, key, criterion, stored),
    )
    st.caption(SCALE_LINE)
    _flash(key, criterion)
    if room is not None and not mine["score"].dropna().empty:
        st.caption(spread(room, key, criterion).sentence + (f" You: {stored}." if stored else ""))


def _tap(who: Participant, key: str, criterion: str, stored: int | None) -> None:
    widget = f"tap|{key}|{criterion}"
    value = st.session_state[widget]
    try:
        state.workshops().score_as(who, key, criterion, value)
    except StoreError as error:
        st.session_state[widget] = stored
        st.session_state[FLASH] = (key, criterion, "error", f"{criterion.capitalize()} not saved: {error}")
        return
    st.session_state[SYNCED][widget] = value
    st.session_state.pop(WELCOMED, None)
    st.session_state[FLASH] = (key, criterion, "success", f"Saved: {criterion} {value} ({SCALE_WORDS[value]}).")


def _note(who: Participant, key: str, mine: pd.DataFrame) -> None:
    widget = f"note|{key}"
    notes = mine["note"].dropna()
    _sync(widget, str(notes.iloc[-1]) if len(notes) else "")
    st.text_area("Your note (evidence), optional", key=widget, on_change=_save_note, args=(who, key),
                 placeholder="What did you see? A fact helps the room's discussion.")  # fmt: skip
    _flash(key, "note")


def _save_note(who: Participant, key: str) -> None:
    widget = f"note|{key}"
    text = st.session_state[widget].strip()
    if len(text) > NOTE_LIMIT:
        st.session_state[FLASH] = (key, "note", "error", f"Your note is {len(text)} characters; keep it under "
                                   f"{NOTE_LIMIT + 1}. It was not saved; shorten it and it will be.")  # fmt: skip
        return
    try:
        state.workshops().note_as(who, key, text)
    except StoreError as error:
        st.session_state[FLASH] = (key, "note", "error", str(error))
        return
    st.session_state[SYNCED][widget] = text
    st.session_state[FLASH] = (key, "note", "success", "Saved: your note." if text else "Your note is cleared.")


def _flash(key: str, what: str) -> None:
    flash = st.session_state.get(FLASH)
    if flash and flash[:2] == (key, what):
        (st.success if flash[2] == "success" else st.error)(flash[3])


def _flash_elsewhere(current: str, names: dict[str, str]) -> None:
    """A refusal on a card the person has already left (a note saved on the way out) still shows."""
    flash = st.session_state.get(FLASH)
    if flash and flash[0] != current and flash[2] == "error":
        st.error(f"{names.get(flash[0], flash[0])}: {flash[3]}")


def _sync(widget: str, stored: object) -> None:
    """Show the stored value, unless the widget already shows it (or is being edited toward it)."""
    synced = st.session_state.setdefault(SYNCED, {})
    if widget not in st.session_state or widget not in synced or synced[widget] != stored:
        st.session_state[widget] = stored
        synced[widget] = stored


def _stored(mine: pd.DataFrame, criterion: str) -> int | None:
    values = mine.loc[mine["criterion"] == criterion, "score"].dropna()
    return int(values.iloc[0]) if len(values) else None


def _present(value: object) -> bool:
    return not is_blank(value)
