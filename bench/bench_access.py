"""Access benchmark: what checking who is acting costs, beside the same work unchecked.

For SQLite (a file in a temporary folder) and PostgreSQL (TOUCHPOINT_AUDIT_TEST_DATABASE_URL;
./scripts/bench starts a throwaway server), in the same process, median of 5 runs:
  * a score write with the role check inside its transaction (`Store.save_score`) beside the
    same transaction without the check (what the store did before access control);
  * what every facilitator page run adds: the session lookup and the role of each audit the
    facilitator may open (a server holding 200 audits, 20 of them the facilitator's);
  * a password check (argon2id, on purpose slow) beside a SHA-256 digest (what a join code costs).
Run: ./scripts/bench access
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_seconds, print_table  # noqa: E402

from audit.access import OPERATOR, Facilitator, Role  # noqa: E402
from audit.accounts import HASHER, Accounts, PasswordSettings, hash_password  # noqa: E402
from audit.inventory import read_inventory_bytes  # noqa: E402
from audit.store import Store, _assessor_id, touchpoints, upsert_score, workshop_state  # noqa: E402

WRITES, RUNS = 100, 5
LEAD = Facilitator("lead@example.com")


def prepare(store: Store) -> None:
    lines = "".join(f"T{i},Touchpoint {i},Awareness\n" for i in range(WRITES))
    inventory = read_inventory_bytes(("id,name,stage\n" + lines).encode(), "bench.csv")
    store.import_inventory("Bench", inventory, actor=OPERATOR, owner=LEAD.identity)
    for index in range(200):  # other teams' audits, and some shared with the lead
        owner = LEAD.identity if index % 20 == 0 else f"team{index}@example.com"
        store.create_audit(f"Other {index}", actor=OPERATOR, owner=owner)
        if index % 20 == 10:
            store.share(f"Other {index}", LEAD.identity, Role.VIEWER, actor=OPERATOR)


def checked(store: Store, value: int) -> None:
    for index in range(WRITES):
        store.save_score("Bench", f"T{index}", "Ana", "relevance", value, actor=LEAD)


def unchecked(store: Store, value: int) -> None:
    """save_score's transaction without the role check: the audit looked up by name, nothing else."""
    for index in range(WRITES):
        with store.write("a bench score") as connection:
            audit_id = store.audit("Bench").id
            tp_id = connection.execute(
                sa.select(touchpoints.c.id).where(touchpoints.c.audit_id == audit_id, touchpoints.c.key == f"T{index}")
            ).scalar_one()
            assessor_id = _assessor_id(connection, audit_id, "Ana")
            round_ = workshop_state(connection, audit_id).round
            upsert_score(connection, audit_id, tp_id, assessor_id, "relevance", value, None, "bench", "", "", round_)


def writes(store: Store) -> tuple[float, float]:
    values = iter(range(10_000))  # every run writes new values, so every write changes a score
    with_check = WRITES / median_seconds(lambda: checked(store, 1 + next(values) % 5), RUNS)
    without = WRITES / median_seconds(lambda: unchecked(store, 1 + next(values) % 5), RUNS)
    return with_check, without


def measure(url: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    store = Store.open(url)
    prepare(store)
    with_check, without = writes(store)
    accounts = Accounts(store, PasswordSettings())
    token = accounts.start_session(LEAD.identity)
    session = median_seconds(lambda: accounts.session(token), 50) * 1000
    roles = median_seconds(lambda: store.roles(LEAD), 50) * 1000
    listing = median_seconds(lambda: store.list_audits(LEAD), 20) * 1000
    visible = len(store.roles(LEAD))
    store.close()
    return (with_check, without, f"{with_check / without:.2f}"), (session, roles, listing, visible)


def main() -> None:
    rows, runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        urls = {"SQLite": f"sqlite:///{Path(folder) / 'bench.db'}"}
        admin = os.environ.get("TOUCHPOINT_AUDIT_BENCH_DATABASE_URL") or os.environ.get(
            "TOUCHPOINT_AUDIT_TEST_DATABASE_URL"
        )
        engine = None
        if admin:
            name = f"ta_bench_{uuid.uuid4().hex[:8]}"
            engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with engine.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            urls["PostgreSQL"] = sa.make_url(admin).set(database=name).render_as_string(hide_password=False)
        try:
            for backend, url in urls.items():
                write_row, run_row = measure(url)
                rows.append((backend, *write_row))
                runs.append((backend, *run_row))
        finally:
            if engine is not None:
                with engine.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"Score writes, {WRITES} per run, one writer, median of {RUNS}: scores per second")
    print_table(["backend", "with the role check", "without", "ratio"], rows)
    print("\nWhat a facilitator's page run adds, milliseconds (median; 200 audits on the server)")
    print_table(["backend", "session lookup", "roles (every run)", "Audits page list", "audits visible"], runs)
    password = hash_password("a facilitator's password")
    argon = median_seconds(lambda: HASHER.verify(password, "a facilitator's password"), RUNS) * 1000
    sha = median_seconds(lambda: hashlib.sha256(b"K7QM42XD").hexdigest(), 1000) * 1000
    print("\nChecking a secret, milliseconds (median)")
    print_table(["check", "ms", "ratio"], [("argon2id password", argon, f"{argon / sha:,.0f}x"),
                                            ("SHA-256 join code", sha, "1x")])  # fmt: skip


if __name__ == "__main__":
    main()
