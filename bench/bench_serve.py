"""Serving benchmark: how many participants 1, 2 and 4 app processes (replicas) behind nginx hold.

`deploy/serve.py` (what ./scripts/serve runs) with R replicas on a new PostgreSQL database
holding the sample audit (48 touchpoints); P participants per replica open their scoring
screen through nginx and tap scores at a room's pace (one tap every 1-3 s each). The
participants are protocol-level clients (`bench/room_client.py`): they speak Streamlit's
WebSocket protocol as its frontend does (the same script runs, the same fragment reruns
every 10 s), so the server does a phone's work without a browser rendering on these two
cores. Measured per run:
* tap -> "Saved" on the card, median and p95 over every tap (the figure that must stay under 1 s);
* the replicas' memory per open session (RSS after opening them all, less after one each) and
  their CPU while the room is open and idle, and while it taps;
* the client's own CPU per tap, to show the load generator is not what is measured.
For each R the number of participants per replica grows until the p95 passes 1 s. The
obvious alternative, run in the same process: one replica, which is what ./scripts/run serves.
Run: ./scripts/bench serve [--replicas 1,2,4] [--per-replica 20,40,60,80,120] [--taps 6] [--think 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from common import cpu_seconds, print_table, rss_mb  # noqa: E402
from room_client import ClientError, Participant  # noqa: E402

from audit.access import OPERATOR, Facilitator  # noqa: E402
from audit.inventory import read_inventory  # noqa: E402
from audit.store import Store  # noqa: E402
from audit.workshops import Workshops  # noqa: E402

LEAD, PASSWORD = "lead@example.com", "bench facilitator password"
AUDIT = "Bench room"
CRITERIA = ("relevance", "meaningfulness", "attractiveness")
IDLE_SECONDS = 20
OPENING_AT_ONCE = 8
TARGET_P95 = 1.0


def new_database(admin_url: str) -> str:
    name = f"bench_serve_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')
    admin.dispose()


def prepare(url: str, participants: int) -> list[str]:
    store = Store.open(url)
    store.import_inventory(AUDIT, read_inventory(ROOT / "sample_data" / "northwind_inventory.xlsx"), actor=OPERATOR,
                           owner=LEAD)  # fmt: skip
    workshops = Workshops(store)
    tokens = [workshops.add_participant(AUDIT, f"P{i:03d}", actor=Facilitator(LEAD))[1] for i in range(participants)]
    store.close()
    return tokens


class Served:
    """deploy/serve.py started for one run; its replicas' pids from replicas.json."""

    def __init__(self, url: str, replicas: int, run_dir: Path) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_AUDIT_")}
        env |= {"TOUCHPOINT_AUDIT_DATABASE_URL": url, "TOUCHPOINT_AUDIT_FACILITATOR": LEAD,
                "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD": PASSWORD}  # fmt: skip
        command = [sys.executable, "deploy/serve.py", "--replicas", str(replicas), "--port", str(self.port),
                   "--address", "127.0.0.1", "--run-dir", str(run_dir)]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)  # fmt: skip
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "serving on" in line:
                break
        else:
            raise RuntimeError("serve stopped before serving")
        state = json.loads((run_dir / "replicas.json").read_text())
        self.pids = [int(r["pid"]) for r in state["replicas"]]
        self.base = f"http://127.0.0.1:{self.port}"

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss(self) -> float:
        return sum(rss_mb(pid) for pid in self.pids)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)


@dataclass
class Measured:
    replicas: int
    participants: int
    memory: float  # MB of replica memory per open session
    idle: float  # replicas' cores while everyone's screen is open
    busy: float  # replicas' cores while they tap
    median: float
    p95: float
    taps: int
    unconfirmed: int  # taps with no "Saved" within the client's 60 s
    client_ms: float  # the load generator's CPU per tap
    spread: dict[str, int]  # sessions per replica (nginx's choice)


async def tapping(participant: Participant, index: int, count: int, think: float) -> list[float]:
    pace = random.Random(index)
    seconds = []
    for k in range(count):
        await asyncio.sleep(pace.uniform(0.5, 1.5) * think)
        try:
            seconds.append(await participant.tap(CRITERIA[k % 3], (k // 3 + index) % 5 + 1))
        except ClientError:  # no "Saved" within the client's timeout: an overloaded server, counted as such
            seconds.append(math.inf)
    return seconds


async def measure(served: Served, tokens: list[str], count: int, think: float) -> Measured:
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def opened(token: str) -> Participant:
        async with gate:
            return await Participant.open(served.base, token)

    # One screen per replica first: a replica's first session imports pandas and fills its caches,
    # which no further session costs again.
    first = [await Participant.open(served.base, t) for t in tokens[: len(served.pids)]]
    await asyncio.sleep(2)
    before = served.rss()
    participants = first + list(await asyncio.gather(*(opened(t) for t in tokens[len(first) :])))
    idlers = [asyncio.create_task(p.idle()) for p in participants]
    await asyncio.sleep(5)
    memory = (served.rss() - before) / (len(tokens) - len(first))
    cpu, start = served.cpu(), time.perf_counter()
    await asyncio.sleep(IDLE_SECONDS)
    idle = (served.cpu() - cpu) / (time.perf_counter() - start)
    cpu, start, own = served.cpu(), time.perf_counter(), time.process_time()
    runs = await asyncio.gather(*(tapping(p, i, count, think) for i, p in enumerate(participants)))
    busy = (served.cpu() - cpu) / (time.perf_counter() - start)
    seconds = sorted(s for run in runs for s in run)
    client_ms = (time.process_time() - own) / len(seconds) * 1000
    lost = sum(1 for s in seconds if s == math.inf)
    spread: dict[str, int] = {}
    for p in participants:
        spread[p.replica] = spread.get(p.replica, 0) + 1
    for task in idlers:
        task.cancel()
    await asyncio.gather(*(p.close() for p in participants), return_exceptions=True)
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    return Measured(len(served.pids), len(tokens), memory, idle, busy, statistics.median(seconds), p95, len(seconds),
                    lost, client_ms, spread)  # fmt: skip


def run(admin_url: str, replicas: int, participants: int, taps: int, think: float) -> Measured:
    url = new_database(admin_url)
    run_dir = Path(f"/tmp/bench-serve-{uuid.uuid4().hex[:8]}")
    try:
        tokens = prepare(url, participants)
        served = Served(url, replicas, run_dir)
        try:
            return asyncio.run(measure(served, tokens, taps, think))
        finally:
            served.stop()
    finally:
        drop_database(admin_url, url)
        shutil.rmtree(run_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", default="1,2,4", help="replica counts to measure")
    parser.add_argument("--per-replica", default="20,40,60,80,120,160", help="participants per replica, growing")
    parser.add_argument("--taps", type=int, default=6, help="taps per participant")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between one person's taps")
    args = parser.parse_args()
    admin_url = os.environ.get("TOUCHPOINT_AUDIT_TEST_DATABASE_URL")
    if not admin_url:
        sys.exit("needs TOUCHPOINT_AUDIT_TEST_DATABASE_URL (./scripts/bench starts a throwaway PostgreSQL)")
    rows, holds = [], []
    for replicas in (int(r) for r in args.replicas.split(",")):
        held = 0
        for per in (int(p) for p in args.per_replica.split(",")):
            m = run(admin_url, replicas, per * replicas, args.taps, args.think)
            spread = " ".join(f"{k}:{v}" for k, v in sorted(m.spread.items()))
            rows.append((replicas, m.participants, spread, m.memory, m.idle, m.busy, m.taps, m.unconfirmed,
                         f"{m.median:.3f} / {m.p95:.3f}", m.client_ms))  # fmt: skip
            print(f"  {replicas} replica(s), {m.participants} participants: p95 {m.p95:.3f} s", file=sys.stderr)
            if m.p95 > TARGET_P95:
                break
            held = m.participants
        holds.append((replicas, held, held / replicas if held else 0))
    print(f"Replicas behind nginx on PostgreSQL; participants tap every {args.think:g} s on average "
          f"(0.5-1.5x), {args.taps} taps each")  # fmt: skip
    headers = ["replicas", "participants", "sessions per replica", "MB per session", "idle CPU (cores)",
               "CPU tapping (cores)", "taps", "no Saved in 60 s", "tap->saved median/p95 (s)",
               "client CPU per tap (ms)"]  # fmt: skip
    print_table(headers, rows)
    one = holds[0][1] if holds and holds[0][0] == 1 else None
    print(f"\nWhat each holds with the p95 tap under {TARGET_P95:g} s (largest size measured under it)")
    print_table(["replicas", "participants", "per replica", "ratio to one replica"],
                [(r, h, per, f"{h / one:.2f}x" if one else "-") for r, h, per in holds])  # fmt: skip


if __name__ == "__main__":
    main()
