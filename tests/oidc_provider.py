"""A small OpenID Connect provider on loopback, for tests of sign-in.

Why it exists: ``st.login()`` hands the whole sign-in to Authlib, which
discovers the provider from its metadata, redirects the browser to it with a
``state``, a ``nonce`` and a PKCE (S256) challenge, exchanges the returned code
at the token endpoint with the client's credentials, and verifies the RS256
``id_token`` against the provider's JWKS before Streamlit writes its signed
user cookie. Mocking Authlib would skip exactly the steps that break in real
deployments, so the tests run that whole flow for real against this provider.

What it is: a stdlib ``ThreadingHTTPServer`` in a background thread, serving

* ``/.well-known/openid-configuration``: the discovery document;
* ``/authorize``: no login page. It checks ``client_id`` and ``redirect_uri``,
  remembers ``nonce`` and any PKCE ``code_challenge``, and redirects straight
  back with a one-time code for whoever the test last named with
  :meth:`OpenIDProvider.sign_in_as`;
* ``/token``: the ``authorization_code`` grant, with ``client_secret_basic`` or
  ``client_secret_post`` client authentication and PKCE verification; answers
  with an access token and an ``id_token`` signed by a fresh RSA key;
* ``/jwks``: the public half of that key;
* ``/userinfo``: the user's claims for a bearer access token.

Usage::

    with OpenIDProvider("app", "s3cret", "http://127.0.0.1:8599/oauth2callback") as provider:
        provider.sign_in_as("alice@example.com", name="Alice")
        secrets_path.write_text(provider.secrets_toml(cookie_secret="..."))
        # start `streamlit run ... --secrets.files secrets_path`, click "Sign in"

Not for anything but tests: plain HTTP, everything in memory, no consent, no
refresh tokens, and whoever is "next" is signed in without a password.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qs, parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

__all__ = ["OpenIDProvider", "SignIn", "User", "free_port"]

_LOGGER = logging.getLogger(__name__)

SIGNING_ALGORITHM = "RS256"
CODE_LIFETIME_SECONDS = 60
TOKEN_LIFETIME_SECONDS = 3600
METADATA_PATH = "/.well-known/openid-configuration"
_USER_CLAIMS = ("email", "email_verified", "name")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (for Streamlit's ``--server.port``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return cast(int, probe.getsockname()[1])


@dataclass(frozen=True)
class User:
    """Who ``/authorize`` signs in."""

    email: str
    name: str
    email_verified: bool
    sub: str

    def claims(self) -> dict[str, Any]:
        """The user's claims, as put in the ``id_token`` and returned by ``/userinfo``."""
        return {"sub": self.sub, "email": self.email, "email_verified": self.email_verified, "name": self.name}


@dataclass(frozen=True)
class SignIn:
    """One successful code exchange at ``/token``: what the client did, for assertions."""

    user: User
    client_auth_method: str
    """``client_secret_basic`` or ``client_secret_post``."""
    used_pkce: bool
    nonce: str | None
    id_token_claims: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class _Grant:
    """An authorization code handed out by ``/authorize`` and not yet exchanged."""

    user: User
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    expires_at: float


class _OAuthError(Exception):
    """An OAuth 2.0 error answer (RFC 6749 section 5.2) from ``/token`` or ``/userinfo``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


class OpenIDProvider:
    """An OpenID Connect provider for one client, served on a free loopback port.

    Use it as a context manager (or call :meth:`start` and :meth:`stop`). Before
    the first sign-in, name the user with :meth:`sign_in_as`; every ``/authorize``
    signs in that user until the next call.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.sign_ins: list[SignIn] = []
        """Every successful code exchange, oldest first."""
        self._host = host
        self._requested_port = port
        self._key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": SIGNING_ALGORITHM}, auto_kid=True)
        self._lock = threading.Lock()
        self._next_user: User | None = None
        self._grants: dict[str, _Grant] = {}
        self._access_tokens: dict[str, tuple[User, float]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Bind the port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the provider is already running")
        server = _Server((self._host, self._requested_port), _Handler)
        server.provider = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what tests use ------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the provider is not running: use it as a context manager or call start()")
        return self._server.server_address[1]

    @property
    def issuer(self) -> str:
        """``http://127.0.0.1:PORT``: the issuer, and the base of every endpoint."""
        return f"http://{self._host}:{self.port}"

    @property
    def metadata_url(self) -> str:
        """The discovery document's URL: Streamlit's ``server_metadata_url``."""
        return self.issuer + METADATA_PATH

    def metadata(self) -> dict[str, Any]:
        """The discovery document served at :attr:`metadata_url`."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", *_USER_CLAIMS],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        """The public signing key, as served at ``/jwks``."""
        return {"keys": [self._key.as_dict(private=False)]}

    def sign_in_as(
        self, email: str, *, name: str | None = None, email_verified: bool = True, sub: str | None = None
    ) -> User:
        """Make every ``/authorize`` from now on sign in this user.

        ``name`` defaults to the part of ``email`` before the ``@``; ``sub`` to a
        stable value derived from ``email``.
        """
        user = User(
            email=email,
            name=name if name is not None else email.partition("@")[0],
            email_verified=email_verified,
            sub=sub if sub is not None else "user-" + hashlib.sha256(email.encode()).hexdigest()[:16],
        )
        with self._lock:
            self._next_user = user
        return user

    def deny_sign_in(self) -> None:
        """Make every ``/authorize`` from now on answer ``error=access_denied``, as if the user declined."""
        with self._lock:
            self._next_user = None

    def secrets_toml(self, cookie_secret: str | None = None) -> str:
        """The text of a Streamlit ``secrets.toml`` whose ``[auth]`` section signs in here.

        ``cookie_secret`` signs Streamlit's user cookie; a random one if not given.
        """
        values = {
            "redirect_uri": self.redirect_uri,
            "cookie_secret": cookie_secret if cookie_secret is not None else secrets.token_urlsafe(32),
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "server_metadata_url": self.metadata_url,
        }
        # A JSON string is a valid TOML basic string.
        return "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())

    # -- endpoints (called from the server's threads) ------------------------------

    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """``/authorize``: (status, headers, body); a redirect back to the client unless its request is unsafe."""
        if query.get("client_id") != self.client_id:
            return 400, {}, "unknown client_id"
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri != self.redirect_uri:
            return 400, {}, f"redirect_uri {redirect_uri!r} is not registered for this client"

        back: dict[str, str] = {}
        if "state" in query:
            back["state"] = query["state"]
        challenge = query.get("code_challenge")
        with self._lock:
            user = self._next_user
        if query.get("response_type") != "code":
            back |= {"error": "unsupported_response_type", "error_description": "only response_type=code"}
        elif "openid" not in query.get("scope", "").split():
            back |= {"error": "invalid_scope", "error_description": "scope must include openid"}
        elif challenge is not None and query.get("code_challenge_method", "plain") != "S256":
            back |= {"error": "invalid_request", "error_description": "only code_challenge_method=S256"}
        elif user is None:
            back |= {"error": "access_denied", "error_description": "no user to sign in"}
        else:
            code = secrets.token_urlsafe(32)
            grant = _Grant(user, redirect_uri, query.get("nonce"), challenge, time.time() + CODE_LIFETIME_SECONDS)
            with self._lock:
                self._grants[code] = grant
            back["code"] = code
        return 302, {"Location": _add_query(redirect_uri, back)}, ""

    def _token(self, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
        """``/token``: the token response for an authorization code, or :class:`_OAuthError`."""
        auth_method = self._authenticate_client(form, authorization)
        if form.get("grant_type") != "authorization_code":
            raise _OAuthError("unsupported_grant_type", "only authorization_code")
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code is good for one try only
        if grant is None or grant.expires_at < time.time():
            raise _OAuthError("invalid_grant", "unknown, used or expired code")
        if form.get("redirect_uri") != grant.redirect_uri:
            raise _OAuthError("invalid_grant", "redirect_uri differs from the one sent to /authorize")
        verifier = form.get("code_verifier")
        if grant.code_challenge is None:
            if verifier is not None:
                raise _OAuthError("invalid_grant", "code_verifier sent but /authorize had no code_challenge")
        elif verifier is None or not hmac.compare_digest(_s256(verifier), grant.code_challenge):
            raise _OAuthError("invalid_grant", "code_verifier does not match the code_challenge")

        now = int(time.time())
        access_token = secrets.token_urlsafe(32)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant.user.sub,
            "aud": self.client_id,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "iat": now,
            "auth_time": now,
            "at_hash": _half_hash(access_token),
            **grant.user.claims(),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": SIGNING_ALGORITHM, "kid": self._key.kid}, claims, self._key)
        with self._lock:
            self._access_tokens[access_token] = (grant.user, now + TOKEN_LIFETIME_SECONDS)
            self.sign_ins.append(SignIn(grant.user, auth_method, grant.code_challenge is not None, grant.nonce, claims))
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": id_token,
            "scope": "openid email profile",
        }

    def _authenticate_client(self, form: dict[str, str], authorization: str | None) -> str:
        """Check the client's id and secret (basic or post); the method used, or :class:`_OAuthError`."""
        basic = authorization is not None and authorization[:6].lower() == "basic "
        if basic and "client_secret" in form:
            raise _OAuthError("invalid_request", "more than one client authentication method")
        if basic:
            try:
                decoded = base64.b64decode(cast(str, authorization)[6:].strip(), validate=True).decode()
            except ValueError:
                raise _OAuthError("invalid_client", "malformed Basic credentials", 401) from None
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, client_secret, method = unquote(raw_id), unquote(raw_secret), "client_secret_basic"
        elif "client_secret" in form:
            client_id, client_secret = form.get("client_id", ""), form["client_secret"]
            method = "client_secret_post"
        else:
            raise _OAuthError("invalid_client", "no client authentication", 401)
        id_ok = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), self.client_secret.encode())
        if not (id_ok and secret_ok):
            raise _OAuthError("invalid_client", "wrong client_id or client_secret", 401)
        return method

    def _userinfo(self, authorization: str | None) -> dict[str, Any]:
        """``/userinfo``: the claims for a bearer access token, or :class:`_OAuthError`."""
        if authorization is None or authorization[:7].lower() != "bearer ":
            raise _OAuthError("invalid_token", "no bearer token", 401)
        with self._lock:
            entry = self._access_tokens.get(authorization[7:].strip())
        if entry is None or entry[1] < time.time():
            raise _OAuthError("invalid_token", "unknown or expired access token", 401)
        return entry[0].claims()


def _s256(verifier: str) -> str:
    """The PKCE S256 challenge for a code verifier (RFC 7636 section 4.2)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def _half_hash(access_token: str) -> str:
    """The ``at_hash`` of an access token for RS256 (OpenID Connect Core 3.1.3.6)."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def _add_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query string."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))


def _single_values(query: str) -> dict[str, str]:
    """A query string or form body as a dict, the first value of each name."""
    return {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: OpenIDProvider


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        provider = self.server.provider
        parts = urlsplit(self.path)
        if parts.path == METADATA_PATH:
            self._send_json(200, provider.metadata())
        elif parts.path == "/jwks":
            self._send_json(200, provider.jwks())
        elif parts.path == "/authorize":
            status, headers, body = provider._authorize(_single_values(parts.query))
            self._send(status, body.encode(), {"Content-Type": "text/plain; charset=utf-8", **headers})
        elif parts.path == "/userinfo":
            self._answer(lambda: provider._userinfo(self.headers.get("Authorization")))
        else:
            self._send(404, b"not found", {"Content-Type": "text/plain; charset=utf-8"})

    def do_POST(self) -> None:
        provider = self.server.provider
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        authorization = self.headers.get("Authorization")
        if path == "/token":
            self._answer(lambda: provider._token(_single_values(body), authorization))
        elif path == "/userinfo":
            self._answer(lambda: provider._userinfo(authorization))
        else:
            self._send(404, b"not found", {"Content-Type": "text/plain; charset=utf-8"})

    def _answer(self, produce: Callable[[], dict[str, Any]]) -> None:
        """Send ``produce()`` as JSON, or the :class:`_OAuthError` it raises."""
        try:
            payload = produce()
        except _OAuthError as error:
            _LOGGER.info("OIDC provider refused %s %s: %s", self.command, self.path, error)
            headers = {}
            if error.status == 401:
                scheme = "Bearer" if error.error == "invalid_token" else "Basic"
                headers["WWW-Authenticate"] = f'{scheme} error="{error.error}"'
            self._send_json(error.status, {"error": error.error, "error_description": error.description}, headers)
        else:
            self._send_json(200, payload)

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "Cache-Control": "no-store", "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("OIDC provider: " + format, *args)
