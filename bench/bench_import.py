"""Import benchmark: our reader + validation against pandas' default Excel path.

Generates inventories of 1k, 10k and 100k touchpoints (14 columns, one title row) and
times, in the same process, the median of several runs of:
  * ours:   audit.inventory.read_inventory(path)  (calamine, header search, mapping, validation)
  * pandas: pandas.read_excel(path, engine="openpyxl")  (what pandas does by default)
Run: ./scripts/bench import   (or .venv/bin/python bench/bench_import.py [--sizes 1000,10000])
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_seconds, print_table  # noqa: E402

from audit.inventory import read_inventory  # noqa: E402

HEADERS = [
    "ID",
    "Touchpoint",
    "Stage",
    "Channel",
    "Type",
    "Control",
    "Owner",
    "Importance",
    "Reach",
    "Conversions",
    "Customer rating",
    "Relevance",
    "Meaningfulness",
    "Attractiveness",
    "Notes",
]
STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
CHANNELS = [("Website", "digital"), ("Store", "physical"), ("Call centre", "human"), ("Email", "digital")]


def write_inventory(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Inventory")
    sheet.append(["Generated inventory for the import benchmark"])
    sheet.append(HEADERS)
    for i in range(rows):
        channel, kind = rng.choice(CHANNELS)
        reach = rng.randint(100, 100_000)
        sheet.append(
            [
                f"TP-{i:06d}",
                f"Touchpoint {i}",
                rng.choice(STAGES),
                channel,
                kind,
                rng.choice(["controlled", "partly", "uncontrolled"]),
                rng.choice(["CX", "Retail", "CRM"]),
                rng.randint(1, 5),
                reach,
                rng.randint(0, reach),
                round(rng.uniform(1, 5), 1),
                rng.randint(1, 5),
                rng.randint(1, 5),
                rng.randint(1, 5),
                "note " * rng.randint(0, 3),
            ]
        )
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"inventory_{size}.xlsx"
            write_inventory(path, size)
            runs = args.runs if size < 100_000 else max(3, args.runs // 2)
            inventory = read_inventory(path)
            assert len(inventory.touchpoints) == size, inventory.problems[:3]
            ours = median_seconds(lambda p=path: read_inventory(p), runs)
            theirs = median_seconds(lambda p=path: pd.read_excel(p, engine="openpyxl", header=1), runs)
            rows.append((size, f"{path.stat().st_size / 1e6:.1f}", runs, ours, theirs, f"{theirs / ours:.1f}x"))
            print(f"  measured {size} rows", file=sys.stderr)
    print("Import of a generated inventory (.xlsx, 15 columns): median seconds")
    print_table(["rows", "MB", "runs", "ours (calamine+validation)", "pandas read_excel openpyxl", "speed-up"], rows)


if __name__ == "__main__":
    main()
