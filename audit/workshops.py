"""A workshop's records in the store: join codes, participants and their tokens, phases, and
participants' scores checked against the phase inside the transaction that writes them.

    workshops = Workshops(store)
    code = workshops.issue_code("Northwind", actor=facilitator)      # shown once, kept hashed
    participant, token = workshops.join(code, "Alice")               # token goes in her URL
    workshops.score_as(workshops.participant(token), "AW-01", "relevance", 4)
    workshops.set_phase("Northwind", Phase.REVEALED, actor=facilitator)

Every facilitator's write is checked, inside its transaction, against the actor's role on the
audit (`Store.acting`, audit.access); a participant's against their token and the phase.

Exceptions (all `StoreError`, so a page shows their message as it is):
    JoinRefused      a join code or name that cannot be used now
      CodeRefused    the code opens nothing (the app counts these, to slow guessing)
    ScoringRefused   a participant's score refused by the workshop's phase or lock
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from audit import i18n
from audit.access import Action, Facilitator
from audit.i18n import _
from audit.invites import InviteError, clean_name, code_digest, digest, name_key, new_code, new_token
from audit.phases import Phase, WorkshopState, note_refusal, refusal, transition_error
from audit.store import (
    AuditNotFound,
    SavedScore,
    Store,
    StoreError,
    assessors,
    audits,
    bump_revision,
    join_codes,
    participants,
    scores,
    touchpoints,
    upsert_score,
    utc_now,
    workshop_state,
)
from audit.vocabulary import CRITERIA


class JoinRefused(StoreError):
    """A join code or a name that cannot be used; the message is for the person joining."""


class CodeRefused(JoinRefused):
    """A join code that opens nothing (unknown, mistyped or replaced): what guessing looks like."""


class ScoringRefused(StoreError):
    """A participant's score that the workshop does not accept now; nothing was saved."""


@dataclass(frozen=True)
class Participant:
    """Who a token belongs to: one name in one audit."""

    id: int
    audit: str
    audit_id: int
    name: str
    assessor_id: int
    token_digest: str  # what the store keeps of the token this identity came from

    @property
    def label(self) -> str:
        """What the score history records: the identity the token proved, with the name it was given."""
        return f"participant #{self.id} ({self.name})"


@dataclass(frozen=True)
class ParticipantInfo:
    """A row of the facilitator's list of who has joined."""

    name: str
    joined_at: datetime
    active: bool


class Workshops:
    """The workshop side of a `Store`: same engine, same transactions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # --- phases -----------------------------------------------------------------------------

    def state(self, audit: str) -> WorkshopState:
        audit_id = self.store.audit(audit).id
        with self.engine.connect() as connection:
            return workshop_state(connection, audit_id)

    def revision(self, audit: str) -> int:
        """The audit's change counter: one small read, for pages that refresh by themselves."""
        with self.engine.connect() as connection:
            found = connection.execute(sa.select(audits.c.revision).where(audits.c.name == audit)).scalar()
        if found is None:
            raise AuditNotFound(_("No audit called '{audit}'.").format(audit=audit))
        return int(found)

    def set_phase(
        self, audit: str, phase: Phase, *, actor: Facilitator, flagged: Collection[str] = ()
    ) -> WorkshopState:
        """Move the workshop to `phase`; round 2 opens the `flagged` touchpoints only."""
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self._running(actor, audit, _("the phase of '{audit}'").format(audit=audit)) as (connection, audit_id):
            state = workshop_state(connection, audit_id, for_update=True)
            problem = transition_error(state, phase, flagged)
            if problem:
                raise StoreError(problem)
            keys = sorted(flagged) if phase is Phase.ROUND2 else sorted(state.round2_keys) or None
            connection.execute(
                audits.update().where(audits.c.id == audit_id).values(phase=phase.value, round2_keys=keys)
            )
            bump_revision(connection, audit_id)
            return workshop_state(connection, audit_id)

    def set_locked(self, audit: str, locked: bool, *, actor: Facilitator) -> WorkshopState:
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self._running(actor, audit, _("the lock of '{audit}'").format(audit=audit)) as (connection, audit_id):
            connection.execute(audits.update().where(audits.c.id == audit_id).values(locked=locked))
            bump_revision(connection, audit_id)
            return workshop_state(connection, audit_id)

    # --- join codes -------------------------------------------------------------------------

    def issue_code(self, audit: str, *, actor: Facilitator) -> str:
        """A new join code for the audit; only its digest is stored, so show it now."""
        code = new_code()
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("a join code for '{audit}'").format(audit=audit)
        with self._running(actor, audit, what) as (connection, audit_id):
            connection.execute(
                join_codes.insert().values(
                    audit_id=audit_id, code_hash=code_digest(code), created_at=utc_now(), created_by=actor.label
                )
            )
        return code

    def revoke_codes(self, audit: str, *, actor: Facilitator) -> int:
        """Stop every join code of the audit; people who joined keep their tokens. Returns how many."""
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("the join codes of '{audit}'").format(audit=audit)
        with self._running(actor, audit, what) as (connection, audit_id):
            result = connection.execute(
                join_codes.update()
                .where(join_codes.c.audit_id == audit_id, join_codes.c.revoked_at.is_(None))
                .values(revoked_at=utc_now())
            )
        return int(result.rowcount)

    def active_codes(self, audit: str) -> int:
        audit_id = self.store.audit(audit).id
        with self.engine.connect() as connection:
            query = sa.select(sa.func.count()).where(
                join_codes.c.audit_id == audit_id, join_codes.c.revoked_at.is_(None)
            )
            return int(connection.execute(query).scalar_one())

    def code_is_active(self, audit: str, code: str) -> bool:
        """Whether a code someone holds still opens this audit (the console shows it again)."""
        try:
            return self._audit_of_code(code) == audit
        except (InviteError, JoinRefused):
            return False

    def audit_of_code(self, code: str) -> str:
        """The audit a code opens; JoinRefused says why when none."""
        try:
            return self._audit_of_code(code)
        except InviteError as error:
            raise CodeRefused(str(error)) from None

    def _audit_of_code(self, code: str) -> str:
        query = (
            sa.select(audits.c.name, join_codes.c.revoked_at)
            .join(audits, join_codes.c.audit_id == audits.c.id)
            .where(join_codes.c.code_hash == code_digest(code))
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise CodeRefused(_("That join code is not known. Check it with the facilitator and type it again."))
        if row.revoked_at is not None:
            raise CodeRefused(_("That join code has been replaced by the facilitator. Ask for the new one."))
        return str(row.name)

    # --- participants -----------------------------------------------------------------------

    def join(self, code: str, typed_name: str) -> tuple[Participant, str]:
        """A new participant of the code's audit under a name nobody in it has; returns the token.
        The code is the credential: whoever holds an active one may join its audit."""
        audit = self.audit_of_code(code)
        name = _clean(typed_name)
        audit_id = self.store.audit(audit).id
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("{name}'s place in the workshop").format(name=name)
        with _same_name_race(name), self.store.write(what) as connection:
            return self._seat(connection, audit, audit_id, name)

    def add_participant(self, audit: str, typed_name: str, *, actor: Facilitator) -> tuple[Participant, str]:
        """A new participant added by the facilitator (the facilitator scoring too, say)."""
        name = _clean(typed_name)
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("{name}'s place in the workshop").format(name=name)
        with _same_name_race(name), self._running(actor, audit, what) as (connection, audit_id):
            return self._seat(connection, audit, audit_id, name)

    def _seat(self, connection: Connection, audit: str, audit_id: int, name: str) -> tuple[Participant, str]:
        """Insert a participant under a name nobody in the audit has; returns them and their token."""
        taken = connection.execute(sa.select(assessors.c.name).where(assessors.c.audit_id == audit_id)).scalars()
        if name_key(name) in {name_key(n) for n in taken}:
            message = _(
                "Someone in this audit is already called '{name}'. Add an initial or your surname; if it is you, "
                "open the link you got when you joined, or ask the facilitator for it."
            )
            raise JoinRefused(message.format(name=name))
        token = new_token()
        assessor_id = connection.execute(
            assessors.insert().values(audit_id=audit_id, name=name).returning(assessors.c.id)
        ).scalar_one()
        participant_id = connection.execute(
            participants.insert()
            .values(
                audit_id=audit_id,
                assessor_id=assessor_id,
                name_key=name_key(name),
                token_hash=digest(token),
                joined_at=utc_now(),
            )
            .returning(participants.c.id)
        ).scalar_one()
        bump_revision(connection, audit_id)
        return Participant(participant_id, audit, audit_id, name, assessor_id, digest(token)), token

    def participant(self, token: str | None) -> Participant | None:
        """Whose token this is, or None for an unknown, replaced or removed token."""
        if not token:
            return None
        query = (
            sa.select(
                participants.c.id,
                audits.c.name.label("audit"),
                audits.c.id.label("audit_id"),
                assessors.c.name,
                assessors.c.id.label("assessor_id"),
            )  # fmt: skip
            .join(audits, participants.c.audit_id == audits.c.id)
            .join(assessors, participants.c.assessor_id == assessors.c.id)
            .where(participants.c.token_hash == digest(token), participants.c.removed_at.is_(None))
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return Participant(row.id, row.audit, row.audit_id, row.name, row.assessor_id, digest(token))

    def participants(self, audit: str) -> list[ParticipantInfo]:
        audit_id = self.store.audit(audit).id
        query = (
            sa.select(assessors.c.name, participants.c.joined_at, participants.c.removed_at)
            .join(assessors, participants.c.assessor_id == assessors.c.id)
            .where(participants.c.audit_id == audit_id)
            .order_by(participants.c.joined_at)
        )
        with self.engine.connect() as connection:
            return [ParticipantInfo(r.name, r.joined_at, r.removed_at is None) for r in connection.execute(query)]

    def new_link(self, audit: str, name: str, *, actor: Facilitator) -> str:
        """A fresh token for a participant who lost their link, or for an assessor imported from a file.

        The old token stops working.
        """
        token = new_token()
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self._running(actor, audit, _("a new link for {name}").format(name=name)) as (connection, audit_id):
            assessor_id = connection.execute(
                sa.select(assessors.c.id).where(assessors.c.audit_id == audit_id, assessors.c.name == name)
            ).scalar()
            if assessor_id is None:
                raise StoreError(_("Nobody called '{name}' scores in '{audit}'.").format(name=name, audit=audit))
            updated = connection.execute(
                participants.update()
                .where(participants.c.assessor_id == assessor_id)
                .values(token_hash=digest(token), removed_at=None)
            )
            if not updated.rowcount:
                connection.execute(
                    participants.insert().values(
                        audit_id=audit_id,
                        assessor_id=assessor_id,
                        name_key=name_key(name),
                        token_hash=digest(token),
                        joined_at=utc_now(),
                    )
                )
            bump_revision(connection, audit_id)
        return token

    def remove(self, audit: str, name: str, *, actor: Facilitator) -> None:
        """End a participant's token; their scores stay in the audit."""
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self._running(actor, audit, _("the removal of {name}").format(name=name)) as (connection, audit_id):
            assessor_id = connection.execute(
                sa.select(assessors.c.id).where(assessors.c.audit_id == audit_id, assessors.c.name == name)
            ).scalar()
            connection.execute(
                participants.update()
                .where(participants.c.assessor_id == assessor_id)
                .values(removed_at=utc_now(), token_hash=None)
            )
            bump_revision(connection, audit_id)

    def _running(self, actor: Facilitator, audit: str, what: str) -> AbstractContextManager[tuple[Connection, int]]:
        """A write transaction for someone who may run the audit's workshop (checked inside it)."""
        return self.store.acting(actor, audit, Action.RUN_WORKSHOP, what)

    # --- a participant's scores -------------------------------------------------------------

    def score_as(self, who: Participant, key: str, criterion: str, value: int | None) -> SavedScore:
        """Save a participant's score if the workshop takes it now; ScoringRefused says why not."""
        if criterion not in CRITERIA:
            message = _("'{criterion}' is not a criterion; use {criteria}.")
            raise StoreError(message.format(criterion=criterion, criteria=", ".join(CRITERIA)))
        # TRANSLATORS: what was being saved, in "Could not save {what}"; {criterion} is e.g. "relevance", {key} an id.
        what = _("{name}'s {criterion} score of {key}").format(
            name=who.name, criterion=i18n.label(criterion).lower(), key=key
        )
        with self.store.write(what) as connection:
            state, tp_id = self._open_for(connection, who, key)
            old_note = connection.execute(
                sa.select(scores.c.note).where(
                    scores.c.touchpoint_id == tp_id,
                    scores.c.assessor_id == who.assessor_id,
                    scores.c.criterion == criterion,
                )
            ).scalar()
            return upsert_score(
                connection, who.audit_id, tp_id, who.assessor_id, criterion, value, old_note, who.label, key, who.name,
                state.round,
            )  # fmt: skip

    def note_as(self, who: Participant, key: str, note: str | None) -> bool:
        """Save a participant's note on a touchpoint (kept with each criterion); True when it changed."""
        note = (note or "").strip() or None
        changed = False
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self.store.write(_("{name}'s note on {key}").format(name=who.name, key=key)) as connection:
            state, tp_id = self._open_for(connection, who, key, note=True)
            current = dict(
                connection.execute(
                    sa.select(scores.c.criterion, scores.c.value).where(
                        scores.c.touchpoint_id == tp_id, scores.c.assessor_id == who.assessor_id
                    )
                ).all()
            )
            for criterion in CRITERIA:
                saved = upsert_score(
                    connection, who.audit_id, tp_id, who.assessor_id, criterion, current.get(criterion), note,
                    who.label, key, who.name, state.round,
                )  # fmt: skip
                changed = changed or saved.changed
        return changed

    def _open_for(
        self, connection: Connection, who: Participant, key: str, *, note: bool = False
    ) -> tuple[WorkshopState, int]:
        """The workshop's state and the touchpoint's row id, or ScoringRefused (for a score, or a note)."""
        active = connection.execute(
            sa.select(participants.c.id).where(
                participants.c.id == who.id,
                participants.c.token_hash == who.token_digest,
                participants.c.removed_at.is_(None),
            )
        ).scalar()
        if active is None:
            raise ScoringRefused(
                _(
                    "This link has been replaced or removed by the facilitator; nothing was saved. Ask the "
                    "facilitator for your link."
                )
            )
        state = workshop_state(connection, who.audit_id, for_update=True)
        problem = note_refusal(state) if note else refusal(state, key)
        if problem:
            raise ScoringRefused(problem)
        tp_id = connection.execute(
            sa.select(touchpoints.c.id).where(
                touchpoints.c.audit_id == who.audit_id, touchpoints.c.key == key, touchpoints.c.archived_at.is_(None)
            )
        ).scalar()
        if tp_id is None:
            message = _("The touchpoint '{key}' is no longer in this audit; nothing was saved.")
            raise ScoringRefused(message.format(key=key))
        return state, int(tp_id)

    def own_scores(self, who: Participant) -> pd.DataFrame:
        """A participant's rows, notes without a score included: touchpoint_id, criterion, score, note."""
        query = (
            sa.select(touchpoints.c.key, scores.c.criterion, scores.c.value, scores.c.note)
            .join(touchpoints, scores.c.touchpoint_id == touchpoints.c.id)
            .where(scores.c.assessor_id == who.assessor_id, touchpoints.c.archived_at.is_(None))
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=["touchpoint_id", "criterion", "score", "note"])
        frame["score"] = frame["score"].astype("Float64")
        return frame


def _clean(typed_name: str) -> str:
    try:
        return clean_name(typed_name)
    except InviteError as error:
        raise JoinRefused(str(error)) from None


@contextmanager
def _same_name_race(name: str) -> Iterator[None]:
    """Two people who type the same name at the same moment: the second is told, not failed."""
    try:
        yield
    except IntegrityError:
        message = _("Someone just joined as '{name}'. Add an initial or your surname.")
        raise JoinRefused(message.format(name=name)) from None
