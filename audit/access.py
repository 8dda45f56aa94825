"""Who may do what to which audit: the roles, the actions, and the one table that decides.

    role = role_of(actor, owner="alice@example.com", shares={"bob@example.com": Role.VIEWER})
    problem = refusal(actor, role, Action.EDIT, audit="Northwind", owner="alice@example.com")

People who act on audits:
* a **facilitator** is signed in (OpenID Connect or the facilitator password) or is the local
  user of a laptop in local mode; their `identity` is the e-mail (or account name) they signed
  in with, or "local". They own the audits they create or import, and see only the audits they
  own or that are shared with them (as editor or viewer);
* a **participant** acts only through an identity token, on their own scores of one audit
  (`audit.workshops.Participant`; the token is checked in the transaction that writes);
* the **operator** is the command line (`python -m audit`): whoever can run it can read the
  database file or URL anyway, so it acts on every audit. No web session is ever the operator.

The store checks `refusal` inside the transaction that writes, so a hidden button is never the
guard (`Store.acting`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from audit.i18n import N_, _

LOCAL_IDENTITY = "local"
MAX_IDENTITY = 320  # the longest e-mail address


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"  # the dashboard, the inventory, the workbook and CSV downloads
    EDIT = "edit"  # the inventory, imports into it, stage order, weights, scores typed or restored
    RUN_WORKSHOP = "run the workshop"  # join codes, people and their links, phases, the lock
    SHARE = "share"  # give or take back an editor's or viewer's access
    DELETE = "delete"


PERMISSIONS: Mapping[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.EDITOR: frozenset({Action.READ, Action.EDIT, Action.RUN_WORKSHOP}),
    Role.VIEWER: frozenset({Action.READ}),
}
SHARED_ROLES = (Role.EDITOR, Role.VIEWER)  # what an owner can give; ownership moves only by the command line

# The roles' names as a person reads them ("you are its viewer"); translated where shown: _(ROLE_LABELS[role]).
ROLE_LABELS: Mapping[Role, str] = {
    Role.OWNER: N_("owner"),
    Role.EDITOR: N_("editor"),
    Role.VIEWER: N_("viewer"),
}
# What each role may do, in a line; translated where shown: _(ROLE_SENTENCES[role]).
ROLE_SENTENCES: Mapping[Role, str] = {
    Role.OWNER: N_("owner: everything, including sharing and deleting"),
    Role.EDITOR: N_("editor: the inventory, imports, the workshop and exports; not sharing or deleting"),
    Role.VIEWER: N_("viewer: reads the dashboard and downloads the workbook; changes nothing"),
}
# Why someone the audit is shared with may not do an action that is not the owner's alone, whole sentences;
# {audit} is the audit's name, {role} the person's role (ROLE_LABELS), {owner} the owner's e-mail.
SHARED_REFUSALS: Mapping[Action, str] = {
    Action.READ: N_(
        "'{audit}' is shared with you as a {role}, which cannot read it. Ask its owner ({owner}) for access."
    ),  # fmt: skip
    Action.EDIT: N_(
        "'{audit}' is shared with you as a {role}: you can read it but not change it. Ask its owner "
        "({owner}) to make you an editor."
    ),  # fmt: skip
    Action.RUN_WORKSHOP: N_(
        "'{audit}' is shared with you as a {role}: you can read it but not run its workshop. "
        "Ask its owner ({owner}) to make you an editor."
    ),  # fmt: skip
}


@dataclass(frozen=True)
class Facilitator:
    """Someone who prepares, runs or reads audits: signed in, the local user, or the command line."""

    identity: str
    operator: bool = False

    @property
    def label(self) -> str:
        """What the score history records as who made a change."""
        return "command line" if self.operator else self.identity


LOCAL = Facilitator(LOCAL_IDENTITY)
OPERATOR = Facilitator("operator", operator=True)


class IdentityError(ValueError):
    """An e-mail or account name that cannot identify a facilitator."""


def identity(text: str) -> str:
    """An e-mail or account name as it is compared: trimmed, lower case."""
    cleaned = " ".join(str(text).split()).lower()
    if not cleaned:
        raise IdentityError(_("Type an e-mail address."))
    if len(cleaned) > MAX_IDENTITY or " " in cleaned:
        raise IdentityError(_("'{text}' is not an e-mail address or account name.").format(text=text[:60]))
    return cleaned


def facilitator(text: str) -> Facilitator:
    return Facilitator(identity(text))


def role_of(actor: Facilitator, *, owner: str, shares: Mapping[str, Role]) -> Role | None:
    """The actor's role on an audit with this owner and these shares; None: no access."""
    if actor.operator or actor.identity == owner:
        return Role.OWNER
    return shares.get(actor.identity)


def allowed(role: Role | None, action: Action) -> bool:
    return role is not None and action in PERMISSIONS[role]


def refusal(actor: Facilitator, role: Role | None, action: Action, *, audit: str, owner: str) -> str | None:
    """Why the actor may not do this to the audit, in a sentence; None when allowed.

    Someone with no role is told the audit does not exist for them, exactly as if it did
    not exist at all: its name, owner and contents are not confirmed to them.
    """
    if allowed(role, action):
        return None
    if role is None:
        return not_found(audit)
    role_label = _(ROLE_LABELS[role])
    if action is Action.SHARE:
        # TRANSLATORS: {audit} is the audit's name, {owner} its owner's e-mail, {role} "editor" or "viewer".
        return _("Only the owner of '{audit}' ({owner}) can share it; you are its {role}.").format(
            audit=audit, owner=owner, role=role_label
        )
    if action is Action.DELETE:
        # TRANSLATORS: {audit} is the audit's name, {owner} its owner's e-mail, {role} "editor" or "viewer".
        return _("Only the owner of '{audit}' ({owner}) can delete it; you are its {role}.").format(
            audit=audit, owner=owner, role=role_label
        )
    return _(SHARED_REFUSALS[action]).format(audit=audit, owner=owner, role=role_label)


def not_found(audit: str) -> str:
    return _("No audit called '{audit}' that you can open.").format(audit=audit)
