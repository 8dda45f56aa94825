"""Facilitators' passwords, their sign-in sessions, and the slowing of guesses.

Password mode (docs/access.md) is on when any password is configured:
* `TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD`, or better its argon2 hash in
  `TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD_HASH` (`python -m audit hash-password`), is the password
  of one account, named by `TOUCHPOINT_AUDIT_FACILITATOR` (default "facilitator");
* each further facilitator gets an account of their own, so nobody signs in as somebody else:
  `python -m audit facilitator add alice@example.com` stores an argon2id hash, never the password.

Signing in gives a session token (the app keeps it in a cookie; the store keeps only its digest)
that lasts `SESSION_HOURS` or until signing out.

Guesses are slowed: `Throttle` counts failed attempts per browser session and per network
address over a window; past a limit, every attempt is refused, right or wrong, until the
oldest failure leaves the window. Join codes are throttled the same way.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from audit import i18n
from audit.access import IdentityError, identity
from audit.i18n import _, ngettext
from audit.invites import digest
from audit.store import (
    Store,
    StoreError,
    checked_identity,
    facilitator_accounts,
    failed_attempts,
    sign_in_sessions,
    utc_now,
)

PASSWORD_VARIABLE = "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD"
HASH_VARIABLE = "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD_HASH"
ACCOUNT_VARIABLE = "TOUCHPOINT_AUDIT_FACILITATOR"
TRUSTED_PROXY_VARIABLE = "TOUCHPOINT_AUDIT_TRUSTED_PROXY"  # the reverse proxy's address(es), for X-Forwarded-For
DEFAULT_ACCOUNT = "facilitator"
MIN_PASSWORD = 12  # for accounts made here (OWASP ASVS 2.1.1)
SESSION_HOURS = 12
SESSION_BYTES = 32

HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 defaults


class PasswordError(StoreError):
    """A password or account that cannot be used; the message says why."""


@dataclass(frozen=True)
class PasswordSettings:
    """The configured password account: its name and its argon2 hash (None: not configured)."""

    account: str = DEFAULT_ACCOUNT
    password_hash: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> PasswordSettings:
        account = identity(env.get(ACCOUNT_VARIABLE) or DEFAULT_ACCOUNT)
        if env.get(HASH_VARIABLE):
            return cls(account, env[HASH_VARIABLE].strip())
        if env.get(PASSWORD_VARIABLE):
            return cls(account, HASHER.hash(env[PASSWORD_VARIABLE]))
        return cls(account)


def hash_password(password: str) -> str:
    """An argon2id hash of a new password, once it is long enough."""
    if len(password) < MIN_PASSWORD:
        # TRANSLATORS: {n} is how many characters the password typed has; {minimum} is 12.
        message = _("A password needs at least {minimum} characters; this one has {n}.")
        raise PasswordError(message.format(minimum=i18n.integer(MIN_PASSWORD), n=i18n.integer(len(password))))
    return HASHER.hash(password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class Accounts:
    """Password accounts and sign-in sessions in the store."""

    def __init__(self, store: Store, settings: PasswordSettings | None = None) -> None:
        self.store = store
        self.settings = settings or PasswordSettings.from_env()

    @cached_property
    def _decoy(self) -> str:
        """A hash to check unknown accounts against, so they cost as long as known ones."""
        return HASHER.hash(secrets.token_urlsafe(16))

    def configured(self) -> bool:
        """Whether password mode is on: a configured password, or any account in the store."""
        if self.settings.password_hash:
            return True
        with self.store.engine.connect() as connection:
            return connection.execute(sa.select(facilitator_accounts.c.id).limit(1)).first() is not None

    def add(self, who: str, password: str) -> str:
        """A facilitator account (or a new password for it); returns its identity."""
        account, password_hash = checked_identity(who), hash_password(password)
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self.store.write(_("the account {account}").format(account=account)) as connection:
            connection.execute(facilitator_accounts.delete().where(facilitator_accounts.c.identity == account))
            connection.execute(
                facilitator_accounts.insert().values(
                    identity=account, password_hash=password_hash, created_at=utc_now()
                )
            )
            self._end_sessions(connection, account)  # a new password signs the old sessions out
        return account

    def remove(self, who: str) -> bool:
        account = checked_identity(who)
        with self.store.write(_("the account {account}").format(account=account)) as connection:
            result = connection.execute(facilitator_accounts.delete().where(facilitator_accounts.c.identity == account))
            self._end_sessions(connection, account)
        return bool(result.rowcount)

    def accounts(self) -> list[str]:
        with self.store.engine.connect() as connection:
            query = sa.select(facilitator_accounts.c.identity).order_by(facilitator_accounts.c.identity)
            return list(connection.execute(query).scalars())

    def exists(self, who: str) -> bool:
        """Whether someone can sign in as `who` with a password here."""
        return self._hash_of(checked_identity(who)) is not None

    def verify(self, who: str, password: str) -> str | None:
        """The identity whose password this is, or None. Unknown accounts cost the same as known ones."""
        try:
            account = identity(who)
        except IdentityError:
            account = ""
        stored = self._hash_of(account) if account else None
        if stored is None:
            _matches(self._decoy, password)
            return None
        return account if _matches(stored, password) else None

    def _hash_of(self, account: str) -> str | None:
        with self.store.engine.connect() as connection:
            found = connection.execute(
                sa.select(facilitator_accounts.c.password_hash).where(facilitator_accounts.c.identity == account)
            ).scalar()
        if found is not None:
            return str(found)
        return self.settings.password_hash if account == self.settings.account else None

    # --- sessions -------------------------------------------------------------------------------

    def start_session(self, account: str) -> str:
        """A new session for a signed-in facilitator; returns its token (only the digest is kept)."""
        token = secrets.token_urlsafe(SESSION_BYTES)
        now = utc_now()
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self.store.write(_("the sign-in")) as connection:
            connection.execute(
                sign_in_sessions.insert().values(
                    token_hash=digest(token),
                    identity=account,
                    created_at=now,
                    expires_at=now + timedelta(hours=SESSION_HOURS),
                )
            )
            connection.execute(sign_in_sessions.delete().where(sign_in_sessions.c.expires_at < now))
        return token

    def session(self, token: str | None) -> str | None:
        """Whose session this token is, while it lasts; None when unknown, expired or signed out."""
        if not token:
            return None
        query = sa.select(sign_in_sessions.c.identity, sign_in_sessions.c.expires_at).where(
            sign_in_sessions.c.token_hash == digest(token), sign_in_sessions.c.revoked_at.is_(None)
        )
        with self.store.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None or _aware(row.expires_at) <= utc_now():
            return None
        return str(row.identity)

    def end_session(self, token: str | None) -> None:
        if not token:
            return
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self.store.write(_("the sign-out")) as connection:
            connection.execute(
                sign_in_sessions.update()
                .where(sign_in_sessions.c.token_hash == digest(token))
                .values(revoked_at=utc_now())
            )

    @staticmethod
    def _end_sessions(connection: sa.Connection, account: str) -> None:
        connection.execute(
            sign_in_sessions.update()
            .where(sign_in_sessions.c.identity == account, sign_in_sessions.c.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- slowing guesses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """At most `attempts` failures within `seconds`."""

    attempts: int
    seconds: int


# Per account too: a reload makes a new browser session, and behind a proxy every address is the
# proxy's. Ten misses lock the account's password for at most 15 minutes: a nuisance, not a breach.
SIGN_IN_LIMITS = {"browser": Limit(5, 900), "address": Limit(20, 900), "account": Limit(10, 900)}
# A room behind one network address joins at once, and people mistype: looser per address.
JOIN_LIMITS = {"browser": Limit(10, 900), "address": Limit(60, 900)}


def _too_many(kind: str, minutes: int) -> str:
    """Why attempts from this browser, address or for this account are refused now: a whole sentence each."""
    n = i18n.integer(minutes)
    if kind == "browser":
        text = ngettext(
            "Too many wrong attempts from this browser. Nothing was checked; try again in {n} minute.",
            "Too many wrong attempts from this browser. Nothing was checked; try again in {n} minutes.",
            minutes,
        )
    elif kind == "address":
        text = ngettext(
            "Too many wrong attempts from this address. Nothing was checked; try again in {n} minute.",
            "Too many wrong attempts from this address. Nothing was checked; try again in {n} minutes.",
            minutes,
        )
    else:
        text = ngettext(
            "Too many wrong attempts for this account. Nothing was checked; try again in {n} minute.",
            "Too many wrong attempts for this account. Nothing was checked; try again in {n} minutes.",
            minutes,
        )
    return text.format(n=n)


class Throttle:
    """Failed attempts of one kind (`scope`: "sign-in", "join"), counted per key kind in `limits`.

    `keys` name who is trying, by kind: {"browser": session id, "address": IP address}. They are
    stored only as digests.
    """

    def __init__(self, store: Store, scope: str, limits: Mapping[str, Limit]) -> None:
        self.store, self.scope, self.limits = store, scope, limits

    def refusal(self, keys: Mapping[str, str]) -> str | None:
        """Why no attempt is taken from these keys now, with how long to wait; None: go ahead."""
        now = utc_now()
        with self.store.engine.connect() as connection:
            for kind, key in keys.items():
                limit = self.limits[kind]
                since = now - timedelta(seconds=limit.seconds)
                times = list(
                    connection.execute(
                        sa.select(failed_attempts.c.at)
                        .where(*self._mine(kind, key), failed_attempts.c.at > since)
                        .order_by(failed_attempts.c.at.desc())
                        .limit(limit.attempts)
                    ).scalars()
                )
                if len(times) >= limit.attempts:
                    oldest = _aware(times[-1])
                    wait = (oldest - since).total_seconds()
                    minutes = max(1, math.ceil(wait / 60))
                    return _too_many(kind, minutes)
        return None

    def failed(self, keys: Mapping[str, str]) -> None:
        now = utc_now()
        oldest = now - timedelta(seconds=max(limit.seconds for limit in self.limits.values()))
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self.store.write(_("a failed attempt")) as connection:
            connection.execute(
                failed_attempts.insert(),
                [{"scope": self.scope, "key_hash": self._digest(kind, key), "at": now} for kind, key in keys.items()],
            )
            connection.execute(
                failed_attempts.delete().where(failed_attempts.c.scope == self.scope, failed_attempts.c.at < oldest)
            )

    def succeeded(self, keys: Mapping[str, str]) -> None:
        """A right attempt clears the browser's count ("in a row"); an address's count stays."""
        # TRANSLATORS: what was being saved, in "Could not save {what}: the database did not answer".
        with self.store.write(_("a sign-in")) as connection:
            for kind, key in keys.items():
                if kind == "browser":
                    connection.execute(failed_attempts.delete().where(*self._mine(kind, key)))

    def _mine(self, kind: str, key: str) -> tuple[sa.ColumnElement[bool], ...]:
        return (failed_attempts.c.scope == self.scope, failed_attempts.c.key_hash == self._digest(kind, key))

    def _digest(self, kind: str, key: str) -> str:
        return digest(f"{self.scope}|{kind}|{key}")
