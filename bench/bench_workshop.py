"""Workshop benchmark: one app process serving a room of participants' phones.

`streamlit run app.py` on a free port with a SQLite store holding the sample audit; one
facilitator console and N participants' screens (390x844) open in Debian's Chromium, one
browser with a context each. Measured:
* the server's CPU while everyone's screen is open and idle (cores, over 20 s; the screens
  check the phase every 10 s, the console refreshes the room every 5 s), and its memory
  per open session;
* the round trip of a tap while `tappers` participants tap, in two parts on one clock:
  tap -> the score committed in the store (the history's changed_at), and tap -> "Saved"
  shown on the screen, at a room's pace (one tap every 1-3 s each: people read the rubric)
  and back to back (a stress no room makes), median and p95 over every tap;
* in the same process, the room the console shows: recomputed from the store on every
  refresh (what each console did before) against the change counter plus the shared room.
Targets (issue 9, this 2-core machine): 50 idle sessions under 0.3 cores; p95 tap under 1 s
with 25 tapping. Chromium runs on the same two cores as the server, at the lowest priority
(in a room each page renders on its own phone), so the tap figures still include some of
the browsers' work; "server CPU tapping" is the server's own share.
Run: ./scripts/bench workshop [--sizes 10,25,50] [--tappers 25] [--taps 6] [--think 2] [--stress 25]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import cpu_seconds, median_seconds, print_table, rss_mb  # noqa: E402

from audit.access import LOCAL  # noqa: E402
from audit.inventory import read_inventory  # noqa: E402
from audit.scoring import combine, read_scores, scores_from_inventory  # noqa: E402
from audit.store import Store  # noqa: E402
from audit.workshop import room_snapshot  # noqa: E402
from audit.workshops import Workshops  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
AUDIT = "Bench room"
CRITERIA = ("relevance", "meaningfulness", "attractiveness")
IDLE_SECONDS = 20
OPENING_AT_ONCE = 5


def make_browsers_yield() -> None:
    """Run Chromium at the lowest priority: in a room every page renders on its own phone, so here
    the browsers get what the server leaves of the two cores, not an equal share against it."""
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if command.startswith(CHROMIUM.encode()) or b"/chromium/chromium" in command.split(b"\0")[0]:
            for task in os.listdir(f"/proc/{pid}/task"):
                os.setpriority(os.PRIO_PROCESS, int(task), 19)


def prepare(url: str) -> None:
    inventory = read_inventory(ROOT / "sample_data" / "northwind_inventory.xlsx")
    sample = read_scores(ROOT / "sample_data" / "northwind_scores.csv", inventory.touchpoints)
    Store.open(url).import_inventory(
        AUDIT, inventory, combine([scores_from_inventory(inventory), sample]).frame, actor=LOCAL
    )


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"TOUCHPOINT_AUDIT_DATABASE_URL": url}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the app did not start")


async def settle(page) -> None:  # type: ignore[no-untyped-def]
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.indexOf('Running') < 0"
    )


async def open_screen(browser, url: str, name: str):  # type: ignore[no-untyped-def]
    context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = await context.new_page()
    page.set_default_timeout(120_000)
    await page.goto(url)
    await page.get_by_text(f"Scoring as {name}").wait_for()
    await settle(page)
    return page


async def taps(page, index: int, count: int, think: float) -> list[tuple[str, str, int, float, float]]:  # type: ignore[no-untyped-def]
    """One participant taps `count` scores, `think` seconds apart on average (0: back to back).

    Returns (name, criterion, value, wall clock at the tap, seconds until the card confirmed it).
    """
    done = []
    pace = random.Random(index)
    for k in range(count):
        await asyncio.sleep(pace.uniform(0.5, 1.5) * think)
        criterion, value = CRITERIA[k % 3], (k // 3 + index) % 5 + 1
        wall, start = time.time(), time.perf_counter()
        await page.get_by_role("radiogroup", name=criterion.capitalize()).get_by_role("radio", name=str(value)).tap()
        await page.get_by_text(f"Saved: {criterion} {value} (").wait_for()  # the card, not the toast
        done.append((f"P{index:02d}", criterion, value, wall, time.perf_counter() - start))
        await settle(page)
    return done


def commit_delays(url: str, tapped: list[tuple[str, str, int, float, float]]) -> list[float]:
    """Seconds from each tap to its commit in the store (the history's changed_at; one clock, one machine)."""
    history = Store.open(url, migrate=False).history(AUDIT)
    commits = {(r.changed_by, r.criterion, r.new_value): r.changed_at.timestamp() for r in history.itertuples()}
    return [commits[(name, criterion, value)] - wall for name, criterion, value, wall, _ in tapped]


async def measure(
    sessions: int, tappers: int, count: int, think: float
) -> tuple[float, float, float, float, float, int]:
    from playwright.async_api import async_playwright

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    prepare(url)
    workshops = Workshops(Store.open(url))
    tokens = [workshops.add_participant(AUDIT, f"P{i:02d}", actor=LOCAL)[1] for i in range(sessions)]
    server, base = start_server(url)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            make_browsers_yield()
            console = await (await browser.new_context(viewport={"width": 1440, "height": 1000})).new_page()
            await console.goto(f"{base}/workshop?audit={AUDIT.replace(' ', '+')}")
            await console.get_by_text("The room").first.wait_for()
            before, began = rss_mb(server.pid), time.perf_counter()
            gate = asyncio.Semaphore(OPENING_AT_ONCE)

            async def opened(i: int, token: str):  # type: ignore[no-untyped-def]
                async with gate:
                    return await open_screen(browser, f"{base}/score?p={token}", f"P{i:02d}")

            pages = await asyncio.gather(*(opened(i, t) for i, t in enumerate(tokens)))
            print(f"    {sessions} screens open in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            await asyncio.sleep(5)
            memory = (rss_mb(server.pid) - before) / sessions
            start_cpu, start = cpu_seconds(server.pid), time.perf_counter()
            await asyncio.sleep(IDLE_SECONDS)
            idle = (cpu_seconds(server.pid) - start_cpu) / (time.perf_counter() - start)
            began, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
            timed = await asyncio.gather(*(taps(p, i, count, think) for i, p in enumerate(pages[:tappers])))
            busy = (cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - began)
            print(f"    {tappers} x {count} taps in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            await browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    tapped = [tap for run in timed for tap in run]
    shown = [tap[4] for tap in tapped]
    saved = commit_delays(url, tapped)
    return Measured(idle, memory, busy, statistics.median(saved), p95(saved), statistics.median(shown), p95(shown),
                    len(tapped))  # fmt: skip


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


@dataclass
class Measured:
    idle: float
    memory: float
    busy: float
    saved_median: float
    saved_p95: float
    shown_median: float
    shown_p95: float
    taps: int


def room_costs() -> tuple[float, float]:
    """Seconds per console refresh: the room recomputed from the store, against the counter + shared room."""
    url = f"sqlite:///{tempfile.mkdtemp()}/room.db"
    prepare(url)
    store = Store.open(url)
    workshops = Workshops(store)
    info = store.audit(AUDIT)
    shared = {workshops.revision(AUDIT): room_snapshot(store.touchpoint_frame(AUDIT), store.score_frame(AUDIT),
                                                        info.weights)}  # fmt: skip

    def recompute() -> object:
        return room_snapshot(store.touchpoint_frame(AUDIT), store.score_frame(AUDIT), store.audit(AUDIT).weights)

    def counter() -> object:
        return shared[workshops.revision(AUDIT)]

    return median_seconds(recompute, 30), median_seconds(counter, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,25,50", help="numbers of open participants' screens")
    parser.add_argument("--tappers", type=int, default=25, help="how many of them tap (at most)")
    parser.add_argument("--taps", type=int, default=6, help="taps per tapping participant")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between one person's taps (a room's pace)")
    parser.add_argument("--stress", type=int, default=25, help="also tap back to back at this size (0: no)")
    args = parser.parse_args()
    runs = [(int(s), args.think) for s in args.sizes.split(",")] + ([(args.stress, 0.0)] if args.stress else [])
    rows = []
    for sessions, think in runs:
        tappers = min(sessions, args.tappers)
        m = asyncio.run(measure(sessions, tappers, args.taps, think))
        saved, shown = f"{m.saved_median:.3f} / {m.saved_p95:.3f}", f"{m.shown_median:.3f} / {m.shown_p95:.3f}"
        rows.append(
            (sessions, m.idle, m.idle / sessions, m.memory, tappers, f"{think:g} s", m.taps, m.busy, saved, shown)
        )
        print(f"  measured {sessions} sessions, {think:g} s between taps", file=sys.stderr)
    print("One app process, participants' screens open in Chromium (390x844) and a facilitator console")
    print_table(["sessions", "idle CPU (cores)", "cores per session", "MB per session", "tapping",
                 "between taps", "taps", "server CPU tapping", "tap->saved median/p95 (s)",
                 "tap->shown median/p95 (s)"], rows)  # fmt: skip
    recompute, counter = room_costs()
    print("\nThe console's room per refresh (48 touchpoints x 4 assessors), median seconds in this process")
    print_table(["recomputed from the store", "change counter + shared room", "ratio"],
                [(recompute, counter, f"{recompute / counter:.0f}x")])  # fmt: skip


if __name__ == "__main__":
    main()
