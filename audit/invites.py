"""Join codes, participant tokens and participant names: the rules, without storage.

A join code (`K7QM-42XD`) lets people into one audit's workshop: eight characters from an
alphabet with no look-alikes (no 0/O, 1/I/L, Z (for 2), 5/S, 8/B), read aloud or typed from a
projected screen, case and dashes ignored. A participant token is long and random and lives
in the participant's URL. Both are stored only as SHA-256 digests: the database can check
one, never show it.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata

from audit import i18n
from audit.i18n import _, ngettext

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
CODE_LENGTH = 8
TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
NAME_MAX = 60
BASE_URL_VARIABLE = "TOUCHPOINT_AUDIT_BASE_URL"  # where participants reach the app, for links
DEFAULT_BASE_URL = "http://localhost:8501"


class InviteError(ValueError):
    """A join code, token or name that cannot be used; the message says why, for the participant."""


def new_code() -> str:
    """A fresh join code, formatted for reading: `K7QM-42XD`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _index in range(CODE_LENGTH))
    return format_code(raw)


def format_code(code: str) -> str:
    raw = normalize_code(code)
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(typed: str) -> str:
    """The code's eight characters from what someone typed (any case, spaces and dashes ignored)."""
    raw = re.sub(r"[\s\-_.]", "", typed or "").upper()
    if not raw:
        raise InviteError(_("Type the join code shown by the facilitator, for example K7QM-42XD."))
    wrong = sorted({c for c in raw if c not in CODE_ALPHABET})
    if wrong:
        # TRANSLATORS: {typed} is what the person typed; {characters} the characters codes never use ("O, S").
        message = _(
            "'{typed}' is not a join code: codes never use {characters} (no look-alike characters). Check the "
            "code with the facilitator."
        )
        raise InviteError(message.format(typed=typed.strip(), characters=", ".join(wrong)))
    if len(raw) != CODE_LENGTH:
        # TRANSLATORS: {typed} is what the person typed; {n} is 8.
        message = _("'{typed}' is not a join code: a code has {n} letters and digits, like K7QM-42XD.")
        raise InviteError(message.format(typed=typed.strip(), n=i18n.integer(CODE_LENGTH)))
    return raw


def digest(secret: str) -> str:
    """What the store keeps of a code or token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def code_digest(code: str) -> str:
    return digest(normalize_code(code))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def clean_name(typed: str) -> str:
    """A participant's name as it will be shown: trimmed, inner spaces collapsed; refused when unusable."""
    name = " ".join(unicodedata.normalize("NFC", typed or "").split())
    if not name:
        raise InviteError(_("Type your name, so the facilitator knows whose scores these are."))
    if len(name) > NAME_MAX:
        message = ngettext(
            "That name is {n} character long; keep it under {limit}.",
            "That name is {n} characters long; keep it under {limit}.",
            len(name),
        )
        raise InviteError(message.format(n=i18n.integer(len(name)), limit=i18n.integer(NAME_MAX + 1)))
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise InviteError(_("That name holds control characters; type it again with letters, digits and spaces."))
    return name


def name_key(name: str) -> str:
    """Two names are the same person's when this is equal: case, accents and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def join_link(base_url: str, code: str) -> str:
    """The invitation link: opening it asks for a name, and nothing else."""
    return f"{base_url.rstrip('/')}/join?code={format_code(code)}"


def participant_link(base_url: str, token: str) -> str:
    """A participant's own link: their scoring screen, as themselves."""
    return f"{base_url.rstrip('/')}/score?p={token}"


def qr_png(text: str, *, scale: int = 12) -> bytes:
    """A QR code of `text` as PNG, with module size `scale` px: big enough to scan off a projector."""
    import segno  # here, not at the top: the command line imports this module for its constants

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
