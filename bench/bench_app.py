"""App benchmark: the time of one rerun of the participant's screen after a score is entered.

With AppTest (the real page scripts, in process), for audits of 50, 500 and 5,000
touchpoints x 4 assessors in a SQLite store, a participant enters a score by a tap on the
card and by an edit in the laptop grid; the page reruns (check the phase, save, re-read
their scores, redraw). Median of several runs, beside a rerun with no edit (the page's
fixed cost). Targets: 500 touchpoints under 0.5 s, 5,000 under 2 s.
Run: ./scripts/bench app
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_metrics import make_audit  # noqa: E402
from bench_store import inventory_of  # noqa: E402
from common import print_table  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from audit.access import LOCAL  # noqa: E402
from audit.store import Store  # noqa: E402

AUDIT = "Bench"


def measure(size: int, runs: int) -> tuple[float, float, float]:
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/app.db"
    touchpoints, scores = make_audit(size)
    scores = scores[scores["assessor"].isin([f"Assessor {a}" for a in range(4)])]
    Store.open(url).import_inventory(AUDIT, inventory_of(touchpoints), scores, actor=LOCAL)
    os.environ["TOUCHPOINT_AUDIT_DATABASE_URL"] = url
    from audit.workshops import Workshops
    from ui import state

    state.forget_caches()
    token = Workshops(Store.open(url)).add_participant(AUDIT, "Bench participant", actor=LOCAL)[1]
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params.update({"p": token})
    app.run()
    taps, grid, idle = [], [], []
    for run in range(runs):
        value = run % 5 + 1
        widget = app.segmented_control(key=f"tap|{app.session_state['card_current']}|relevance")
        start = time.perf_counter()
        widget.set_value(value).run()
        taps.append(time.perf_counter() - start)
        assert not app.exception and not app.error, app.exception or app.error
        start = time.perf_counter()
        app.run()
        idle.append(time.perf_counter() - start)
    app.segmented_control(key="view_mode").set_value("Grid (laptop)").run()
    for run in range(runs):
        app.session_state["grid_0"] = {"edited_rows": {1: {"meaningfulness": str(run % 5 + 1)}}, "added_rows": [],
                                       "deleted_rows": []}  # fmt: skip
        start = time.perf_counter()
        app.run()
        grid.append(time.perf_counter() - start)
        assert not app.exception and not app.error, app.exception or app.error
    return statistics.median(taps), statistics.median(grid), statistics.median(idle)


def main() -> None:
    rows = []
    for size in (50, 500, 5_000):
        tap, grid, idle = measure(size, runs=7 if size < 5_000 else 5)
        rows.append((size, size * 4 * 3, tap, grid, idle, f"{tap / idle:.2f}x"))
        print(f"  measured {size} touchpoints", file=sys.stderr)
    print("Participant's screen: one rerun after a score is entered (AppTest), median seconds")
    print_table(["touchpoints", "scores", "tap on the card", "grid edit", "rerun, no edit", "tap / idle"], rows)


if __name__ == "__main__":
    main()
