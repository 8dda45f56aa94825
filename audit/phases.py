"""The phases of a workshop and what each allows, as plain rules (docs/workshop.md tells the story).

    round1    blind: everyone scores every touchpoint and sees only their own scores
    revealed  the room's spread is shown to everyone; scoring pauses for the discussion
    round2    only the touchpoints flagged for discussion are open; scores change in place

Locking is apart from the phase: a locked workshop refuses every score until it is
reopened, and reopening returns to the phase it was in. The store checks `refusal` inside
the transaction that writes a participant's score, so a hidden button is never the guard.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum

from audit.i18n import N_, _


class Phase(StrEnum):
    ROUND1 = "round1"
    REVEALED = "revealed"
    ROUND2 = "round2"


# The phases' names and what each means for a participant; translated where shown: _(PHASE_TITLES[phase]).
PHASE_TITLES = {
    Phase.ROUND1: N_("Round 1 (blind)"),
    Phase.REVEALED: N_("Revealed: discussion"),
    Phase.ROUND2: N_("Round 2: flagged touchpoints"),
}

PHASE_SENTENCES = {
    Phase.ROUND1: N_(
        "Score every touchpoint on your own; nobody sees anybody else's scores until the facilitator reveals them."
    ),  # fmt: skip
    Phase.REVEALED: N_(
        "The room's scores are revealed. Scoring is paused while the room discusses where it disagrees."
    ),  # fmt: skip
    Phase.ROUND2: N_(
        "Round 2: only the touchpoints flagged for discussion are open. Change your scores if the "
        "discussion changed your mind."
    ),  # fmt: skip
}

LOCKED_SENTENCE = N_("Scoring is locked by the facilitator.")

# Why the workshop cannot move to the phase it is in already, one whole sentence per phase.
ALREADY = {
    Phase.ROUND1: N_("The workshop is already in round 1 (blind)."),
    Phase.REVEALED: N_("The scores are already revealed: the room is discussing them."),
    Phase.ROUND2: N_("The workshop is already in round 2: flagged touchpoints."),
}


@dataclass(frozen=True)
class WorkshopState:
    """Where an audit's workshop stands; `revision` grows with every change of its scores or phase."""

    phase: Phase = Phase.ROUND1
    locked: bool = False
    round2_keys: frozenset[str] = field(default_factory=frozenset)
    revision: int = 0

    @property
    def title(self) -> str:
        if self.locked:
            # TRANSLATORS: {phase} is the workshop's phase, e.g. "Round 1 (blind)".
            return _("{phase} - locked").format(phase=_(PHASE_TITLES[self.phase]))
        return _(PHASE_TITLES[self.phase])

    @property
    def sentence(self) -> str:
        if self.locked:
            return _("Scoring is locked by the facilitator. Your scores are kept.")
        return _(PHASE_SENTENCES[self.phase])

    @property
    def room_visible(self) -> bool:
        """Whether participants may see the room's scores (the facilitator always may)."""
        return self.phase is not Phase.ROUND1

    @property
    def round(self) -> int:
        """The scoring round a change made now belongs to, for the score history."""
        return 2 if self.phase is Phase.ROUND2 else 1


def refusal(state: WorkshopState, key: str) -> str | None:
    """Why a participant's score of touchpoint `key` cannot be saved now, or None when it can."""
    if state.locked:
        return _("Scoring is locked by the facilitator. This was not saved.")
    if state.phase is Phase.REVEALED:
        return _("Scoring is paused while the room discusses the revealed scores. This was not saved.")
    if state.phase is Phase.ROUND2 and key not in state.round2_keys:
        return _("Round 2 reopens only the touchpoints flagged for discussion; this one keeps its round-1 scores.")
    return None


def note_refusal(state: WorkshopState) -> str | None:
    """Why a participant's note cannot be saved now: only a lock stops notes, since the discussion
    after the reveal is when people write their evidence down."""
    return _("Scoring is locked by the facilitator. Your note was not saved.") if state.locked else None


def transition_error(state: WorkshopState, target: Phase, flagged: Collection[str] = ()) -> str | None:
    """Why the facilitator cannot move the workshop to `target` now, or None."""
    if state.phase is target:
        return _(ALREADY[target])
    if target is Phase.ROUND2 and state.phase is not Phase.REVEALED:
        return _("Reveal the room's scores first: round 2 is for the touchpoints the room has discussed.")
    if target is Phase.ROUND2 and not flagged:
        return _("No touchpoint is flagged for discussion (scores 2 or more points apart), so there is no round 2.")
    return None
