"""Export benchmark: the finished workbook against a plain openpyxl write-only dump.

For 1k and 10k touchpoints x 4 assessors, in the same process, the median of several runs of
  * ours:  audit.workbook.audit_workbook (seven styled sheets, charts, validation, colour scales)
  * plain: the same Touchpoints and Scores cells written with openpyxl's write-only mode
Target: the finished workbook costs at most 2x the plain dump.
Run: ./scripts/bench export
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import STAGES, make_audit  # noqa: E402
from common import median_seconds, print_table  # noqa: E402

from audit.metrics import compute_audit  # noqa: E402
from audit.workbook import AuditMeta, audit_workbook  # noqa: E402


def plain_dump(result, scores) -> bytes:  # type: ignore[no-untyped-def]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Touchpoints")
    table = result.touchpoints.drop(columns=["extra", "notes"], errors="ignore")
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([None if v != v else v for v in row])
    raw = book.create_sheet("Scores")
    wide = scores.pivot_table(index=["touchpoint_id", "assessor"], columns="criterion", values="score").reset_index()
    raw.append(list(wide.columns))
    for row in wide.itertuples(index=False):
        raw.append([None if v != v else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    rows = []
    for size in (1_000, 10_000):
        touchpoints, scores = make_audit(size)
        scores = scores[scores["assessor"].isin([f"Assessor {a}" for a in range(4)])]
        touchpoints = touchpoints.assign(notes=None, extra=[{"Region": "North"}] * len(touchpoints))
        result = compute_audit(touchpoints, scores, STAGES)
        meta = AuditMeta("Bench", "Client", STAGES, result.weights)
        runs = 5 if size < 10_000 else 3
        ours = median_seconds(lambda r=result, t=touchpoints, s=scores, m=meta: audit_workbook(r, t, s, m), runs)
        plain = median_seconds(lambda r=result, s=scores: plain_dump(r, s), runs)
        rows.append((size, len(scores), runs, ours, plain, f"{ours / plain:.2f}x"))
        print(f"  measured {size} touchpoints", file=sys.stderr)
    print("Excel export, 4 assessors: median seconds")
    print_table(["touchpoints", "scores", "runs", "finished workbook", "write-only dump", "ratio"], rows)


if __name__ == "__main__":
    main()
