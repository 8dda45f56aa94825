"""App benchmark: the time of one rerun of the Score page after a score edit.

With AppTest (the real page scripts, in process), for audits of 50, 500 and 5,000
touchpoints x 4 assessors in a SQLite store: one edit is set in the scoring grid and the
page reruns (validate, save, re-read, redraw the grid and the room). Median of several
runs, beside a rerun with no edit (the page's fixed cost). Targets: 500 touchpoints
under 0.5 s, 5,000 under 2 s.
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

from audit.store import Store  # noqa: E402

AUDIT, ASSESSOR = "Bench", "Assessor 0"


def measure(size: int, runs: int) -> tuple[float, float]:
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/app.db"
    touchpoints, scores = make_audit(size)
    scores = scores[scores["assessor"].isin([f"Assessor {a}" for a in range(4)])]
    Store.open(url).import_inventory(AUDIT, inventory_of(touchpoints), scores)
    os.environ["TOUCHPOINT_AUDIT_DATABASE_URL"] = url
    from ui import state

    state.store.clear()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params.update({"audit": AUDIT, "assessor": ASSESSOR})
    app.run()
    app.switch_page("views/score.py").run()
    key = str(app.session_state["score_editor_key"])
    edits, idle = [], []
    for run in range(runs):
        value = run % 5 + 1
        app.session_state[key] = {"edited_rows": {0: {"relevance": value}}, "added_rows": [], "deleted_rows": []}
        start = time.perf_counter()
        app.run()
        edits.append(time.perf_counter() - start)
        assert not app.exception, app.exception
        start = time.perf_counter()
        app.run()
        idle.append(time.perf_counter() - start)
    return statistics.median(edits), statistics.median(idle)


def main() -> None:
    rows = []
    for size in (50, 500, 5_000):
        edit, idle = measure(size, runs=7 if size < 5_000 else 5)
        rows.append((size, size * 4 * 3, edit, idle, f"{edit / idle:.2f}x"))
        print(f"  measured {size} touchpoints", file=sys.stderr)
    print("Score page: one rerun after a score edit (AppTest), median seconds")
    print_table(["touchpoints", "scores", "rerun with an edit", "rerun, no edit", "edit / idle"], rows)


if __name__ == "__main__":
    main()
