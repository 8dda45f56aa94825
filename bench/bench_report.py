"""Report benchmark: the meeting's slides (.pptx, and the PDF) against the scored workbook.

For the sample audit (48 touchpoints, 4 assessors) and a generated one of 1,000 touchpoints x 4
assessors, in the same process, the median of several runs, alternately, of:
  * report:   audit.report.audit_report (title, figures, findings, tables, 8 charts drawn by
              vl-convert as PNG at scale 2, action plan, method)
  * workbook: audit.workbook.audit_workbook (seven styled sheets)
Target: the report in under 2x the workbook's time at 1,000 touchpoints.
Then where the report's time goes (the charts built and serialised by Altair, rendered by
vl-convert as PNG, or as SVG for comparison, the slides themselves), and what LibreOffice's
PDF conversion adds (median of 3; a first conversion with a fresh profile, as every one is).
Run: ./scripts/bench report
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vl_convert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import STAGES, make_audit  # noqa: E402
from common import median_seconds, print_table  # noqa: E402

from audit import charts, report  # noqa: E402
from audit.inventory import read_inventory  # noqa: E402
from audit.metrics import AuditResult, audit_from_inventory, audit_stages, compute_audit, inventory_frame  # noqa: E402
from audit.scoring import combine, read_scores, scores_from_inventory  # noqa: E402
from audit.workbook import AuditMeta, audit_workbook  # noqa: E402

TARGET = 2.0  # the report's time / the workbook's, at 1,000 touchpoints


def sample() -> tuple[AuditResult, object, object, AuditMeta]:
    inventory = read_inventory(ROOT / "sample_data" / "northwind_inventory.xlsx")
    scores = combine(
        [
            scores_from_inventory(inventory),
            read_scores(ROOT / "sample_data" / "northwind_scores.csv", inventory.touchpoints),
        ]
    ).frame
    result = audit_from_inventory(inventory, scores)
    return (
        result,
        inventory_frame(inventory),
        scores,
        AuditMeta("Northwind", "Northwind Home", audit_stages(inventory), result.weights),
    )


def generated(size: int) -> tuple[AuditResult, object, object, AuditMeta]:
    touchpoints, scores = make_audit(size)
    scores = scores[scores["assessor"].isin([f"Assessor {a}" for a in range(4)])]
    touchpoints = touchpoints.assign(notes=None, extra=[{"Region": "North"}] * len(touchpoints))
    result = compute_audit(touchpoints, scores, STAGES)
    return result, touchpoints, scores, AuditMeta("Bench", "Client", STAGES, result.weights)


def alternately(first: Callable[[], object], second: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall times of two actions run one after the other `runs` times (after one warm-up call
    each): a load that comes and goes on the machine weighs on both alike."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, kept in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def breakdown(result: AuditResult, meta: AuditMeta, runs: int) -> tuple[float, float, float, float]:
    """Median seconds, within whole runs of audit_report, of: building the charts and their specs
    (Altair), rendering them (vl-convert PNG), everything else (the slides, saving); and the SVG
    vl-convert would draw of the same specs instead, for comparison."""
    original_build, original_png = report._chart_for_slide, report.chart_png
    spent: dict[str, float] = {}
    specs: list[dict[str, object]] = []

    def timed(key: str, action: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = action()
        spent[key] = spent.get(key, 0.0) + time.perf_counter() - start
        return value

    def build(name: str, r: AuditResult) -> Any:
        return timed("build", lambda: original_build(name, r))

    def png(chart: Any) -> bytes:
        spec = timed("build", lambda: report.chart_spec(chart))
        specs.append(spec)
        return bytes(timed("render", lambda: vl_convert.vegalite_to_png(spec, scale=report.CHART_SCALE,
                                                                        config=report.CHART_CONFIG)))  # fmt: skip

    report._chart_for_slide, report.chart_png = build, png  # type: ignore[assignment]
    rows = []
    try:
        for _ in range(runs):
            spent.clear()
            total = timed("total", lambda: report.audit_report(result, meta))
            rows.append((spent.get("build", 0.0), spent.get("render", 0.0), spent["total"] - spent.get("build", 0.0)
                         - spent.get("render", 0.0)))  # fmt: skip
            del total
    finally:
        report._chart_for_slide, report.chart_png = original_build, original_png  # type: ignore[assignment]
    drawn = specs[-len([n for n in report.CHART_TITLES if charts.empty_reason(n, result) is None]) :]
    svg = median_seconds(lambda: [vl_convert.vegalite_to_svg(x, config=report.CHART_CONFIG) for x in drawn], runs)
    build_s, render_s, rest_s = (statistics.median(column) for column in zip(*rows, strict=True))
    return build_s, render_s, svg, rest_s


def main() -> None:
    vl_convert.vegalite_to_svg({"mark": "point"})  # the Vega engine starts once per process (about 0.6 s)
    audits = {"sample": sample(), "generated": generated(1_000)}
    totals, parts, pdfs = [], [], []
    for label, (result, touchpoints, scores, meta) in audits.items():
        runs = 7
        ours, workbook = alternately(
            lambda r=result, m=meta: report.audit_report(r, m),
            lambda r=result, t=touchpoints, s=scores, m=meta: audit_workbook(r, t, s, m),
            runs,
        )
        deck = report.audit_report(result, meta)
        totals.append((label, len(result.touchpoints), runs, ours, workbook, f"{ours / workbook:.2f}x",
                       report.slide_count(deck)))  # fmt: skip
        build, png, svg, rest = breakdown(result, meta, 5)
        parts.append((label, build, png, svg, rest, f"{(build + png) / (build + png + rest):.0%}"))
        pdf = median_seconds(lambda d=deck: report.report_pdf(d), 3, warm_up=False)
        pdfs.append((label, report.slide_count(deck), 3, pdf, f"{(ours + pdf) / workbook:.2f}x"))
        print(f"  measured {label}", file=sys.stderr)
    print("The report (.pptx) against the workbook (.xlsx), 4 assessors: median seconds, run alternately")
    print_table(["audit", "touchpoints", "runs", "report .pptx", "workbook .xlsx", "ratio", "slides"], totals)
    ratio = totals[-1][3] / totals[-1][4]
    print(f"Target: the report in under {TARGET:g}x the workbook at 1,000 touchpoints: "
          f"{'met' if ratio < TARGET else 'not met'} ({ratio:.2f}x).\n")  # fmt: skip
    print("Where the report's time goes, 8 charts: median seconds over 5 runs")
    print_table(["audit", "Altair build + spec", "vl-convert PNG x2", "(SVG instead)", "slides + save",
                 "charts' share"], parts)  # fmt: skip
    print("\nThe PDF: LibreOffice converting the deck (a fresh profile each time), median seconds")
    print_table(["audit", "pages", "runs", "soffice --convert-to pdf", "pptx + pdf / workbook"], pdfs)


if __name__ == "__main__":
    main()
