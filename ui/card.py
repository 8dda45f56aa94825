"""The participant's card: one touchpoint at a time, five buttons per criterion, built for 390 px.

A tap saves at once (the store checks the workshop's phase in the same transaction) and
the card says so; a refused tap puts the buttons back to what is saved and says why.
Widget values are set from the store only when the stored value changed, so a rerun never
overwrites what someone is typing.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import i18n
from audit.cells import is_blank
from audit.i18n import _, ngettext
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


def scale_line() -> str:
    """The 1-5 rubric words under the buttons, in the reader's language: "1 very poor · 2 poor · ..."."""
    return i18n.separator().join(_scale_word(n) for n in SCALE_WORDS)


def _scale_word(score: int) -> str:
    # TRANSLATORS: one step of the 1-5 score scale, e.g. "4 good"; {score} is the number, {word} its meaning.
    return _("{score} {word}").format(score=i18n.integer(score), word=_(SCALE_WORDS[score]))


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
        st.caption(i18n.separator().join(str(v) for v in (row["stage"], row["channel"], row["owner"]) if _present(v)))
        if _present(row["notes"]):
            st.caption(str(row["notes"]))
        if workshop.phase is Phase.ROUND2:
            st.caption(
                _("Open in round 2.")
                if current in workshop.round2_keys
                else _("Not flagged: keeps its round-1 scores.")
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
        st.info(_("Welcome back: your saved scores are shown. A tap that did not say 'Saved' did not count: "
                  "tap it again."))  # fmt: skip


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
        # TRANSLATORS: a button: the previous touchpoint.
        st.button(_("Previous"), key="card_prev", disabled=position == 0, on_click=_go, args=(keys[position - 1],),
                  icon=":material/chevron_left:")  # fmt: skip
        # TRANSLATORS: a button: the next touchpoint.
        st.button(_("Next"), key="card_next", disabled=position == len(keys) - 1,
                  on_click=_go, args=(keys[min(position + 1, len(keys) - 1)],),
                  icon=":material/chevron_right:")  # fmt: skip
        # TRANSLATORS: a button: the next touchpoint not yet scored on every criterion.
        st.button(_("Next unscored"), key="card_todo", disabled=not todo, on_click=_go, args=(todo[0] if todo else "",))
    names = dict(zip(keys, touchpoints["name"].astype(str), strict=True))
    flagged = workshop.round2_keys if workshop.phase is Phase.ROUND2 else frozenset()

    def label(key: str) -> str:
        mark = "✓" if key in done else "○"
        # TRANSLATORS: a touchpoint open in round 2, in the "Jump to" list; {touchpoint} is its name.
        name = _("{touchpoint} (round 2)").format(touchpoint=names[key]) if key in flagged else names[key]
        return f"{mark} {name}"

    st.session_state["card_jump"] = st.session_state[CURRENT]
    st.selectbox(
        # TRANSLATORS: a list of the audit's touchpoints, to open one on the card.
        _("Jump to"),
        keys,
        format_func=label,
        key="card_jump",
        on_change=lambda: _go(st.session_state.card_jump),
    )


def _criterion(who: Participant, key: str, criterion: str, mine: pd.DataFrame, room: pd.DataFrame | None) -> None:
    widget = f"tap|{key}|{criterion}"
    stored = _stored(mine, criterion)
    _sync(widget, stored)
    st.markdown(f"**{i18n.label(criterion)}**")
    st.caption(_(RUBRIC[criterion]))
    st.segmented_control(
        i18n.label(criterion),
        list(SCALE),
        format_func=i18n.integer,
        key=widget,
        required=True,
        label_visibility="collapsed",
        width="stretch",
        on_change=_tap,
        args=(who, key, criterion, stored),
    )
    st.caption(scale_line())
    _flash(key, criterion)
    if room is not None and not mine["score"].dropna().empty:
        sentence = spread(room, key, criterion).sentence
        if stored:
            # TRANSLATORS: after the room's scores of a touchpoint: the participant's own score.
            sentence += " " + _("You: {score}.").format(score=i18n.integer(stored))
        st.caption(sentence)


def _tap(who: Participant, key: str, criterion: str, stored: int | None) -> None:
    widget = f"tap|{key}|{criterion}"
    value = st.session_state[widget]
    try:
        state.workshops().score_as(who, key, criterion, value)
    except StoreError as error:
        st.session_state[widget] = stored
        # TRANSLATORS: {criterion} is a criterion (e.g. Relevance); {reason} says why the score was refused.
        refused = _("{criterion} not saved: {reason}").format(criterion=i18n.label(criterion), reason=error)
        st.session_state[FLASH] = (key, criterion, "error", refused)
        return
    st.session_state[SYNCED][widget] = value
    st.session_state.pop(WELCOMED, None)
    # TRANSLATORS: a tap was saved: "Saved: relevance 4 (good)."; {criterion} is written in small letters.
    saved = _("Saved: {criterion} {score} ({word}).").format(
        criterion=i18n.label(criterion).lower(), score=i18n.integer(value), word=_(SCALE_WORDS[value])
    )
    st.session_state[FLASH] = (key, criterion, "success", saved)


def _note(who: Participant, key: str, mine: pd.DataFrame) -> None:
    widget = f"note|{key}"
    notes = mine["note"].dropna()
    _sync(widget, str(notes.iloc[-1]) if len(notes) else "")
    st.text_area(_("Your note (evidence), optional"), key=widget, on_change=_save_note, args=(who, key),
                 placeholder=_("What did you see? A fact helps the room's discussion."))  # fmt: skip
    _flash(key, "note")


def _save_note(who: Participant, key: str) -> None:
    widget = f"note|{key}"
    text = st.session_state[widget].strip()
    if len(text) > NOTE_LIMIT:
        too_long = ngettext(
            "Your note is {n} character; keep it under {limit}. It was not saved; shorten it and it will be.",
            "Your note is {n} characters; keep it under {limit}. It was not saved; shorten it and it will be.",
            len(text),
        ).format(n=i18n.integer(len(text)), limit=i18n.integer(NOTE_LIMIT + 1))
        st.session_state[FLASH] = (key, "note", "error", too_long)
        return
    try:
        state.workshops().note_as(who, key, text)
    except StoreError as error:
        st.session_state[FLASH] = (key, "note", "error", str(error))
        return
    st.session_state[SYNCED][widget] = text
    saved = _("Saved: your note.") if text else _("Your note is cleared.")
    st.session_state[FLASH] = (key, "note", "success", saved)


def _flash(key: str, what: str) -> None:
    flash = st.session_state.get(FLASH)
    if flash and flash[:2] == (key, what):
        (st.success if flash[2] == "success" else st.error)(flash[3])


def _flash_elsewhere(current: str, names: dict[str, str]) -> None:
    """A refusal on a card the person has already left (a note saved on the way out) still shows."""
    flash = st.session_state.get(FLASH)
    if flash and flash[0] != current and flash[2] == "error":
        # TRANSLATORS: a refusal on a card already left; {touchpoint} is its name, {message} says what was refused.
        st.error(_("{touchpoint}: {message}").format(touchpoint=names.get(flash[0], flash[0]), message=flash[3]))


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
