"""Store benchmark: score writes per second, and loading a large audit back into the metrics.

For SQLite (a file in a temporary folder) and PostgreSQL (TOUCHPOINT_AUDIT_TEST_DATABASE_URL,
or TOUCHPOINT_AUDIT_BENCH_DATABASE_URL; ./scripts/bench starts a throwaway server), in the
same process:
  * save_score with 1 and with 20 concurrent writers (threads), scores per second, beside a
    bare "INSERT one row and commit" loop on the same database (no upsert, no history);
  * loading a 10k-touchpoint, 10-assessor audit (about 285k scores) from the store into the
    metrics engine, beside the metrics computation itself. Target: loading < 2x computing.
Run: ./scripts/bench store
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import STAGES, make_audit  # noqa: E402
from common import median_seconds, print_table  # noqa: E402

from audit.access import LOCAL
from audit.inventory import Inventory, Touchpoint  # noqa: E402
from audit.metrics import compute_audit  # noqa: E402
from audit.store import Store  # noqa: E402

WRITES = 400


def inventory_of(frame) -> Inventory:  # type: ignore[no-untyped-def]
    touchpoints = [
        Touchpoint(id=r.id, name=r.name, stage=r.stage, channel=r.channel, type=r.type, control=r.control,
                   owner=r.owner, importance=r.importance, reach=r.reach, conversions=r.conversions,
                   customer_rating=r.customer_rating)
        for r in frame.itertuples(index=False)
    ]  # fmt: skip
    mapping = {"id": "id", "name": "name", "stage": "stage"}
    return Inventory("bench", None, 1, mapping, list(mapping), touchpoints, STAGES, [])


def writes_per_second(store: Store, writers: int) -> float:
    per_writer = WRITES // writers
    cells = [(f"TP-{i // 3:06d}", ("relevance", "meaningfulness", "attractiveness")[i % 3]) for i in range(per_writer)]
    run = uuid.uuid4().hex[:6]

    def write(index: int) -> None:
        for key, criterion in cells:
            store.save_score("Bench", key, f"W{index}-{run}", criterion, 3, actor=LOCAL)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_writer * writers / (time.perf_counter() - start)


def bare_inserts_per_second(store: Store) -> float:
    table = sa.Table("bench_bare", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("value", sa.Integer))  # fmt: skip
    table.create(store.engine, checkfirst=True)
    start = time.perf_counter()
    for value in range(WRITES):
        with store.engine.begin() as connection:
            connection.execute(table.insert().values(value=value))
    return WRITES / (time.perf_counter() - start)


def measure(label: str, url: str, rows: list[tuple[object, ...]], load_rows: list[tuple[object, ...]]) -> None:
    store = Store.open(url)
    touchpoints, scores = make_audit(10_000)
    store.import_inventory("Bench", inventory_of(touchpoints), scores, actor=LOCAL)
    for writers in (1, 20):
        rates = [writes_per_second(store, writers) for _ in range(3)]
        bare = statistics.median(bare_inserts_per_second(store) for _ in range(3))
        rows.append(
            (label, writers, round(statistics.median(rates)), round(bare), f"{statistics.median(rates) / bare:.2f}")
        )
    load = median_seconds(lambda: (store.touchpoint_frame("Bench"), store.score_frame("Bench")), 3)
    frame, score_frame = store.touchpoint_frame("Bench"), store.score_frame("Bench")
    compute = median_seconds(lambda: compute_audit(frame, score_frame, STAGES), 3)
    load_rows.append((label, len(score_frame), load, compute, f"{load / compute:.2f}x"))
    store.close()
    print(f"  measured {label}", file=sys.stderr)


def main() -> None:
    rows: list[tuple[object, ...]] = []
    load_rows: list[tuple[object, ...]] = []
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{folder}/bench.db", rows, load_rows)
    admin_url = os.environ.get("TOUCHPOINT_AUDIT_BENCH_DATABASE_URL") or os.environ.get(
        "TOUCHPOINT_AUDIT_TEST_DATABASE_URL"
    )
    if admin_url:
        name = f"ta_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            measure("PostgreSQL", sa.make_url(admin_url).set(database=name).render_as_string(False), rows, load_rows)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        print("no PostgreSQL configured: run ./scripts/bench store, which starts one", file=sys.stderr)
    print(f"Score writes ({WRITES} per run, median of 3 runs): scores per second")
    print_table(["backend", "writers", "save_score/s", "bare insert+commit/s", "ratio"], rows)
    print()
    print("Loading a 10k-touchpoint x 10-assessor audit into the metrics engine: median seconds of 3")
    print_table(["backend", "scores", "load from store", "compute_audit", "load / compute"], load_rows)


if __name__ == "__main__":
    main()
