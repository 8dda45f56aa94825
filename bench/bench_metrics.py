"""Metrics benchmark: every metric of an audit against one plain pandas groupby-mean.

Builds audits of 1k, 10k and 100k touchpoints scored by 10 assessors on three criteria
(about 5% of scores left empty: up to 2.85 million scores), then times, in the same
process, the median of several runs of:
  * ours:     audit.metrics.compute_audit  (aggregates, composite, weak spots, stages,
              coverage, consistency and Krippendorff's alpha)
  * baseline: scores.groupby(["touchpoint_id", "criterion"])["score"].mean()
and says whether the target holds: 100k touchpoints x 10 assessors under 2 s.
Run: ./scripts/bench metrics   (or .venv/bin/python bench/bench_metrics.py [--sizes 1000,10000])
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_seconds, print_table  # noqa: E402

from audit.metrics import TOUCHPOINT_COLUMNS, compute_audit  # noqa: E402
from audit.scoring import SCORE_COLUMNS  # noqa: E402

STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
CHANNELS = np.array(["Website", "Store", "Call centre", "Email", "App", "Social media"])
TYPES = np.array(["digital", "physical", "human", "digital", "digital", "digital"])
ASSESSORS = 10
TARGET = (100_000, 2.0)  # touchpoints, median seconds of compute_audit


def make_audit(size: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    channel = rng.integers(0, len(CHANNELS), size)
    touchpoints = pd.DataFrame(
        {
            "id": [f"TP-{i:06d}" for i in range(size)],
            "name": [f"Touchpoint {i}" for i in range(size)],
            "stage": np.array(STAGES)[rng.integers(0, 5, size)],
            "channel": CHANNELS[channel],
            "type": TYPES[channel],
            "control": rng.choice(["controlled", "partly", "uncontrolled"], size),
            "owner": rng.choice(["CX", "Retail", "CRM"], size),
            "importance": rng.integers(1, 6, size).astype(float),
            "reach": rng.integers(100, 100_000, size).astype(float),
            "conversions": rng.integers(0, 100, size).astype(float),
            "customer_rating": rng.uniform(1, 5, size).round(1),
        },
        columns=TOUCHPOINT_COLUMNS,
    )
    quality = rng.uniform(1.5, 4.5, size)
    ids = np.repeat(touchpoints["id"].to_numpy(), ASSESSORS * 3)
    assessors = np.tile(np.repeat([f"Assessor {a}" for a in range(ASSESSORS)], 3), size)
    criteria = np.tile(["relevance", "meaningfulness", "attractiveness"], size * ASSESSORS)
    values = np.clip(np.rint(np.repeat(quality, ASSESSORS * 3) + rng.normal(0, 0.8, len(ids))), 1, 5)
    keep = rng.random(len(ids)) > 0.05
    scores = pd.DataFrame(
        {"touchpoint_id": ids[keep], "assessor": assessors[keep], "criterion": criteria[keep], "score": values[keep]}
    ).reindex(columns=SCORE_COLUMNS)
    return touchpoints, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    medians: dict[int, float] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        touchpoints, scores = make_audit(size)
        runs = args.runs if size < 100_000 else max(3, args.runs // 2)
        ours = median_seconds(lambda t=touchpoints, s=scores: compute_audit(t, s, STAGES), runs)
        plain = median_seconds(lambda s=scores: s.groupby(["touchpoint_id", "criterion"])["score"].mean(), runs)
        rows.append((size, len(scores), runs, ours, plain, f"{ours / plain:.1f}x"))
        medians[size] = ours
        print(f"  measured {size} touchpoints", file=sys.stderr)
    print(f"All metrics of an audit ({ASSESSORS} assessors, 3 criteria): median seconds")
    print_table(["touchpoints", "scores", "runs", "compute_audit", "groupby-mean", "ours / groupby"], rows)
    size, limit = TARGET
    if size in medians:
        verdict = "met" if medians[size] < limit else "NOT met"
        print(f"Target: {size:,} touchpoints under {limit:.0f} s: {verdict} ({medians[size]:.3f} s).")


if __name__ == "__main__":
    main()
