"""Access control: the rules as a table, every store write refused or allowed by role, password
accounts and sessions, and the slowing of guesses."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from audit.access import LOCAL, OPERATOR, Action, Facilitator, Role, allowed, refusal, role_of
from audit.accounts import SIGN_IN_LIMITS, Accounts, PasswordError, PasswordSettings, Throttle, hash_password
from audit.inventory import read_inventory_bytes
from audit.invites import digest
from audit.phases import Phase
from audit.store import AccessDenied, AuditNotFound, Store, StoreError, sign_in_sessions, utc_now
from audit.workbook import audit_workbook, csv_bytes
from audit.workshops import Workshops

OWNER, EDITOR, VIEWER, STRANGER = (Facilitator(f"{who}@example.com") for who in ("olga", "ed", "vic", "sam"))

# --- the rules ------------------------------------------------------------------------------------

TABLE = {
    #                 read   edit   workshop share  delete
    Role.OWNER: (True, True, True, True, True),
    Role.EDITOR: (True, True, True, False, False),
    Role.VIEWER: (True, False, False, False, False),
    None: (False, False, False, False, False),
}
ACTIONS = (Action.READ, Action.EDIT, Action.RUN_WORKSHOP, Action.SHARE, Action.DELETE)


@pytest.mark.parametrize("role", list(TABLE))
def test_the_permission_table(role: Role | None) -> None:
    assert tuple(allowed(role, action) for action in ACTIONS) == TABLE[role]


def test_roles_come_from_ownership_and_shares() -> None:
    shares = {"ed@example.com": Role.EDITOR}
    assert role_of(OWNER, owner="olga@example.com", shares=shares) is Role.OWNER
    assert role_of(EDITOR, owner="olga@example.com", shares=shares) is Role.EDITOR
    assert role_of(STRANGER, owner="olga@example.com", shares=shares) is None
    assert role_of(OPERATOR, owner="olga@example.com", shares={}) is Role.OWNER  # the command line
    assert role_of(LOCAL, owner="olga@example.com", shares={}) is None  # local mode is not everyone


def test_refusals_say_why_and_a_stranger_learns_nothing() -> None:
    assert refusal(OWNER, Role.OWNER, Action.DELETE, audit="A", owner="olga@example.com") is None
    assert refusal(VIEWER, Role.VIEWER, Action.EDIT, audit="A", owner="olga@example.com") == (
        "'A' is shared with you as a viewer: you can read it but not change it. "
        "Ask its owner (olga@example.com) to make you an editor."
    )
    assert refusal(EDITOR, Role.EDITOR, Action.DELETE, audit="A", owner="olga@example.com") == (
        "Only the owner of 'A' (olga@example.com) can delete it; you are its editor."
    )
    # Exactly what an audit that does not exist gets: no owner, no confirmation.
    assert refusal(STRANGER, None, Action.READ, audit="A", owner="olga@example.com") == (
        "No audit called 'A' that you can open."
    )


# --- every write of the store, by role -----------------------------------------------------------


@pytest.fixture
def shared(store: Store) -> Store:
    """'A' (two touchpoints, one score) owned by Olga, shared with Ed as editor and Vic as viewer."""
    inventory = read_inventory_bytes(b"id,name,stage\nT1,Site,Awareness\nT2,Shop,Purchase\n", "a.csv")
    store.import_inventory("A", inventory, actor=OPERATOR, owner=OWNER.identity)
    store.save_score("A", "T1", "Ana", "relevance", 3, actor=OWNER)
    store.share("A", EDITOR.identity, Role.EDITOR, actor=OWNER)
    store.share("A", VIEWER.identity, Role.VIEWER, actor=OWNER)
    return store


def _history_id(store: Store) -> int:
    return int(store.history("A")["id"].iloc[0])


WRITES: dict[str, tuple[Action, Callable[[Store, Facilitator], object]]] = {
    "save a score": (Action.EDIT, lambda s, who: s.save_score("A", "T1", "Ana", "relevance", 5, actor=who)),
    "restore a score": (Action.EDIT, lambda s, who: s.restore("A", _history_id(s), actor=who)),
    "add a touchpoint": (Action.EDIT, lambda s, who: s.add_touchpoint("A", {"id": "T9", "name": "Ad"}, actor=who)),
    "edit a touchpoint": (Action.EDIT, lambda s, who: s.update_touchpoint("A", "T1", {"owner": "X"}, actor=who)),
    "archive a touchpoint": (Action.EDIT, lambda s, who: s.archive_touchpoint("A", "T2", actor=who)),
    "order the stages": (Action.EDIT, lambda s, who: s.set_stage_order("A", ["Purchase", "Awareness"], actor=who)),
    "weigh the criteria": (
        Action.EDIT,
        lambda s, who: s.set_weights("A", {"relevance": 2, "meaningfulness": 1, "attractiveness": 1}, actor=who),
    ),
    "import into": (
        Action.EDIT,
        lambda s, who: s.import_inventory("A", read_inventory_bytes(b"id,name\nT1,Site\n", "b.csv"), actor=who),
    ),
    "issue a join code": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).issue_code("A", actor=who)),
    "stop joining": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).revoke_codes("A", actor=who)),
    "reveal": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).set_phase("A", Phase.REVEALED, actor=who)),
    "lock": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).set_locked("A", True, actor=who)),
    "add a participant": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).add_participant("A", "Zoe", actor=who)),
    "give a new link": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).new_link("A", "Ana", actor=who)),
    "remove a participant": (Action.RUN_WORKSHOP, lambda s, who: Workshops(s).remove("A", "Ana", actor=who)),
    "share": (Action.SHARE, lambda s, who: s.share("A", "new@example.com", Role.VIEWER, actor=who)),
    "unshare": (Action.SHARE, lambda s, who: s.unshare("A", VIEWER.identity, actor=who)),
    "delete": (Action.DELETE, lambda s, who: s.delete_audit("A", actor=who)),
}
ACTORS = {"owner": (OWNER, Role.OWNER), "editor": (EDITOR, Role.EDITOR), "viewer": (VIEWER, Role.VIEWER),
          "stranger": (STRANGER, None)}  # fmt: skip


def _snapshot(store: Store) -> tuple[object, ...]:
    """Everything a refused write could have changed."""
    info = store.audit("A")
    with store.engine.connect() as connection:
        counts = tuple(
            connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("touchpoints", "scores", "score_history", "join_codes", "participants", "audit_access")
        )
    frame = store.touchpoint_frame("A")
    return (info.stage_order, info.weights, info.owner, counts, frame.to_json(), store.shares("A"))


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("who", list(ACTORS))
def test_every_write_is_checked_against_the_actors_role(shared: Store, write: str, who: str) -> None:
    action, do = WRITES[write]
    actor, role = ACTORS[who]
    before = _snapshot(shared)
    if allowed(role, action):
        do(shared, actor)
        return
    with pytest.raises(StoreError) as refused:
        do(shared, actor)
    assert _snapshot(shared) == before  # nothing was written
    if role is None and write == "import into":  # as creating an audit by that name would say
        assert str(refused.value) == "The name 'A' is taken; choose another."
    elif role is None:
        assert type(refused.value) is AuditNotFound and str(refused.value) == "No audit called 'A' that you can open."
    else:
        assert type(refused.value) is AccessDenied


def test_facilitators_see_only_their_audits_and_shared_ones(shared: Store) -> None:
    shared.create_audit("B", actor=EDITOR)
    assert [(a.name, a.role) for a in shared.list_audits(OWNER)] == [("A", Role.OWNER)]
    assert sorted((a.name, a.role) for a in shared.list_audits(EDITOR)) == [("A", Role.EDITOR), ("B", Role.OWNER)]
    assert [(a.name, a.role) for a in shared.list_audits(VIEWER)] == [("A", Role.VIEWER)]
    assert shared.list_audits(STRANGER) == []
    assert sorted(a.name for a in shared.list_audits(OPERATOR)) == ["A", "B"]
    assert shared.roles(EDITOR) == {"A": Role.EDITOR, "B": Role.OWNER}
    assert shared.roles(STRANGER) == {} and shared.roles(OPERATOR) == {"A": Role.OWNER, "B": Role.OWNER}
    assert shared.check(VIEWER, "A").role is Role.VIEWER
    with pytest.raises(AuditNotFound):
        shared.check(STRANGER, "A")


def test_a_taken_name_is_not_confirmed_to_someone_who_cannot_open_it(shared: Store) -> None:
    with pytest.raises(StoreError, match=r"^The name 'A' is taken; choose another\.$"):
        shared.create_audit("A", actor=STRANGER)
    with pytest.raises(StoreError, match="An audit called 'A' exists already"):
        shared.create_audit("A", actor=VIEWER)
    with pytest.raises(StoreError, match=r"^The name 'A' is taken; choose another\.$"):
        shared.import_inventory("A", read_inventory_bytes(b"id,name\nT1,Site\n", "a.csv"), actor=STRANGER)
    with pytest.raises(AccessDenied, match="belongs to whoever creates it"):
        shared.create_audit("C", actor=STRANGER, owner=OWNER.identity)


def test_sharing_rules_and_ownership_moves_only_from_the_command_line(shared: Store) -> None:
    with pytest.raises(StoreError, match="owns 'A'; there is nothing to share"):
        shared.share("A", OWNER.identity, Role.VIEWER, actor=OWNER)
    with pytest.raises(StoreError, match="is shared as editor or viewer"):
        shared.share("A", STRANGER.identity, Role.OWNER, actor=OWNER)
    with pytest.raises(StoreError, match="not an e-mail address"):
        shared.share("A", "two words", Role.VIEWER, actor=OWNER)
    shared.share("A", VIEWER.identity, Role.EDITOR, actor=OWNER)  # a new role replaces the old
    assert shared.shares("A") == {EDITOR.identity: Role.EDITOR, VIEWER.identity: Role.EDITOR}
    with pytest.raises(AccessDenied, match="only from the command line"):
        shared.set_owner("A", EDITOR.identity, actor=OWNER)
    shared.set_owner("A", STRANGER.identity, actor=OPERATOR)
    assert shared.audit("A").owner == STRANGER.identity
    assert shared.role(OWNER, "A") is Role.EDITOR  # the old owner keeps working on it
    assert shared.unshare("A", VIEWER.identity, actor=STRANGER) is True
    assert shared.role(VIEWER, "A") is None


# --- passwords, sessions, guesses ----------------------------------------------------------------


def test_password_settings_from_the_environment() -> None:
    assert PasswordSettings.from_env({}) == PasswordSettings("facilitator", None)
    typed = PasswordSettings.from_env({"TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD": "correct horse battery"})
    assert typed.account == "facilitator" and typed.password_hash and typed.password_hash.startswith("$argon2id$")
    assert "correct horse" not in typed.password_hash
    hashed = hash_password("correct horse battery")
    given = PasswordSettings.from_env(
        {"TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD_HASH": hashed, "TOUCHPOINT_AUDIT_FACILITATOR": "Lead@Example.com"}
    )
    assert given == PasswordSettings("lead@example.com", hashed)
    with pytest.raises(PasswordError, match="at least 12 characters; this one has 5"):
        hash_password("short")


def test_accounts_verify_and_sessions_end(store: Store) -> None:
    accounts = Accounts(store, PasswordSettings("facilitator", hash_password("team password 1")))
    assert accounts.configured()
    assert accounts.verify("Facilitator", "team password 1") == "facilitator"
    assert accounts.verify("facilitator", "team password 2") is None
    assert accounts.verify("nobody@example.com", "team password 1") is None  # the env password is one account's
    accounts.add("Ana@Example.com", "ana's own password")
    assert accounts.verify("ana@example.com", "ana's own password") == "ana@example.com"
    assert accounts.verify("ana@example.com", "team password 1") is None
    token = accounts.start_session("ana@example.com")
    assert accounts.session(token) == "ana@example.com"
    with store.engine.connect() as connection:  # only a digest is stored
        assert token not in str(connection.execute(sa.select(sign_in_sessions)).all())
    accounts.add("ana@example.com", "a new password!")  # a new password ends the old sessions
    assert accounts.session(token) is None
    later = accounts.start_session("ana@example.com")
    accounts.end_session(later)
    assert accounts.session(later) is None
    expired = accounts.start_session("ana@example.com")
    with store.write("a test") as connection:
        connection.execute(sign_in_sessions.update().values(expires_at=utc_now() - timedelta(minutes=1)))
    assert accounts.session(expired) is None
    assert accounts.remove("ana@example.com") and accounts.verify("ana@example.com", "a new password!") is None
    assert not Accounts(store, PasswordSettings()).configured()


def test_twenty_wrong_passwords_in_a_row_are_refused_and_the_right_one_waits(store: Store) -> None:
    accounts = Accounts(store, PasswordSettings("facilitator", hash_password("team password 1")))
    throttle = Throttle(store, "sign-in", SIGN_IN_LIMITS)
    keys = {"browser": "session-1", "address": "10.0.0.7"}
    outcomes = []
    for attempt in range(20):
        refused = throttle.refusal(keys)
        if refused:
            outcomes.append("refused")
            continue
        ok = accounts.verify("facilitator", f"guess {attempt}")
        (throttle.succeeded if ok else throttle.failed)(keys)
        outcomes.append("checked")
    assert outcomes == ["checked"] * 5 + ["refused"] * 15
    assert throttle.refusal(keys) == (
        "Too many wrong attempts from this browser. Nothing was checked; try again in 15 minutes."
    )
    # A new browser session from the same address gets its own five, until the address has twenty.
    for session in range(2, 5):
        for _ in range(5):
            assert throttle.refusal({"browser": f"session-{session}", "address": "10.0.0.7"}) is None
            throttle.failed({"browser": f"session-{session}", "address": "10.0.0.7"})
    assert "from this address" in (throttle.refusal({"browser": "session-9", "address": "10.0.0.7"}) or "")
    assert throttle.refusal({"browser": "session-9", "address": "10.0.0.8"}) is None
    throttle.succeeded({"browser": "session-9", "address": "10.0.0.8"})


def test_a_reload_gets_no_fresh_guesses_at_the_same_account(store: Store) -> None:
    """A reload is a new browser session, and behind a proxy every address looks the same."""
    throttle = Throttle(store, "sign-in", SIGN_IN_LIMITS)
    for session in range(2):
        for _ in range(5):
            keys = {"browser": f"reload-{session}", "address": "proxy", "account": "lead@example.com"}
            assert throttle.refusal(keys) is None
            throttle.failed(keys)
    third = {"browser": "reload-2", "address": "proxy", "account": "lead@example.com"}
    assert throttle.refusal(third) == (
        "Too many wrong attempts for this account. Nothing was checked; try again in 15 minutes."
    )
    assert throttle.refusal(third | {"account": "ana@example.com"}) is None  # other accounts are not locked


def test_no_secret_reaches_the_workbook_or_the_csv(shared: Store) -> None:
    workshops = Workshops(shared)
    code = workshops.issue_code("A", actor=OWNER)
    zoe, token = workshops.join(code, "Zoe")
    workshops.score_as(zoe, "T1", "relevance", 4)
    snapshot = shared.snapshot("A")
    workbook = audit_workbook(snapshot.result, snapshot.touchpoints, snapshot.scores, snapshot.meta)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    text += csv_bytes(snapshot.scores).decode("utf-8-sig")
    assert "Zoe" in text  # the workbook is the audit's, names and all
    for secret in (code, code.replace("-", ""), token, digest(token), digest(code.replace("-", ""))):
        assert secret not in text
