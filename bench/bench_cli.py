"""Command-line benchmark: whole processes, ours beside the obvious alternative, in one run.

A user runs `python -m audit check` or `metrics` as a process, so the process is what is
timed: interpreter start, imports, reading, validating, computing and printing. Each pair
runs alternately, median of several runs:

  * check INVENTORY --json             vs  python -c: calamine reads the same sheet's rows
                                           (50k and 100k rows, 15 columns)
  * metrics INVENTORY --scores S --json vs python -c: pandas reads both files (calamine engine
                                           for the xlsx) and groups the scores by touchpoint
                                           (10k touchpoints x 8 assessors, a wide score CSV)

Targets (issue 11): check within 2x of the bare read and 100k rows under 2 s; metrics
within 2x of the pandas read plus groupby.
Run: ./scripts/bench cli   (or .venv/bin/python bench/bench_cli.py [--runs 5])
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import write_inventory  # noqa: E402
from common import print_table  # noqa: E402

BARE_READ = (
    "import sys, python_calamine as c; b = c.CalamineWorkbook.from_path(sys.argv[1]); "
    "rows = b.get_sheet_by_name(b.sheet_names[0]).to_python(skip_empty_area=False); print(len(rows))"
)
PANDAS_METRICS = (
    "import sys, pandas as pd; inventory = pd.read_excel(sys.argv[1], engine='calamine'); "
    "scores = pd.read_csv(sys.argv[2]); "
    "means = scores.groupby('Touchpoint')[['Relevance', 'Meaningfulness', 'Attractiveness']].mean(); "
    "print(len(inventory), len(means))"
)
STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]


def write_scored(folder: Path, touchpoints: int, assessors: int) -> tuple[Path, Path]:
    """An inventory without score columns, and a wide score file: one row per touchpoint and assessor."""
    rng = random.Random(touchpoints)
    inventory, scores = folder / f"inventory_{touchpoints}.xlsx", folder / f"scores_{touchpoints}x{assessors}.csv"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Inventory")
    sheet.append(["ID", "Touchpoint", "Stage", "Channel", "Importance", "Customer rating"])
    for i in range(touchpoints):
        channel = rng.choice(["Website", "Store", "Call centre", "Email"])
        sheet.append([f"TP-{i:06d}", f"Touchpoint {i}", rng.choice(STAGES), channel, rng.randint(1, 5),
                      round(rng.uniform(1, 5), 1)])  # fmt: skip
    book.save(inventory)
    with scores.open("w", newline="") as file:
        out = csv.writer(file)
        out.writerow(["Touchpoint", "Assessor", "Relevance", "Meaningfulness", "Attractiveness"])
        for i in range(touchpoints):
            for a in range(assessors):
                out.writerow([f"TP-{i:06d}", f"Assessor {a}", *(rng.randint(1, 5) for _ in range(3))])
    return inventory, scores


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the inventory has errors, still a full run
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def pair(ours: list[str], theirs: list[str], runs: int) -> tuple[float, float]:
    """Medians of both commands, run alternately after a warm-up of each (the OS file cache)."""
    seconds(ours), seconds(theirs)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(seconds(ours))
        times[1].append(seconds(theirs))
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    rows = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for size in (50_000, 100_000):
            path = folder / f"check_{size}.xlsx"
            write_inventory(path, size)
            ours, theirs = pair([python, "-m", "audit", "check", str(path), "--json"],
                                [python, "-c", BARE_READ, str(path)], args.runs)  # fmt: skip
            rows.append((f"check, {size:,} rows", args.runs, ours, "calamine reads the rows", theirs,
                         f"{ours / theirs:.2f}x"))  # fmt: skip
            print(f"  measured check {size}", file=sys.stderr)
        inventory, scores = write_scored(folder, 10_000, 8)
        ours, theirs = pair(
            [python, "-m", "audit", "metrics", str(inventory), "--scores", str(scores), "--json"],
            [python, "-c", PANDAS_METRICS, str(inventory), str(scores)],
            args.runs,
        )
        rows.append(("metrics --json, 10k x 8", args.runs, ours, "pandas reads both + groupby", theirs,
                     f"{ours / theirs:.2f}x"))  # fmt: skip
    print("Whole processes (interpreter start to exit): median seconds")
    print_table(["command", "runs", "ours", "the alternative", "alternative", "ours / alternative"], rows)


if __name__ == "__main__":
    main()
