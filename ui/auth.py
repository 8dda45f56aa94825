"""Who is at the keyboard: the three ways to run, signing in and out, and local mode's guard.

* **OpenID Connect** when `.streamlit/secrets.toml` has an `[auth]` section: `st.login` signs a
  facilitator in with the organisation's provider; the e-mail claim is who they are.
* **Facilitator password** when a password is configured (audit.accounts): a form with an
  e-mail (or account name) and the "Facilitator password"; the session lives in a cookie.
* **Local mode** when neither is: the local user is the facilitator. It serves loopback only.

What this module decides is only who the actor is; what the actor may do is decided again by
the store on every write (audit.access), so a page that forgets to hide a button is no hole.
"""

from __future__ import annotations

import ipaddress
import os
from enum import StrEnum

import streamlit as st

from audit.access import LOCAL, Facilitator, IdentityError, identity
from audit.accounts import (
    HASH_VARIABLE,
    JOIN_LIMITS,
    PASSWORD_VARIABLE,
    SIGN_IN_LIMITS,
    TRUSTED_PROXY_VARIABLE,
    Accounts,
    Throttle,
)
from audit.i18n import _
from audit.store import StoreError, checked_identity
from ui import state

ALLOWED_VARIABLE = "TOUCHPOINT_AUDIT_FACILITATORS"  # who may sign in with OpenID Connect: e-mails, @domains
COOKIE = "touchpoint_audit_session"
SIGNED_IN = "signed_in"  # (identity, session token) of a password sign-in, in session state
SET_COOKIE, CLEAR_COOKIE = "set_cookie", "clear_cookie"
MODE_CACHE_SECONDS = 5


class Mode(StrEnum):
    OIDC = "OpenID Connect"
    PASSWORD = "facilitator password"
    LOCAL = "local"


@st.cache_resource
def accounts() -> Accounts:
    return Accounts(state.store())


@st.cache_resource
def throttles() -> dict[str, Throttle]:
    return {
        "sign-in": Throttle(state.store(), "sign-in", SIGN_IN_LIMITS),
        "join": Throttle(state.store(), "join", JOIN_LIMITS),
    }


@st.cache_resource(ttl=MODE_CACHE_SECONDS, show_spinner=False)
def _password_configured() -> bool:
    return accounts().configured()


CACHES = (accounts, throttles, _password_configured)


def mode() -> Mode:
    if _oidc_configured():
        return Mode.OIDC
    if _password_configured():
        return Mode.PASSWORD
    return Mode.LOCAL


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or one that cannot be parsed: not configured
        return False


def facilitator() -> Facilitator | None:
    """The facilitator acting in this session; None when nobody is signed in."""
    current = mode()
    if current is Mode.LOCAL:
        return LOCAL
    if current is Mode.OIDC:
        return _oidc_facilitator()
    return _password_facilitator()


def _oidc_facilitator() -> Facilitator | None:
    if not st.user.is_logged_in:
        return None
    return None if oidc_refusal() else Facilitator(identity(str(st.user.get("email"))))


def oidc_refusal() -> str | None:
    """Why the account signed in with the provider may not act here; None when it may."""
    email = st.user.get("email")
    if not email:
        # TRANSLATORS: "email" is the name of an OpenID Connect scope: keep it as it is.
        return _("Your sign-in did not give an e-mail address; ask your administrator to include the email scope.")
    if st.user.get("email_verified") is False:
        # TRANSLATORS: the provider is the organisation's sign-in service; {email} is the address it gave.
        return _("The provider has not verified {email}; verify it with them, then sign in again.").format(email=email)
    try:
        who = identity(str(email))
    except IdentityError as error:
        return str(error)
    if not _allowed(who):
        # TRANSLATORS: {who} is an e-mail address; {variable} is the name of a setting: keep it as it is.
        return _(
            "{who} is not one of this server's facilitators. Ask whoever runs it to add you to {variable}."
        ).format(who=who, variable=ALLOWED_VARIABLE)
    return None


def _allowed(who: str) -> bool:
    allowed = [a.strip().lower() for a in os.environ.get(ALLOWED_VARIABLE, "").split(",") if a.strip()]
    return not allowed or any(who == a or (a.startswith("@") and who.endswith(a)) for a in allowed)


def check_shareable(typed: str) -> None:
    """Refuse to share with someone who could never sign in here (a typo, most often); StoreError says so."""
    who = checked_identity(typed)
    current = mode()
    if current is Mode.PASSWORD and not accounts().exists(who):
        # TRANSLATORS: {who} is an e-mail address or account name; {command} is a command: keep it as it is.
        unknown = _(
            "Nobody signs in here as {who}: check the spelling, or ask whoever runs the server to add the "
            "account ({command})."
        )
        raise StoreError(unknown.format(who=who, command=f"python -m audit facilitator add {who}"))
    if current is Mode.OIDC and not _allowed(who):
        # TRANSLATORS: {who} is an e-mail address; {variable} is the name of a setting: keep it as it is.
        refused = _("{who} may not sign in here ({variable}); check the spelling.")
        raise StoreError(refused.format(who=who, variable=ALLOWED_VARIABLE))


def _password_facilitator() -> Facilitator | None:
    signed = st.session_state.get(SIGNED_IN)
    token = signed[1] if signed else _cookie()
    who = accounts().session(token)  # every run: a signed-out or removed account stops at once
    if who is None:
        st.session_state.pop(SIGNED_IN, None)
        return None
    st.session_state[SIGNED_IN] = (who, token)
    return Facilitator(who)


def _cookie() -> str | None:
    found = st.context.cookies.get(COOKIE)
    return found if isinstance(found, str) else None


# --- the password form -----------------------------------------------------------------------------


def attempt_keys() -> dict[str, str]:
    """Who is guessing: this browser session and its network address. Behind a reverse proxy the
    address is the proxy's, unless TOUCHPOINT_AUDIT_TRUSTED_PROXY names it: then the client's,
    from the proxy's X-Forwarded-For (docs/access.md)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    address = st.context.ip_address or "unknown"
    trusted = {a.strip() for a in os.environ.get(TRUSTED_PROXY_VARIABLE, "").split(",") if a.strip()}
    forwarded = st.context.headers.get("X-Forwarded-For")
    if address in trusted and forwarded:
        address = forwarded.split(",")[-1].strip()  # what the trusted proxy saw; the rest the client wrote
    return {"browser": context.session_id if context else "unknown", "address": address}


def sign_in_with_password(who: str, password: str) -> str | None:
    """Sign in; None when done, else the message to show. Refused attempts are not even checked."""
    if not who.strip() or not password:
        return _("Type your e-mail (or account name) and the facilitator password.")
    throttle = throttles()["sign-in"]
    keys = attempt_keys() | {"account": who.strip().lower()}  # a reload makes a new browser session
    refused = throttle.refusal(keys)
    if refused:
        return refused
    account = accounts().verify(who, password)
    if account is None:
        throttle.failed(keys)
        return _("Wrong e-mail or password. Check both and try again; after a few misses, sign-in pauses.")
    throttle.succeeded(keys)
    token = accounts().start_session(account)
    st.session_state[SIGNED_IN] = (account, token)
    st.session_state[SET_COOKIE] = token
    return None


def sign_out() -> None:
    if mode() is Mode.OIDC:
        st.logout()
        return
    signed = st.session_state.pop(SIGNED_IN, None)
    accounts().end_session(signed[1] if signed else _cookie())
    st.session_state[CLEAR_COOKIE] = True
    st.query_params.clear()  # the open audit's name stays out of the signed-out address


def write_cookie() -> None:
    """Set the session cookie after a sign-in and reload the page, so that the page opens as a fresh
    session signed in by its cookie (whatever page the address names); or clear it after a sign-out."""
    secure = "; Secure" if (st.context.url or "").startswith("https") else ""
    if st.session_state.pop(SET_COOKIE, None) is not None:
        token = st.session_state[SIGNED_IN][1]
        value, age, then = token, 12 * 3600, "window.location.reload();"
    elif st.session_state.pop(CLEAR_COOKIE, None):
        value, age, then = "", 0, ""
    else:
        return
    st.html(
        f"<script>document.cookie = '{COOKIE}={value}; path=/; max-age={age}; SameSite=Strict{secure}';{then}</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


# --- local mode's guard ------------------------------------------------------------------------------


def local_mode_refusal() -> str | None:
    """Why local mode must not serve this request: it listens beyond this computer, or comes through a
    proxy. None: it serves only this computer."""
    address = st.get_option("server.address")
    proxied = any(h in st.context.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-Ip"))
    if _loopback(address) and not proxied:
        return None
    advice = _(
        "Set {password} (or {hash}) for a facilitator password, or add an [auth] section to "
        ".streamlit/secrets.toml for sign-in with OpenID Connect; or start it on 127.0.0.1 (./scripts/run does)."
    ).format(password=PASSWORD_VARIABLE, hash=HASH_VARIABLE)
    if proxied:
        served = _(
            "Local mode makes whoever opens the app a facilitator, so it serves only this computer; "
            "this app is served through a proxy."
        )
    elif address:
        # TRANSLATORS: {address} is the network address the app listens on (e.g. 0.0.0.0).
        served = _(
            "Local mode makes whoever opens the app a facilitator, so it serves only this computer; "
            "this app is served on {address}."
        ).format(address=address)
    else:
        served = _(
            "Local mode makes whoever opens the app a facilitator, so it serves only this computer; "
            "this app is served on every network address."
        )
    return f"{served} {advice}"


def _loopback(address: str | None) -> bool:
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def join_refusal() -> str | None:
    """Why this browser may not try a join code now (too many wrong ones); None: it may."""
    return throttles()["join"].refusal(attempt_keys())


def join_failed() -> None:
    throttles()["join"].failed(attempt_keys())
