"""Audits kept in a database: SQLite by default, PostgreSQL when a URL is configured.

The Store only stores: it reads and writes audits, touchpoints, scores and who may do what,
checking every write against the actor inside its transaction. Where the database is and
how it is opened is audit/database.py; what an import changes is audit/plan.py; the rules
a value must meet are audit/rules.py; the metrics are audit/metrics.py (`Snapshot.result`).
`Store.open()` migrates the schema to the newest revision (Alembic, `audit/migrations`).

Nothing typed in a workshop is lost:
* every score is written the moment it changes, in its own transaction, and
  `save_score` returns only after the commit;
* every earlier value is kept in `score_history`, so an overwritten score can be restored;
* SQLite runs in WAL mode with `synchronous=FULL`, a busy timeout and `BEGIN IMMEDIATE`
  write transactions, so many browser sessions never see "database is locked";
* PostgreSQL connections are checked before use (pool pre-ping), so a restarted server
  costs one reconnect, and a write that fails raises `StoreError`: never reported as saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from audit import i18n
from audit.access import (
    LOCAL_IDENTITY,
    ROLE_LABELS,
    SHARED_ROLES,
    Action,
    Facilitator,
    IdentityError,
    Role,
    identity,
    not_found,
    refusal,
    role_of,
)
from audit.cells import is_blank
from audit.database import database_url, make_engine, upgrade, write_transaction
from audit.i18n import _
from audit.inventory import DERIVED_ID_PREFIX, Inventory
from audit.meta import AuditMeta
from audit.metrics import TOUCHPOINT_COLUMNS, AuditResult, audit_stages, compute_audit
from audit.phases import Phase, WorkshopState
from audit.plan import FIELD_COLUMNS, ImportPlan, plan_touchpoints, score_changes, stored_keys, touchpoint_record
from audit.rules import score_refusal
from audit.scoring import SCORE_COLUMNS, empty_scores
from audit.vocabulary import CRITERIA

metadata = sa.MetaData()
audits = sa.Table(
    "audits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("client", sa.String(200)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("stage_order", sa.JSON, nullable=False),
    sa.Column("weights", sa.JSON, nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("phase", sa.String(20), nullable=False, server_default=Phase.ROUND1.value),
    sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("round2_keys", sa.JSON),
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.Column("owner", sa.String(320), nullable=False, server_default=LOCAL_IDENTITY),
)
audit_access = sa.Table(
    "audit_access",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("identity", sa.String(320), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("granted_by", sa.String(320), nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
)
touchpoints = sa.Table(
    "touchpoints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("stage", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(200)),
    sa.Column("type", sa.String(20)),
    sa.Column("type_inferred", sa.Boolean, nullable=False),
    sa.Column("control", sa.String(20)),
    sa.Column("owner", sa.String(200)),
    sa.Column("importance", sa.Float, nullable=False),
    sa.Column("reach", sa.Float),
    sa.Column("conversions", sa.Float),
    sa.Column("customer_rating", sa.Float),
    sa.Column("notes", sa.Text),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("archived_at", sa.DateTime(timezone=True)),
)
assessors = sa.Table(
    "assessors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
)
scores = sa.Table(
    "scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("touchpoint_id", sa.Integer, sa.ForeignKey("touchpoints.id", ondelete="CASCADE"), nullable=False),
    sa.Column("assessor_id", sa.Integer, sa.ForeignKey("assessors.id", ondelete="CASCADE"), nullable=False),
    sa.Column("criterion", sa.String(20), nullable=False),
    sa.Column("value", sa.Integer),
    sa.Column("note", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
score_history = sa.Table(
    "score_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("score_id", sa.Integer, sa.ForeignKey("scores.id", ondelete="CASCADE"), nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("old_value", sa.Integer),
    sa.Column("new_value", sa.Integer),
    sa.Column("old_note", sa.Text),
    sa.Column("new_note", sa.Text),
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
)
join_codes = sa.Table(
    "join_codes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)
participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    sa.Column("assessor_id", sa.Integer, sa.ForeignKey("assessors.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), unique=True),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("removed_at", sa.DateTime(timezone=True)),
)

facilitator_accounts = sa.Table(
    "facilitator_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("identity", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sign_in_sessions = sa.Table(
    "sign_in_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("identity", sa.String(320), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)
failed_attempts = sa.Table(
    "failed_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scope", sa.String(20), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


class StoreError(Exception):
    """A store operation failed; the message says what was not saved and what to do."""


class AuditNotFound(StoreError):
    """No audit by that name (or none by that name that the actor may open: the message is the same)."""


class AccessDenied(StoreError):
    """The actor may not do this to the audit; the message says why and whom to ask. Nothing was saved."""


@dataclass(frozen=True)
class AuditInfo:
    id: int
    name: str
    client: str | None
    created_at: datetime
    updated_at: datetime
    stage_order: list[str]
    weights: dict[str, float]
    owner: str = LOCAL_IDENTITY
    role: Role | None = None  # the asking actor's role, where the actor is known
    touchpoints: int = 0
    assessors: int = 0
    scores: int = 0
    compared_with: str | None = None  # the audit this one is compared with: its baseline, or a competitor's
    compared_as: str = "baseline"  # what that audit is to this one: "baseline" or "competitor"
    language: str = "en"  # detected at import, changeable: its workbook's and report's, and its pages' default


@dataclass(frozen=True)
class SavedScore:
    """What `save_score` wrote: the value before and after."""

    touchpoint: str
    assessor: str
    criterion: str
    old_value: int | None
    value: int | None
    note: str | None
    changed: bool


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Audits, touchpoints and scores in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Store:
        """Connect to the configured database and bring its schema up to date."""
        engine = make_engine(database_url(url))
        try:
            if migrate:
                upgrade(engine)
        except OperationalError as error:
            # TRANSLATORS: {url} is the database's address; {error} the database's own message.
            message = _("Cannot open the database at {url}: {error}").format(url=repr(engine.url), error=error.orig)
            raise StoreError(message) from None
        return cls(engine)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self, what: str) -> Iterator[Connection]:
        """A write transaction; any database failure becomes a StoreError that says nothing was saved."""
        try:
            with write_transaction(self.engine) as connection:
                yield connection
        except IntegrityError:
            raise
        except (OperationalError, DBAPIError) as error:
            # TRANSLATORS: {what} is what was being saved ("the audit 'Northwind'"); {error} the kind of failure.
            message = _("Could not save {what}: the database did not answer ({error}). Nothing was saved; try again.")
            raise StoreError(message.format(what=what, error=type(error.orig).__name__)) from error

    # --- audits -------------------------------------------------------------------------

    def create_audit(
        self,
        name: str,
        *,
        actor: Facilitator,
        owner: str | None = None,
        client: str | None = None,
        stage_order: Sequence[str] = (),
        weights: Mapping[str, float] | None = None,
    ) -> AuditInfo:
        """A new, empty audit owned by the actor (the command line may name another owner)."""
        values = _new_audit(name, actor, owner, client, stage_order, weights)
        name = str(values["name"])
        try:
            # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
            with self.write(_("the audit '{audit}'").format(audit=name)) as connection:
                connection.execute(audits.insert().values(**values))
        except IntegrityError:
            raise self._name_taken(actor, name) from None
        return self.audit(name)

    def _name_taken(self, actor: Facilitator, name: str) -> StoreError:
        if self.role(actor, name) is None:  # not confirmed to someone who cannot open it
            return StoreError(_("The name '{name}' is taken; choose another.").format(name=name))
        return StoreError(_("An audit called '{name}' exists already; choose another name.").format(name=name))

    def audit(self, name: str) -> AuditInfo:
        """An audit by name, whoever may open it: for code that has checked access already."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(audits).where(audits.c.name == name)).mappings().first()
        if row is None:
            raise AuditNotFound(_("No audit called '{audit}'.").format(audit=name))
        return _audit_info(row)

    def audit_names(self) -> list[str]:
        """Every audit's name, whoever may open it: for the command line and for checks."""
        with self.engine.connect() as connection:
            return list(connection.execute(sa.select(audits.c.name).order_by(audits.c.name)).scalars())

    def list_audits(self, actor: Facilitator) -> list[AuditInfo]:
        """The audits the actor owns or that are shared with them, with their counts of active
        touchpoints, assessors and scores and the actor's role, most recently changed first."""
        tp_count = (
            sa.select(sa.func.count())
            .where(touchpoints.c.audit_id == audits.c.id, touchpoints.c.archived_at.is_(None))
            .scalar_subquery()
        )
        as_count = sa.select(sa.func.count()).where(assessors.c.audit_id == audits.c.id).scalar_subquery()
        sc_count = (
            sa.select(sa.func.count())
            .where(scores.c.audit_id == audits.c.id, scores.c.value.is_not(None))
            .scalar_subquery()
        )
        query = _visible_to(
            actor, sa.select(audits, tp_count.label("n_tp"), as_count.label("n_as"), sc_count.label("n_sc"))
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(audits.c.updated_at.desc())).mappings().all()
            shares = _shares_of(connection, actor.identity)
        return [
            _audit_info(r, r["n_tp"], r["n_as"], r["n_sc"], role_of(actor, owner=r["owner"], shares=shares[r["id"]]))
            for r in rows
        ]

    def roles(self, actor: Facilitator) -> dict[str, Role]:
        """The actor's role on each audit they may open, by name: one small query, for every page run."""
        query = _visible_to(actor, sa.select(audits.c.id, audits.c.name, audits.c.owner).order_by(audits.c.name))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            shares = _shares_of(connection, actor.identity)
        found = {row.name: role_of(actor, owner=row.owner, shares=shares[row.id]) for row in rows}
        return {name: role for name, role in found.items() if role is not None}

    # --- access -------------------------------------------------------------------------

    @contextmanager
    def acting(self, actor: Facilitator, name: str, action: Action, what: str) -> Iterator[tuple[Connection, int]]:
        """A write transaction on the audit if the actor may do `action` to it, checked inside the
        transaction; yields the connection and the audit's id. AccessDenied says why not, and an
        audit the actor may not open is AuditNotFound, as if it did not exist."""
        with self.write(what) as connection:
            yield connection, _authorize(connection, actor, name, action)[0]

    def check(self, actor: Facilitator, name: str, action: Action = Action.READ) -> AuditInfo:
        """The audit, if the actor may do `action` to it (read it, by default); AuditNotFound or AccessDenied."""
        with self.engine.connect() as connection:
            _audit_id, role = _authorize(connection, actor, name, action)
            row = connection.execute(sa.select(audits).where(audits.c.name == name)).mappings().one()
        return _audit_info(row, role=role)

    def role(self, actor: Facilitator, name: str) -> Role | None:
        """The actor's role on the audit; None when they may not open it (or it does not exist)."""
        with self.engine.connect() as connection:
            return _role(connection, actor, name)

    def share(self, name: str, who: str, role: Role, *, actor: Facilitator) -> None:
        """Give another facilitator (by e-mail or account name) editor's or viewer's access; owner only."""
        target = checked_identity(who)
        if role not in SHARED_ROLES:
            message = _("An audit is shared as {editor} or {viewer}; it has only one owner.")
            raise StoreError(message.format(editor=_(ROLE_LABELS[Role.EDITOR]), viewer=_(ROLE_LABELS[Role.VIEWER])))
        what = _("access to '{audit}' for {who}").format(audit=name, who=target)
        with self.acting(actor, name, Action.SHARE, what) as (connection, audit_id):
            owner = connection.execute(sa.select(audits.c.owner).where(audits.c.id == audit_id)).scalar_one()
            if target == owner:
                message = _("{who} owns '{audit}'; there is nothing to share with them.")
                raise StoreError(message.format(who=target, audit=name))
            mine = (audit_access.c.audit_id == audit_id, audit_access.c.identity == target)
            connection.execute(audit_access.delete().where(*mine))
            connection.execute(
                audit_access.insert().values(
                    audit_id=audit_id, identity=target, role=role.value, granted_by=actor.label, granted_at=utc_now()
                )
            )

    def unshare(self, name: str, who: str, *, actor: Facilitator) -> bool:
        """Take back someone's access to the audit; True when they had any. Owner only."""
        target = checked_identity(who)
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("access to '{audit}' for {who}").format(audit=name, who=target)
        with self.acting(actor, name, Action.SHARE, what) as (connection, audit_id):
            result = connection.execute(
                audit_access.delete().where(audit_access.c.audit_id == audit_id, audit_access.c.identity == target)
            )
        return bool(result.rowcount)

    def shares(self, name: str) -> dict[str, Role]:
        """Who the audit is shared with (not its owner), by identity."""
        audit_id = self.audit(name).id
        query = sa.select(audit_access.c.identity, audit_access.c.role).where(audit_access.c.audit_id == audit_id)
        with self.engine.connect() as connection:
            return {who: Role(role) for who, role in connection.execute(query.order_by(audit_access.c.identity))}

    def set_owner(self, name: str, who: str, *, actor: Facilitator) -> None:
        """Hand the audit to another facilitator (the command line only); the old owner stays as editor."""
        if not actor.operator:
            raise AccessDenied(_("An audit changes owner only from the command line (python -m audit owner)."))
        target = checked_identity(who)
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("the owner of '{audit}'").format(audit=name)
        with self.acting(actor, name, Action.SHARE, what) as (connection, audit_id):
            old = connection.execute(sa.select(audits.c.owner).where(audits.c.id == audit_id)).scalar_one()
            connection.execute(audits.update().where(audits.c.id == audit_id).values(owner=target))
            connection.execute(
                audit_access.delete().where(audit_access.c.audit_id == audit_id, audit_access.c.identity == target)
            )
            if old != target:
                connection.execute(
                    audit_access.insert().values(
                        audit_id=audit_id, identity=old, role=Role.EDITOR.value, granted_by=actor.label,
                        granted_at=utc_now(),
                    )
                )  # fmt: skip

    def delete_audit(self, name: str, *, actor: Facilitator) -> None:
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("the deletion of '{audit}'").format(audit=name)
        with self.acting(actor, name, Action.DELETE, what) as (connection, audit_id):
            for table in (score_history, scores, participants, join_codes, assessors, touchpoints, audit_access):
                connection.execute(table.delete().where(table.c.audit_id == audit_id))
            connection.execute(audits.delete().where(audits.c.id == audit_id))

    def set_stage_order(self, name: str, stages: Sequence[str], *, actor: Facilitator) -> None:
        self._update_audit(name, actor, stage_order=list(stages))

    def set_weights(self, name: str, weights: Mapping[str, float], *, actor: Facilitator) -> None:
        self._update_audit(name, actor, weights={c: float(weights[c]) for c in CRITERIA})

    def set_comparison(self, name: str, other: str | None, kind: str = "baseline", *, actor: Facilitator) -> None:
        """Name the audit `name` is compared with (None forgets it): the actor must be able to change
        this audit and to open the other, so a comparison never shows an audit its reader may not see."""
        if kind not in ("baseline", "competitor"):
            raise StoreError(_("An audit is compared with a baseline or a competitor, not '{kind}'.").format(kind=kind))
        if other == name:
            raise StoreError(_("An audit cannot be compared with itself; choose an earlier audit or a competitor's."))
        if other is not None:
            self.check(actor, other, Action.READ)
        with self.acting(actor, name, Action.EDIT, _settings_of(name)) as (connection, audit_id):
            settings = connection.execute(sa.select(audits.c.settings).where(audits.c.id == audit_id)).scalar_one()
            chosen = {"compared_with": other, "compared_as": kind} if other is not None else {}
            settings = {k: v for k, v in (settings or {}).items() if k not in ("compared_with", "compared_as")}
            connection.execute(
                audits.update().where(audits.c.id == audit_id).values(settings=settings | chosen, updated_at=utc_now())
            )

    def set_language(self, name: str, code: str, *, actor: Facilitator) -> None:
        """Set the audit's language (one of i18n.CODES): its workbook's and report's, and the language its
        pages open in for those who chose none. The actor must be able to change the audit."""
        if code not in i18n.CODES:
            raise StoreError(
                _("'{code}' is not a language of this app; choose one of {codes}.").format(
                    code=code, codes=", ".join(i18n.CODES)
                )
            )
        with self.acting(actor, name, Action.EDIT, _settings_of(name)) as (connection, audit_id):
            settings = connection.execute(sa.select(audits.c.settings).where(audits.c.id == audit_id)).scalar_one()
            connection.execute(
                audits.update()
                .where(audits.c.id == audit_id)
                .values(settings=(settings or {}) | {"language": code}, updated_at=utc_now())
            )

    def _update_audit(self, name: str, actor: Facilitator, **values: object) -> None:
        with self.acting(actor, name, Action.EDIT, _settings_of(name)) as (connection, audit_id):
            connection.execute(audits.update().where(audits.c.id == audit_id).values(updated_at=utc_now(), **values))

    # --- touchpoints --------------------------------------------------------------------

    def touchpoint_frame(self, name: str, *, archived: bool = False) -> pd.DataFrame:
        """Active touchpoints (or archived ones) in inventory order; `id` is the touchpoint's key."""
        audit = self.audit(name)
        with self.engine.connect() as connection:
            return _touchpoint_frame(connection, audit.id, archived=archived)

    def plan_import(self, name: str, inventory: Inventory, score_frame: pd.DataFrame | None = None) -> ImportPlan:
        """What `import_inventory` would change in an existing audit; writes nothing."""
        audit = self.audit(name)
        with self.engine.connect() as connection:
            existing = _existing_touchpoints(connection, audit.id)
            plan, rows = plan_touchpoints(existing, inventory)
            if score_frame is not None:
                keys = stored_keys(inventory, rows)
                existing_scores = _existing_scores(connection, audit.id)
                plan.scores_added, plan.scores_changed = score_changes(existing_scores, score_frame, keys)
        return plan

    def import_inventory(
        self,
        name: str,
        inventory: Inventory,
        score_frame: pd.DataFrame | None = None,
        *,
        actor: Facilitator,
        owner: str | None = None,
        client: str | None = None,
        meta: AuditMeta | None = None,
    ) -> ImportPlan:
        """Create (owned by the actor) or update (the actor must be its editor) an audit from an
        inventory and scores: match, add, update, archive. `meta` (a workbook of ours) sets the
        client, weights and stage order, and a new audit's workshop state too. One transaction:
        when anything fails, nothing was changed. The history records the actor."""
        client = client if client is not None else (meta.client if meta else None)
        stages = meta.stage_order if meta else audit_stages(inventory)
        new = _new_audit(name, actor, owner, client, stages, meta.weights if meta else None)
        new["settings"] = {"language": getattr(inventory, "language", "en")}  # detected from its headers
        name = str(new["name"])
        try:
            # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
            with self.write(_("the import into '{audit}'").format(audit=name)) as connection:
                created = _lookup(connection, actor, name) is None
                if created:
                    connection.execute(audits.insert().values(**new, **_workshop_values(meta)))
                elif _role(connection, actor, name) is None:  # another team's audit: said as creating it says it
                    raise StoreError(_("The name '{name}' is taken; choose another.").format(name=name))
                audit_id, _granted = _authorize(connection, actor, name, Action.EDIT)
                existing = _existing_touchpoints(connection, audit_id)
                plan, rows = plan_touchpoints(existing, inventory)
                _apply_touchpoints(connection, audit_id, existing, rows, plan)
                settings, plan.settings = _imported_settings(connection, audit_id, stages, meta, created)
                connection.execute(audits.update().where(audits.c.id == audit_id).values(**settings))
                if score_frame is not None and not score_frame.empty:
                    keys = stored_keys(inventory, rows)
                    plan.scores_added, plan.scores_changed = _write_scores(
                        connection, audit_id, score_frame, keys, f"import by {actor.label}"
                    )
                if connection.dialect.name == "postgresql":
                    # Fresh statistics, or the planner joins a big import's scores row by row until autovacuum runs.
                    connection.exec_driver_sql("ANALYZE touchpoints, assessors, scores")
        except IntegrityError:  # another session created the audit at the same moment
            raise self._name_taken(actor, name) from None
        return plan

    def add_touchpoint(self, name: str, values: Mapping[str, object], *, actor: Facilitator) -> str:
        """A new touchpoint typed in the app; returns its key."""
        key = str(values.get("id") or "").strip() or f"{DERIVED_ID_PREFIX}new-{int(utc_now().timestamp() * 1000)}"
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("the touchpoint '{touchpoint}'").format(touchpoint=values.get("name"))
        with self.acting(actor, name, Action.EDIT, what) as (connection, audit_id):
            position = connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(touchpoints.c.position), 0)).where(
                    touchpoints.c.audit_id == audit_id
                )
            ).scalar_one()
            row = _touchpoint_row(values) | {"key": key, "position": position + 1, "audit_id": audit_id}
            try:
                connection.execute(touchpoints.insert().values(**row))
            except IntegrityError:
                message = _("Id '{key}' is taken in this audit; give the touchpoint another id.")
                raise StoreError(message.format(key=key)) from None
        return key

    def update_touchpoint(self, name: str, key: str, values: Mapping[str, object], *, actor: Facilitator) -> None:
        changes = {c: values[c] for c in FIELD_COLUMNS if c in values}
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("the touchpoint '{touchpoint}'").format(touchpoint=key)
        with self.acting(actor, name, Action.EDIT, what) as (connection, audit_id):
            connection.execute(
                touchpoints.update()
                .where(touchpoints.c.audit_id == audit_id, touchpoints.c.key == key)
                .values(**changes)
            )

    def archive_touchpoint(self, name: str, key: str, *, actor: Facilitator, archived: bool = True) -> None:
        """Archive (or bring back) a touchpoint; its scores stay."""
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        what = _("the archiving of '{touchpoint}'").format(touchpoint=key)
        with self.acting(actor, name, Action.EDIT, what) as (connection, audit_id):
            connection.execute(
                touchpoints.update()
                .where(touchpoints.c.audit_id == audit_id, touchpoints.c.key == key)
                .values(archived_at=utc_now() if archived else None)
            )

    # --- scores -------------------------------------------------------------------------

    def save_score(
        self,
        name: str,
        key: str,
        assessor: str,
        criterion: str,
        value: int | None,
        note: str | None = None,
        *,
        actor: Facilitator,
    ) -> SavedScore:
        """Write one score for a named assessor (a file's, or the facilitator typing one in) now; returns
        only after the commit. None clears the score (history keeps it). The history records the actor."""
        if criterion not in CRITERIA:
            message = _("'{criterion}' is not a criterion; use {criteria}.")
            raise StoreError(message.format(criterion=criterion, criteria=", ".join(CRITERIA)))
        refused = score_refusal(value, _("Not saved."))
        if refused:
            raise StoreError(refused)
        assessor = assessor.strip()
        if not assessor:
            raise StoreError(_("A score needs the name of its assessor."))
        # TRANSLATORS: what was being saved, in "Could not save {what}"; {criterion} is e.g. "relevance", {key} an id.
        what = _("{name}'s {criterion} score of {key}").format(
            name=assessor, criterion=i18n.label(criterion).lower(), key=key
        )
        with self.acting(actor, name, Action.EDIT, what) as (connection, audit_id):
            tp_id = connection.execute(
                sa.select(touchpoints.c.id).where(touchpoints.c.audit_id == audit_id, touchpoints.c.key == key)
            ).scalar()
            if tp_id is None:
                raise StoreError(_("No touchpoint '{key}' in the audit '{audit}'.").format(key=key, audit=name))
            assessor_id = _assessor_id(connection, audit_id, assessor)
            state = workshop_state(connection, audit_id)
            return upsert_score(
                connection,
                audit_id,
                tp_id,
                assessor_id,
                criterion,
                value,
                note,
                actor.label,
                key,
                assessor,
                state.round,
            )

    def score_frame(self, name: str) -> pd.DataFrame:
        """Every score of the audit's active touchpoints, in the long shape of audit.scoring."""
        audit = self.audit(name)
        with self.engine.connect() as connection:
            return _score_frame(connection, audit.id)

    def assessor_names(self, name: str) -> list[str]:
        audit = self.audit(name)
        with self.engine.connect() as connection:
            query = sa.select(assessors.c.name).where(assessors.c.audit_id == audit.id).order_by(assessors.c.name)
            return list(connection.execute(query).scalars())

    def history(self, name: str, key: str | None = None) -> pd.DataFrame:
        """Every change of the audit's scores (or one touchpoint's), newest first."""
        audit = self.audit(name)
        query = (
            sa.select(
                score_history.c.id,
                touchpoints.c.key.label("touchpoint"),
                assessors.c.name.label("assessor"),
                scores.c.criterion,
                score_history.c.old_value,
                score_history.c.new_value,
                score_history.c.old_note,
                score_history.c.new_note,
                score_history.c.changed_by,
                score_history.c.changed_at,
            )
            .join(scores, score_history.c.score_id == scores.c.id)
            .join(touchpoints, scores.c.touchpoint_id == touchpoints.c.id)
            .join(assessors, scores.c.assessor_id == assessors.c.id)
            .where(score_history.c.audit_id == audit.id)
            .order_by(score_history.c.id.desc())
        )
        if key is not None:
            query = query.where(touchpoints.c.key == key)
        with self.engine.connect() as connection:
            return pd.DataFrame(connection.execute(query).mappings().all())

    def restore(self, name: str, history_id: int, *, actor: Facilitator) -> SavedScore:
        """Put back the value a score had before the change `history_id`."""
        audit = self.check(actor, name, Action.EDIT)
        with self.engine.connect() as connection:
            row = (
                connection.execute(
                    sa.select(
                        score_history.c.old_value,
                        score_history.c.old_note,
                        scores.c.criterion,
                        touchpoints.c.key,
                        assessors.c.name,
                    )  # fmt: skip
                    .join(scores, score_history.c.score_id == scores.c.id)
                    .join(touchpoints, scores.c.touchpoint_id == touchpoints.c.id)
                    .join(assessors, scores.c.assessor_id == assessors.c.id)
                    .where(score_history.c.id == history_id, score_history.c.audit_id == audit.id)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise StoreError(_("No change {id} in the audit '{audit}'.").format(id=history_id, audit=name))
        return self.save_score(
            name, row["key"], row["name"], row["criterion"], row["old_value"], row["old_note"], actor=actor
        )

    def round1_score_frame(self, name: str) -> pd.DataFrame | None:
        """The scores as they stood when round 2 opened, or None when no score changed in round 2."""
        audit = self.audit(name)
        with self.engine.connect() as connection:
            return _round1_frame(connection, audit.id)

    def snapshot(self, name: str) -> Snapshot:
        """The audit read once, in one read transaction: what a page or an export shows, consistent
        with itself even while a room scores (the caller has checked that the actor may read it)."""
        with self.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                row = connection.execute(sa.select(audits).where(audits.c.name == name)).mappings().first()
                if row is None:
                    raise AuditNotFound(_("No audit called '{audit}'.").format(audit=name))
                return Snapshot(
                    info=_audit_info(row),
                    touchpoints=_touchpoint_frame(connection, row["id"]),
                    scores=_score_frame(connection, row["id"]),
                    round1_scores=_round1_frame(connection, row["id"]),
                    workshop=workshop_state(connection, row["id"]),
                )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """An audit as it stood at one moment: its settings, active touchpoints, scores and workshop state."""

    info: AuditInfo
    touchpoints: pd.DataFrame
    scores: pd.DataFrame
    round1_scores: pd.DataFrame | None
    workshop: WorkshopState

    @cached_property
    def result(self) -> AuditResult:
        """The audit's metrics, computed once per snapshot."""
        return compute_audit(
            self.touchpoints,
            self.scores,
            self.info.stage_order,
            self.info.weights,
            round1_scores=self.round1_scores,
        )

    @property
    def meta(self) -> AuditMeta:
        """What the workbook keeps of the audit beyond its tables."""
        return AuditMeta(
            self.info.name,
            self.info.client,
            self.info.stage_order,
            self.info.weights,
            phase=self.workshop.phase,
            locked=self.workshop.locked,
            round2_keys=sorted(self.workshop.round2_keys),
        )


# --- helpers -----------------------------------------------------------------------------------


def _touchpoint_frame(connection: Connection, audit_id: int, *, archived: bool = False) -> pd.DataFrame:
    columns = TOUCHPOINT_COLUMNS + ["type_inferred", "notes", "extra", "archived_at"]
    selected = [touchpoints.c.key if c == "id" else touchpoints.c[c] for c in columns]
    query = (
        sa.select(*selected)
        .where(touchpoints.c.audit_id == audit_id)
        .where(touchpoints.c.archived_at.is_not(None) if archived else touchpoints.c.archived_at.is_(None))
        .order_by(touchpoints.c.position)
    )
    rows = connection.execute(query).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)


def _score_frame(connection: Connection, audit_id: int) -> pd.DataFrame:
    """Every score of the audit's active touchpoints, in the long shape of audit.scoring.

    Fetched as plain ids through the driver's cursor and mapped to keys and names with
    pandas: a 10k x 10 audit loads in a fraction of what SQLAlchemy rows would cost.
    """
    query = sa.select(
        scores.c.touchpoint_id, scores.c.assessor_id, scores.c.criterion, scores.c.value, scores.c.note
    ).where(scores.c.audit_id == audit_id, scores.c.value.is_not(None))
    keys = dict(connection.execute(
        sa.select(touchpoints.c.id, touchpoints.c.key)
        .where(touchpoints.c.audit_id == audit_id, touchpoints.c.archived_at.is_(None))
    ).all())  # fmt: skip
    names = dict(connection.execute(sa.select(assessors.c.id, assessors.c.name).where(
        assessors.c.audit_id == audit_id)).all())  # fmt: skip
    compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(str(compiled))
    rows = cursor.fetchall()
    cursor.close()
    if not rows:
        return empty_scores()
    raw = pd.DataFrame.from_records(rows, columns=["tp", "as", "criterion", "score", "note"])
    raw["touchpoint_id"] = raw["tp"].map(keys)
    raw = raw.dropna(subset=["touchpoint_id"])  # archived touchpoints
    frame = pd.DataFrame(
        {
            "touchpoint_id": raw["touchpoint_id"].astype(object),
            "assessor": raw["as"].map(names).astype(object),
            "criterion": raw["criterion"].astype(object),
            "score": raw["score"].astype("float64"),
            "note": raw["note"].astype(object),
            "source": "store",
            "row": None,
        }
    )
    return frame[SCORE_COLUMNS].reset_index(drop=True)


def _round1_frame(connection: Connection, audit_id: int) -> pd.DataFrame | None:
    """The scores as they stood when round 2 opened, or None when no score changed in round 2.

    A score changed in round 2 takes the value before its first round-2 change; one first
    given in round 2 is left out.
    """
    first_change = (
        sa.select(score_history.c.score_id, sa.func.min(score_history.c.id).label("first_id"))
        .where(score_history.c.audit_id == audit_id, score_history.c.round == 2)
        .group_by(score_history.c.score_id)
        .subquery()
    )
    query = sa.select(first_change.c.score_id, score_history.c.old_value).join(
        score_history, score_history.c.id == first_change.c.first_id
    )
    before = dict(connection.execute(query).all())
    if not before:
        return None
    rows = connection.execute(
        sa.select(
            scores.c.id, touchpoints.c.key, assessors.c.name, scores.c.criterion, scores.c.value, scores.c.note
        )  # fmt: skip
        .join(touchpoints, scores.c.touchpoint_id == touchpoints.c.id)
        .join(assessors, scores.c.assessor_id == assessors.c.id)
        .where(scores.c.audit_id == audit_id, touchpoints.c.archived_at.is_(None))
    ).all()
    records = []
    for score_id, key, name, criterion, value, note in rows:
        value = before.get(score_id, value)  # None: first given in round 2
        if value is not None:
            records.append((key, name, criterion, float(value), note, "round 1", None))
    if not records:
        return empty_scores()
    return pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)


def _audit_info(row: sa.RowMapping, n_tp: int = 0, n_as: int = 0, n_sc: int = 0, role: Role | None = None) -> AuditInfo:
    return AuditInfo(
        id=row["id"],
        name=row["name"],
        client=row["client"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        stage_order=list(row["stage_order"]),
        weights={c: float(w) for c, w in row["weights"].items()},
        owner=row["owner"],
        role=role,
        touchpoints=int(n_tp),
        assessors=int(n_as),
        scores=int(n_sc),
        compared_with=(row["settings"] or {}).get("compared_with"),
        compared_as=(row["settings"] or {}).get("compared_as", "baseline"),
        language=(row["settings"] or {}).get("language", "en"),
    )


def _new_audit(
    name: str,
    actor: Facilitator,
    owner: str | None,
    client: str | None,
    stage_order: Sequence[str],
    weights: Mapping[str, float] | None,
) -> dict[str, object]:
    """The row of a new audit, owned by the actor (the operator may name another owner)."""
    name = name.strip()
    if not name:
        raise StoreError(_("An audit needs a name."))
    if owner is not None and not actor.operator and identity(owner) != actor.identity:
        raise AccessDenied(_("An audit belongs to whoever creates it; share it once it exists."))
    now = utc_now()
    return {
        "name": name,
        "client": client,
        "created_at": now,
        "updated_at": now,
        "stage_order": list(stage_order),
        "weights": {c: float(w) for c, w in (weights or dict.fromkeys(CRITERIA, 1.0)).items()},
        "settings": {},
        "owner": identity(owner) if owner is not None else actor.identity,
    }


def _workshop_values(meta: AuditMeta | None) -> dict[str, object]:
    """A new audit's workshop state, as the workbook it comes from left it."""
    if meta is None:
        return {}
    return {"phase": meta.phase.value, "locked": meta.locked, "round2_keys": list(meta.round2_keys) or None}


def _imported_settings(
    connection: Connection, audit_id: int, stages: Sequence[str], meta: AuditMeta | None, created: bool
) -> tuple[dict[str, object], list[str]]:
    """The audit's settings after an import, and what a workbook of ours set (in words, for the plan).

    An inventory adds its new stages after the audit's own. A workbook sets its stage order, weights
    and client; its workshop state only for a new audit: a file never moves a room that is running.
    """
    current, client = connection.execute(
        sa.select(audits.c.stage_order, audits.c.client).where(audits.c.id == audit_id)
    ).one()
    values: dict[str, object] = {"updated_at": utc_now()}
    if meta is None:
        values["stage_order"] = list(dict.fromkeys([*current, *stages]))
        return values, []
    values["stage_order"] = list(dict.fromkeys([*stages, *current]))
    weights = {c: float(meta.weights.get(c, 1.0)) for c in CRITERIA}
    values["weights"] = weights
    # What the workbook set, each an item of the list "From the workbook: {settings}." (audit/plan.py).
    said = [_("stage order"), _("weights {weights}").format(weights="/".join(_weight(w) for w in weights.values()))]
    if meta.client and meta.client != client:
        values["client"] = meta.client
    if meta.client:
        said.insert(0, _("client '{client}'").format(client=meta.client))
    if created and (meta.phase is not Phase.ROUND1 or meta.locked):
        # TRANSLATORS: {phase} is the phase's code: round1, revealed or round2.
        phase = _("workshop phase {phase}, locked") if meta.locked else _("workshop phase {phase}")
        said.append(phase.format(phase=meta.phase.value))
    return values, said


def _weight(weight: float) -> str:
    """A criterion's weight as few digits as it needs: "2", "1.5" ("1,5" in ru and pt)."""
    digits = next((d for d in range(3) if round(weight, d) == weight), 3)
    return i18n.number(weight, digits)


def _settings_of(name: str) -> str:
    # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
    return _("the settings of '{audit}'").format(audit=name)


def _visible_to(actor: Facilitator, query: sa.Select[Any]) -> sa.Select[Any]:
    """The query narrowed to the audits the actor owns or that are shared with them (all, for the operator)."""
    if actor.operator:
        return query
    shared = sa.select(audit_access.c.audit_id).where(audit_access.c.identity == actor.identity)
    return query.where(sa.or_(audits.c.owner == actor.identity, audits.c.id.in_(shared)))


def _lookup(connection: Connection, actor: Facilitator, name: str) -> tuple[int, str, Role | None] | None:
    """The audit's id, its owner and the actor's role on it; None when no audit has that name."""
    row = connection.execute(sa.select(audits.c.id, audits.c.owner).where(audits.c.name == name)).first()
    if row is None:
        return None
    return (
        row.id,
        row.owner,
        role_of(actor, owner=row.owner, shares=_shares_of(connection, actor.identity, row.id)[row.id]),
    )


def _role(connection: Connection, actor: Facilitator, name: str) -> Role | None:
    found = _lookup(connection, actor, name)
    return None if found is None else found[2]


def _authorize(connection: Connection, actor: Facilitator, name: str, action: Action) -> tuple[int, Role]:
    """The audit's id and the actor's role if they may do `action` to it; AuditNotFound (no access) or
    AccessDenied."""
    found = _lookup(connection, actor, name)
    if found is None:
        raise AuditNotFound(_("No audit called '{audit}'.").format(audit=name) if actor.operator else not_found(name))
    audit_id, owner, role = found
    problem = refusal(actor, role, action, audit=name, owner=owner)
    if problem or role is None:
        raise (AuditNotFound if role is None else AccessDenied)(problem)
    return int(audit_id), role


def _shares_of(connection: Connection, who: str, audit_id: int | None = None) -> defaultdict[int, dict[str, Role]]:
    """The roles shared with `who`, by audit id (one audit's, or every audit's)."""
    query = sa.select(audit_access.c.audit_id, audit_access.c.role).where(audit_access.c.identity == who)
    if audit_id is not None:
        query = query.where(audit_access.c.audit_id == audit_id)
    found: defaultdict[int, dict[str, Role]] = defaultdict(dict)
    for shared_id, role in connection.execute(query):
        found[shared_id][who] = Role(role)
    return found


def checked_identity(text: str) -> str:
    """An e-mail or account name as the store compares it; StoreError says what is wrong with it."""
    try:
        return identity(text)
    except IdentityError as error:
        raise StoreError(str(error)) from None


def _touchpoint_row(values: Mapping[str, object]) -> dict[str, object]:
    row = touchpoint_record(values)
    if not row["name"]:
        raise StoreError(_("A touchpoint needs a name."))
    return row


def _existing_touchpoints(connection: Connection, audit_id: int) -> dict[str, dict[str, Any]]:
    query = sa.select(touchpoints).where(touchpoints.c.audit_id == audit_id).order_by(touchpoints.c.position)
    return {r["key"]: dict(r) for r in connection.execute(query).mappings()}


def _apply_touchpoints(
    connection: Connection,
    audit_id: int,
    existing: Mapping[str, Mapping[str, Any]],
    rows: list[dict[str, Any]],
    plan: ImportPlan,
) -> None:
    new_rows = [r | {"audit_id": audit_id, "archived_at": None} for r in rows if r["key"] not in existing]
    if new_rows:
        connection.execute(touchpoints.insert(), new_rows)
    for row in rows:
        if row["key"] in existing:
            connection.execute(
                touchpoints.update()
                .where(touchpoints.c.audit_id == audit_id, touchpoints.c.key == row["key"])
                .values(**row, archived_at=None)
            )
    if plan.archived:
        connection.execute(
            touchpoints.update()
            .where(touchpoints.c.audit_id == audit_id, touchpoints.c.key.in_(plan.archived))
            .values(archived_at=utc_now())
        )


def _assessor_id(connection: Connection, audit_id: int, name: str) -> int:
    found = connection.execute(
        sa.select(assessors.c.id).where(assessors.c.audit_id == audit_id, assessors.c.name == name)
    ).scalar()
    if found is not None:
        return int(found)
    insert = _insert(connection, assessors).values(audit_id=audit_id, name=name).on_conflict_do_nothing()
    connection.execute(insert)
    return int(
        connection.execute(
            sa.select(assessors.c.id).where(assessors.c.audit_id == audit_id, assessors.c.name == name)
        ).scalar_one()
    )


def _insert(connection: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def upsert_score(
    connection: Connection,
    audit_id: int,
    tp_id: int,
    assessor_id: int,
    criterion: str,
    value: int | None,
    note: str | None,
    changed_by: str,
    key: str,
    assessor: str,
    round_: int = 1,
    *,
    bump: bool = True,
) -> SavedScore:
    """Write one score (and its history row) under a row lock; `bump=False` leaves the revision to a
    caller that writes many scores and bumps once."""
    now = utc_now()
    connection.execute(
        _insert(connection, scores)
        .values(audit_id=audit_id, touchpoint_id=tp_id, assessor_id=assessor_id, criterion=criterion, updated_at=now)
        .on_conflict_do_nothing()
    )
    where = (scores.c.touchpoint_id == tp_id, scores.c.assessor_id == assessor_id, scores.c.criterion == criterion)
    locked = sa.select(scores.c.id, scores.c.value, scores.c.note).where(*where)
    if connection.dialect.name == "postgresql":
        locked = locked.with_for_update()
    score_id, old_value, old_note = connection.execute(locked).one()
    changed = old_value != value or (old_note or None) != (note or None)
    if changed:
        connection.execute(
            scores.update().where(scores.c.id == score_id).values(value=value, note=note, updated_at=now)
        )
        connection.execute(
            score_history.insert().values(
                audit_id=audit_id,
                score_id=score_id,
                changed_by=changed_by,
                changed_at=now,
                old_value=old_value,
                new_value=value,
                old_note=old_note,
                new_note=note,
                round=round_,
            )
        )
        if bump:
            bump_revision(connection, audit_id)
    return SavedScore(key, assessor, criterion, old_value, value, note, changed)


def bump_revision(connection: Connection, audit_id: int) -> None:
    """Tell every reader of the audit that its scores or phase changed (the room's change counter)."""
    connection.execute(
        audits.update().where(audits.c.id == audit_id).values(revision=audits.c.revision + 1, updated_at=utc_now())
    )


def workshop_state(connection: Connection, audit_id: int, *, for_update: bool = False) -> WorkshopState:
    """The audit's phase, lock and revision; `for_update` holds the row until the transaction ends (PostgreSQL)."""
    query = sa.select(audits.c.phase, audits.c.locked, audits.c.round2_keys, audits.c.revision).where(
        audits.c.id == audit_id
    )
    if for_update and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).one()
    return WorkshopState(Phase(row.phase), bool(row.locked), frozenset(row.round2_keys or ()), int(row.revision))


def _existing_scores(
    connection: Connection, audit_id: int
) -> dict[tuple[str, str, str], tuple[int | None, str | None]]:
    query = (
        sa.select(touchpoints.c.key, assessors.c.name, scores.c.criterion, scores.c.value, scores.c.note)
        .join(touchpoints, scores.c.touchpoint_id == touchpoints.c.id)
        .join(assessors, scores.c.assessor_id == assessors.c.id)
        .where(scores.c.audit_id == audit_id)
    )
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in connection.execute(query)}


def _write_scores(
    connection: Connection, audit_id: int, frame: pd.DataFrame, keys: Mapping[str, str], changed_by: str
) -> tuple[int, int]:
    """Imported scores: new ones inserted, changed ones updated with history, in bulk."""
    existing = _existing_scores(connection, audit_id)
    added, changed = score_changes(existing, frame, keys)
    tp_ids = dict(
        connection.execute(
            sa.select(touchpoints.c.key, touchpoints.c.id).where(touchpoints.c.audit_id == audit_id)
        ).all()
    )
    for name in frame["assessor"].drop_duplicates():
        _assessor_id(connection, audit_id, str(name))
    as_ids = dict(
        connection.execute(sa.select(assessors.c.name, assessors.c.id).where(assessors.c.audit_id == audit_id)).all()
    )
    now = utc_now()
    inserts, updates = [], []
    for tp, assessor, criterion, value, note in frame[
        ["touchpoint_id", "assessor", "criterion", "score", "note"]
    ].itertuples(index=False):
        key = keys.get(tp, tp)
        note = None if is_blank(note) else str(note)
        old = existing.get((key, assessor, criterion))
        record = {"tp": tp_ids[key], "as": as_ids[assessor], "criterion": criterion, "value": int(value), "note": note}
        if old is None:
            inserts.append(record)
        elif old != (int(value), note):
            updates.append(record)  # upsert_score reads the old value again, under its lock
    if inserts:
        connection.execute(
            scores.insert(),
            [
                {"audit_id": audit_id, "touchpoint_id": r["tp"], "assessor_id": r["as"], "criterion": r["criterion"],
                 "value": r["value"], "note": r["note"], "updated_at": now}
                for r in inserts
            ],
        )  # fmt: skip
    state = workshop_state(connection, audit_id)
    for r in updates:
        upsert_score(
            connection,
            audit_id,
            r["tp"],
            r["as"],
            r["criterion"],
            r["value"],
            r["note"],
            changed_by,
            "",
            "",
            state.round,
            bump=False,  # once below, for the whole import
        )
    if inserts or updates:
        bump_revision(connection, audit_id)
    return added, changed
