"""The scored Excel audit a manager can forward as it is, the blank template, and safe CSVs.

`audit_workbook` writes, from one `AuditResult`: Summary, Touchpoints, Action plan,
Coverage, Consistency, Scores and Method sheets, styled, filtered, frozen, with colour
scales, native charts, print setup and 1-5 validation on the raw scores. A hidden sheet
`touchpoint_audit` carries what a re-import needs (stage order, weights, which columns are
computed), so `read_audit_workbook` restores the same audit.

No text from an inventory or a note ever becomes a formula: in the workbook it is stored
as text, and in CSVs it gets OWASP's leading apostrophe.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from audit import __version__
from audit.inventory import Inventory, parse_inventory
from audit.metrics import (
    IMPORTANT,
    INCONSISTENT_SPREAD,
    LARGEST_SD,
    PERCEPTION_GAP,
    STRONG,
    WEAK_COMPOSITE,
    WEAK_CRITERION,
    AuditResult,
)
from audit.reader import Source
from audit.scoring import RELIABLE, TENTATIVE, ScoreSet, parse_scores
from audit.vocabulary import CRITERIA, DEFAULT_STAGES, TYPES
from audit.workshop import RUBRIC, SCALE_WORDS

META_SHEET = "touchpoint_audit"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color="1F3864")
WEAK_FILL = PatternFill("solid", fgColor="F8D7DA")
GAP_FILL = PatternFill("solid", fgColor="F8D7DA")
SCORE_SCALE = ColorScaleRule(  # type: ignore[no-untyped-call]
    start_type="num",
    start_value=1,
    start_color="F8696B",
    mid_type="num",
    mid_value=3,
    mid_color="FFEB84",
    end_type="num",
    end_value=5,
    end_color="63BE7B",
)
INVENTORY_HEADERS = {
    "id": "Id",
    "name": "Touchpoint",
    "stage": "Stage",
    "channel": "Channel",
    "type": "Type",
    "control": "Control",
    "owner": "Owner",
    "importance": "Importance",
    "reach": "Reach",
    "conversions": "Conversions",
    "customer_rating": "Customer rating",
    "notes": "Notes",
}
# Computed columns of the Touchpoints sheet, by header, with the result column each shows.
COMPUTED = {
    **{f"{c.capitalize()} {s}": f"{c}_{s}" for c in CRITERIA for s in ("mean", "n", "sd")},
    "Composite": "composite",
    "Weak": "weak",
    "Why weak": "reasons",
    "Priority": "priority",
    "Quadrant": "quadrant",
    "Discuss": "discuss",
    "Perception gap": "perception_gap",
    "Conversion rate": "conversion_rate",
}


@dataclass(frozen=True)
class AuditMeta:
    """What the workbook says about its audit, beyond the tables."""

    name: str
    client: str | None
    stage_order: list[str]
    weights: dict[str, float]


# --- safe text ---------------------------------------------------------------------------------


def csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV (UTF-8 with BOM, so Excel opens it right) with formula-like text neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(csv_safe)
    safe.columns = [csv_safe(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def _put(sheet: Worksheet, row: int, column: int, value: object) -> Any:
    """Write a cell; text is always text, never a formula."""
    if value is not None and not isinstance(value, str | int | float | bool | datetime):
        value = None if pd.isna(value) else (value.item() if hasattr(value, "item") else str(value))  # type: ignore[call-overload]
    if isinstance(value, float) and value != value:
        value = None
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# --- the workbook -------------------------------------------------------------------------------


def audit_workbook(
    result: AuditResult,
    touchpoints: pd.DataFrame,
    scores: pd.DataFrame,
    meta: AuditMeta,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """The finished workbook, as bytes. `touchpoints` carries the `extra` column of each touchpoint."""
    steps: list[tuple[str, Callable[[Workbook], None]]] = [
        ("Summary", lambda b: _summary(b, result, meta)),
        ("Touchpoints", lambda b: _touchpoints(b, result, touchpoints)),
        ("Action plan", lambda b: _action_plan(b, result)),
        ("Coverage", lambda b: _coverage(b, result)),
        ("Consistency", lambda b: _consistency(b, result)),
        ("Scores", lambda b: _scores(b, scores, touchpoints)),
        ("Method", lambda b: _method(b, meta)),
        ("", lambda b: _meta(b, meta)),
    ]
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for index, (title, step) in enumerate(steps):
        if progress:
            progress(index / len(steps), f"Writing {title or 'the import data'}...")
        step(book)
    buffer = io.BytesIO()
    book.save(buffer)
    if progress:
        progress(1.0, "Done")
    return buffer.getvalue()


def _table(
    sheet: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths: Mapping[str, float] | None = None,
    formats: dict[str, str] | None = None,
    wrap: Sequence[str] = (),
) -> int:
    """A styled table with an autofilter; returns the row after it. Columns in `wrap` wrap their text."""
    for column, header in enumerate(headers, start=1):
        cell = _put(sheet, top, column, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    top_aligned = Alignment(vertical="top")
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = _put(sheet, top + offset, column, value)
            if wrap:
                cell.alignment = top_aligned
    last = get_column_letter(max(len(headers), 1))
    if top == 1:
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
        sheet.freeze_panes = "C2" if len(headers) > 4 else "A2"
    for column, header in enumerate(headers, start=1):
        letter = get_column_letter(column)
        longest = max([min(len(str(header)), 14), 8] + [len(str(r[column - 1] or "")) for r in rows[:200]])
        width = (widths or {}).get(header) or min(longest + 2, 40)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, width)
        _fit_height(sheet, top, str(header), sheet.column_dimensions[letter].width)
        number_format = (formats or {}).get(header)
        if number_format:
            for r in range(top + 1, top + len(rows) + 1):
                sheet.cell(row=r, column=column).number_format = number_format
        if header in wrap:
            for r in range(top + 1, top + len(rows) + 1):
                cell = sheet.cell(row=r, column=column)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                _fit_height(sheet, r, cell.value, sheet.column_dimensions[letter].width)
    return top + len(rows) + 2


def _fit_height(sheet: Worksheet, row: int, value: object, width: float | None) -> None:
    """Make a row tall enough for wrapped text: spreadsheet apps do not all measure it on opening."""
    if not isinstance(value, str) or not width:
        return
    lines = sum(max(1, math.ceil(len(part) / max(width - 1, 1))) for part in value.split("\n"))
    height = 15.0 * lines
    current = sheet.row_dimensions[row].height or 15.0
    sheet.row_dimensions[row].height = max(current, height)


def _print_setup(sheet: Worksheet, title: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = False
    sheet.HeaderFooter.oddHeader.center.text = title  # type: ignore[union-attr]
    sheet.HeaderFooter.oddFooter.right.text = "Page &P of &N"  # type: ignore[union-attr]
    if sheet.max_row > 1 and sheet.freeze_panes:
        sheet.print_title_rows = "1:1"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _summary(book: Workbook, result: AuditResult, meta: AuditMeta) -> None:
    sheet = book.create_sheet("Summary")
    sheet["A1"] = f"Touchpoint audit: {meta.name}"
    sheet["A1"].font = TITLE_FONT
    agreement = result.agreement
    facts = [
        ("Client", meta.client or "-"),
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d")),
        ("Assessors", ", ".join(result.assessors) or "none"),
        ("Touchpoints", len(result.touchpoints)),
        ("Scored on all three criteria", _percent(result.coverage.scoring_share)),
        ("Mean composite (1-5)", round(result.mean_composite, 2) if result.mean_composite else "-"),
        ("Consistency index", _percent(result.overall_consistency)),
        ("Coverage of stage x type", _percent(result.coverage.share)),
        (
            "Agreement (Krippendorff's alpha)",
            f"{agreement.alpha:.3f} ({agreement.band})" if agreement.alpha is not None else "not computed",
        ),
        ("", agreement.message),
        ("Weak spots", len(result.weak_spots)),
    ]
    for offset, (label, value) in enumerate(facts, start=3):
        _put(sheet, offset, 1, label).font = Font(bold=True)
        _put(sheet, offset, 2, value).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        _fit_height(sheet, offset, value, 40)
    row = len(facts) + 4
    _put(sheet, row, 1, "Stages").font = Font(bold=True, size=13)
    stage_rows = [
        (
            s["name"],
            s["touchpoints"],
            s["scored"],
            s["mean_composite"],
            s["relevance_mean"],
            s["meaningfulness_mean"],
            s["attractiveness_mean"],
            s["consistency_index"],
            s["channel_spread"],
            "yes" if s["inconsistent"] else "",
        )
        for s in result.stages.to_dict("records")
    ]
    stage_top = row + 1
    headers = [
        "Stage",
        "Touchpoints",
        "Scored",
        "Composite",
        "Relevance",
        "Meaningfulness",
        "Attractiveness",
        "Consistency",
        "Channel spread",
        "Inconsistent",
    ]
    formats = {h: "0.00" for h in ("Composite", "Relevance", "Meaningfulness", "Attractiveness", "Channel spread")}
    row = _table(sheet, stage_top, headers, stage_rows, formats=formats | {"Consistency": "0%"})
    _put(sheet, row, 1, "Top weak spots").font = Font(bold=True, size=13)
    weak = result.touchpoints.set_index("id").loc[result.weak_spots[:10]].reset_index()
    weak_rows = [
        (r["id"], r["name"], r["stage"], r["owner"], r["priority"], r["reasons"]) for r in weak.to_dict("records")
    ]
    row = _table(
        sheet,
        row + 1,
        ["Id", "Weak spot", "Stage", "Owner", "Priority", "Why"],
        weak_rows,
        widths={"Why": 60, "Weak spot": 30},
        formats={"Priority": "0.00"},
        wrap=["Weak spot", "Why"],
    )
    _put(sheet, row, 1, "Findings").font = Font(bold=True, size=13)
    findings = [f for f in result.findings if f.code != "weak_spot"]
    for offset, finding in enumerate(findings, start=1):
        _put(sheet, row + offset, 1, f"• {finding.message}")
    _journey_chart(sheet, stage_top, len(stage_rows), f"A{row + len(findings) + 2}")
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    _print_setup(sheet, meta.name)


def _journey_chart(sheet: Worksheet, top: int, count: int, anchor: str) -> None:
    if count == 0:
        return
    chart = LineChart()
    chart.title = "The journey: mean scores per stage"
    chart.y_axis.title = "1-5"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 1, 5
    data = Reference(sheet, min_col=4, max_col=7, min_row=top, max_row=top + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=top + count))
    chart.height, chart.width = 8, 16
    sheet.add_chart(chart, anchor)


def _touchpoints(book: Workbook, result: AuditResult, touchpoints: pd.DataFrame) -> None:
    sheet = book.create_sheet("Touchpoints")
    table = result.touchpoints
    extras = list(
        dict.fromkeys(k for e in touchpoints.get("extra", pd.Series(dtype=object)) if isinstance(e, dict) for k in e)
    )
    extra_by_id = dict(
        zip(touchpoints["id"], touchpoints.get("extra", pd.Series([{}] * len(touchpoints))), strict=True)
    )
    notes = dict(zip(touchpoints["id"], touchpoints.get("notes", pd.Series([None] * len(touchpoints))), strict=True))
    headers = list(INVENTORY_HEADERS.values()) + extras + list(COMPUTED)
    rows = []
    for record in table.to_dict("records"):
        extra = extra_by_id.get(record["id"]) or {}
        inventory = [notes.get(record["id"]) if f == "notes" else record[f] for f in INVENTORY_HEADERS]
        computed = [_computed_value(record, column) for column in COMPUTED.values()]
        rows.append(inventory + [extra.get(k) for k in extras] + computed)
    formats = {
        h: "0.00" for h in COMPUTED if h.endswith(("mean", "sd")) or h in ("Composite", "Priority", "Perception gap")
    }
    _table(
        sheet,
        1,
        headers,
        rows,
        widths={h: 9 for h in COMPUTED if h not in ("Why weak", "Quadrant")}
        | {"Touchpoint": 28, "Why weak": 45, "Notes": 30, "Quadrant": 14},
        formats=formats | {"Conversion rate": "0.0%", "Reach": "#,##0", "Conversions": "#,##0"},
        wrap=["Touchpoint", "Notes", "Why weak"],
    )
    for index, header in enumerate(headers, start=1):
        if header.endswith((" n", " sd")):  # folded: the outline's + shows them
            dimension = sheet.column_dimensions[get_column_letter(index)]
            dimension.outlineLevel, dimension.hidden = 1, True
    last = len(rows) + 1
    for header in ("Relevance mean", "Meaningfulness mean", "Attractiveness mean", "Composite"):
        letter = get_column_letter(headers.index(header) + 1)
        sheet.conditional_formatting.add(f"{letter}2:{letter}{last}", SCORE_SCALE)
    weak_column = headers.index("Weak") + 1
    for r in range(2, last + 1):
        if sheet.cell(row=r, column=weak_column).value == "yes":
            sheet.cell(row=r, column=2).fill = WEAK_FILL
    _print_setup(sheet, "Touchpoints")


def _computed_value(record: Mapping[Hashable, Any], column: str) -> object:
    value = record[column]
    if column in ("weak", "discuss"):
        return "yes" if value else ""
    if column == "reasons":
        return value or None
    return value


def _action_plan(book: Workbook, result: AuditResult) -> None:
    sheet = book.create_sheet("Action plan")
    weak = result.touchpoints.set_index("id").loc[result.weak_spots].reset_index()
    rows = [
        (
            i,
            r["id"],
            r["name"],
            r["stage"],
            r["owner"],
            r["priority"],
            r["quadrant"],
            r["reasons"],
            None,
            None,
            None,
            None,
        )
        for i, r in enumerate(weak.to_dict("records"), start=1)
    ]
    headers = [
        "#",
        "Id",
        "Weak spot",
        "Stage",
        "Current owner",
        "Priority",
        "Quadrant",
        "Why",
        "Action",
        "Owner",
        "Due",
        "Status",
    ]
    _table(
        sheet,
        1,
        headers,
        rows,
        widths={"Why": 50, "Action": 40, "Weak spot": 28, "Owner": 18, "Due": 12},
        formats={"Priority": "0.00"},
        wrap=["Weak spot", "Why"],
    )
    status = DataValidation(type="list", formula1='"Not started,In progress,Done,Dropped"', allow_blank=True)
    sheet.add_data_validation(status)
    status.add(f"L2:L{max(len(rows) + 1, 2) + 50}")
    due = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    sheet.add_data_validation(due)
    due.add(f"K2:K{max(len(rows) + 1, 2) + 50}")
    if rows:
        chart = BarChart()
        chart.type, chart.title = "bar", "Weak spots by priority"
        count = min(len(rows), 15)
        chart.add_data(Reference(sheet, min_col=6, min_row=1, max_row=count + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=3, min_row=2, max_row=count + 1))
        chart.y_axis.title, chart.height, chart.width = "Priority", 9, 18
        chart.x_axis.scaling.orientation = "maxMin"
        sheet.add_chart(chart, f"A{len(rows) + 4}")
    _print_setup(sheet, "Action plan")


def _coverage(book: Workbook, result: AuditResult) -> None:
    sheet = book.create_sheet("Coverage")
    row = 1
    for title, matrix in (
        ("Stage x type", result.coverage.type_matrix),
        ("Stage x channel", result.coverage.channel_matrix),
    ):
        _put(sheet, row, 1, title).font = Font(bold=True, size=13)
        rows = [[stage, *values] for stage, values in zip(matrix.index, matrix.to_numpy().tolist(), strict=True)]
        top = row + 1
        row = _table(sheet, top, ["Stage", *map(str, matrix.columns)], rows)
        for r in range(top + 1, top + len(rows) + 1):
            for c in range(2, len(matrix.columns) + 2):
                if sheet.cell(row=r, column=c).value == 0 and title == "Stage x type":
                    sheet.cell(row=r, column=c).fill = GAP_FILL
    _put(sheet, row, 1, "Gaps").font = Font(bold=True, size=13)
    for offset, gap in enumerate(result.coverage.gaps, start=1):
        _put(sheet, row + offset, 1, gap.message)
    row += len(result.coverage.gaps) + 2
    _put(sheet, row, 1, "Assessor completion").font = Font(bold=True, size=13)
    completion = [(a, v) for a, v in result.coverage.assessor_completion.items()]
    _table(sheet, row + 1, ["Assessor", "Completion"], completion, formats={"Completion": "0%"})
    sheet.column_dimensions["A"].width = 40
    _print_setup(sheet, "Coverage")


def _consistency(book: Workbook, result: AuditResult) -> None:
    sheet = book.create_sheet("Consistency")
    rows = [
        (
            s["name"],
            s["touchpoints"],
            s["scored"],
            s["mean_composite"],
            s["sd"],
            s["consistency_index"],
            s["channel_spread"],
            s["highest_channel"],
            s["lowest_channel"],
            "yes" if s["inconsistent"] else "",
        )
        for s in result.stages.to_dict("records")
    ]
    headers = [
        "Stage",
        "Touchpoints",
        "Scored",
        "Mean composite",
        "sd",
        "Consistency index",
        "Channel spread",
        "Best channel",
        "Worst channel",
        "Inconsistent",
    ]
    row = _table(
        sheet,
        1,
        headers,
        rows,
        formats={"Mean composite": "0.00", "sd": "0.00", "Consistency index": "0%", "Channel spread": "0.00"},
    )
    _put(sheet, row, 1, f"Overall consistency index: {_percent(result.overall_consistency)}").font = Font(bold=True)
    _print_setup(sheet, "Consistency")


def _scores(book: Workbook, scores: pd.DataFrame, touchpoints: pd.DataFrame) -> None:
    sheet = book.create_sheet("Scores")
    names = dict(zip(touchpoints["id"], touchpoints["name"], strict=True))
    order = {key: i for i, key in enumerate(touchpoints["id"])}
    wide = scores.pivot_table(index=["touchpoint_id", "assessor"], columns="criterion", values="score", aggfunc="last")
    notes = scores.dropna(subset=["note"]).groupby(["touchpoint_id", "assessor"])["note"].first()
    keys = sorted(wide.index, key=lambda k: (order.get(k[0], len(order)), k[1]))
    rows = [
        (
            tp,
            names.get(tp),
            assessor,
            *(_int(wide.loc[(tp, assessor)].get(c)) for c in CRITERIA),
            notes.get((tp, assessor)),
        )
        for tp, assessor in keys
    ]
    headers = ["Touchpoint id", "Touchpoint", "Assessor", "Relevance", "Meaningfulness", "Attractiveness", "Note"]
    _table(sheet, 1, headers, rows, widths={"Touchpoint": 34, "Note": 40})
    last = max(len(rows) + 1, 2) + 200  # room for scores added offline
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Scores are 1-5",
        error="Type a whole number from 1 (very poor) to 5 (excellent), or leave it empty.",
    )
    sheet.add_data_validation(validation)
    validation.add(f"D2:F{last}")
    sheet.conditional_formatting.add(f"D2:F{last}", SCORE_SCALE)
    _print_setup(sheet, "Scores")


def _int(value: object) -> int | None:
    return None if value is None or value != value else int(value)  # type: ignore[call-overload]


def _method(book: Workbook, meta: AuditMeta) -> None:
    sheet = book.create_sheet("Method")
    weights = ", ".join(f"{c} {w:g}" for c, w in meta.weights.items())
    lines: list[tuple[str, str]] = [
        (
            "Scale",
            "Each assessor scores each touchpoint 1-5: "
            + ", ".join(f"{n} {w}" for n, w in SCALE_WORDS.items())
            + ". Empty is not scored, never zero.",
        ),
        *[(c.capitalize(), text) for c, text in RUBRIC.items()],
        ("Weights", weights),
        ("Composite", "Weighted mean of the criterion means, over the criteria that have a score."),
        ("Weak", f"Composite below {WEAK_COMPOSITE:g}, or any criterion mean of {WEAK_CRITERION:g} or lower."),
        ("Priority", "Importance x (5 - composite); weak spots are listed highest first."),
        ("Quadrants", f"Important: importance {IMPORTANT:g} or more. Strong: composite {STRONG:g} or more."),
        ("Discuss", "The assessors' scores for a criterion span 2 points or more."),
        (
            "Consistency",
            f"1 - sd / {LARGEST_SD:g} within a stage; "
            f"a channel spread of {INCONSISTENT_SPREAD:g} or more is inconsistent.",
        ),
        ("Perception gap", f"Composite - customer rating; {PERCEPTION_GAP:+g} or more is flagged."),
        (
            "Agreement",
            f"Krippendorff's alpha, ordinal: {RELIABLE:.3f}+ reliable, "
            f"{TENTATIVE:.3f}-{RELIABLE:.3f} tentative, below {TENTATIVE:.3f} low.",
        ),
        ("Generated", f"Touchpoint Audit {__version__}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        _put(sheet, row, 1, label).font = Font(bold=True)
        _put(sheet, row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 110
    _print_setup(sheet, "Method")


def _meta(book: Workbook, meta: AuditMeta) -> None:
    sheet = book.create_sheet(META_SHEET)
    sheet.sheet_state = "hidden"
    values = {
        "format": "touchpoint-audit/1",
        "name": meta.name,
        "client": meta.client,
        "stage_order": json.dumps(meta.stage_order, ensure_ascii=False),
        "weights": json.dumps(meta.weights),
        "computed": json.dumps(list(COMPUTED)),
    }
    for row, (key, value) in enumerate(values.items(), start=1):
        _put(sheet, row, 1, key)
        _put(sheet, row, 2, value)


# --- reading it back ----------------------------------------------------------------------------


def is_audit_workbook(source: Source) -> bool:
    return source.kind == "xlsx" and META_SHEET in source.sheet_names


def read_audit_workbook(source: Source) -> tuple[AuditMeta, Inventory, ScoreSet]:
    """The audit a workbook of ours holds: its settings, touchpoints (with extras) and scores."""
    values = {str(r[0]): r[1] for r in source.grid(META_SHEET).rows if r and r[0]}
    meta = AuditMeta(
        name=str(values.get("name") or "Imported audit"),
        client=str(values["client"]) if values.get("client") else None,
        stage_order=json.loads(str(values.get("stage_order") or "[]")),
        weights={k: float(v) for k, v in json.loads(str(values.get("weights") or "{}")).items()},
    )
    computed = set(json.loads(str(values.get("computed") or "[]")))
    inventory = parse_inventory(source, sheet="Touchpoints", ignore=computed)
    scores = parse_scores(source, inventory.touchpoints, sheet="Scores")
    return meta, inventory, scores


# --- the blank template -------------------------------------------------------------------------

TEMPLATE_HEADERS = {
    "en": [
        "Id",
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
        "Notes",
    ],
    "ru": [
        "№",
        "Название",
        "Этап",
        "Канал",
        "Тип",
        "Контроль",
        "Ответственный",
        "Важность",
        "Охват",
        "Конверсии",
        "Оценка клиентов",
        "Комментарий",
    ],
    "pt": [
        "Código",
        "Ponto de contato",
        "Etapa",
        "Canal",
        "Tipo",
        "Controle",
        "Responsável",
        "Importância",
        "Alcance",
        "Conversões",
        "Avaliação dos clientes",
        "Observações",
    ],
    "fa": [
        "شناسه",
        "نام",
        "مرحله",
        "کانال",
        "نوع",
        "کنترل",
        "مسئول",
        "اهمیت",
        "دسترسی",
        "تبدیل",
        "امتیاز مشتری",
        "توضیحات",
    ],
}
TEMPLATE_CHOICES = {
    "en": (list(DEFAULT_STAGES), list(TYPES), ["controlled", "partly", "uncontrolled"]),
    "ru": (
        ["Осведомленность", "Рассмотрение", "Покупка", "Обслуживание", "Лояльность"],
        ["Физическая", "Цифровая", "Человеческая"],
        ["Да", "Частично", "Нет"],
    ),
    "pt": (
        ["Conscientização", "Consideração", "Compra", "Pós-venda", "Fidelização"],
        ["Físico", "Digital", "Humano"],
        ["Sim", "Parcialmente", "Não"],
    ),
    "fa": (["آگاهی", "بررسی", "خرید", "خدمات", "وفاداری"], ["فیزیکی", "دیجیتال", "انسانی"], ["بله", "جزئی", "خیر"]),
}
TEMPLATE_HELP = {
    "en": [
        "One row per touchpoint: any place where a customer meets the brand.",
        "Touchpoint (the name) is required; everything else is optional.",
        "Stage, Type and Control have drop-down lists. Importance and Customer rating are 1-5.",
        "Reach and Conversions are counts per period (a month, say).",
        "Add columns of your own at the right: they travel with each touchpoint.",
    ],
    "ru": [
        "Одна строка на точку контакта: любое место встречи клиента с брендом.",
        "Обязательно только Название; остальное по желанию.",
        "Для Этапа, Типа и Контроля есть выпадающие списки. Важность и Оценка клиентов: от 1 до 5.",
        "Охват и Конверсии: количество за период (например, за месяц).",
        "Свои столбцы добавляйте справа: они сохранятся у каждой точки.",
    ],
    "pt": [
        "Uma linha por ponto de contato: qualquer lugar onde o cliente encontra a marca.",
        "Só o Ponto de contato (o nome) é obrigatório.",
        "Etapa, Tipo e Controle têm listas. Importância e Avaliação dos clientes vão de 1 a 5.",
        "Alcance e Conversões são contagens por período (um mês, por exemplo).",
        "Acrescente colunas próprias à direita: elas acompanham cada ponto de contato.",
    ],
    "fa": [
        "هر ردیف یک نقطه تماس: هر جایی که مشتری با برند روبه‌رو می‌شود.",
        "فقط نام الزامی است؛ بقیه اختیاری است.",
        "مرحله، نوع و کنترل فهرست کشویی دارند. اهمیت و امتیاز مشتری از ۱ تا ۵.",
        "دسترسی و تبدیل، تعداد در یک دوره (مثلاً یک ماه) است.",
        "ستون‌های خود را در سمت راست اضافه کنید: همراه هر نقطه تماس می‌مانند.",
    ],
}
TEMPLATE_SHEETS = {
    "en": ("Inventory", "Instructions"),
    "ru": ("Инвентаризация", "Инструкция"),
    "pt": ("Inventário", "Instruções"),
    "fa": ("فهرست", "راهنما"),
}


def template_workbook(lang: str = "en", rows: int = 200) -> bytes:
    """A blank inventory in one of the four languages, with drop-down lists and instructions."""
    if lang not in TEMPLATE_HEADERS:
        raise ValueError(f"language '{lang}': choose one of {', '.join(TEMPLATE_HEADERS)}")
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    inventory_title, help_title = TEMPLATE_SHEETS[lang]
    sheet = book.create_sheet(inventory_title)
    headers = TEMPLATE_HEADERS[lang]
    _table(sheet, 1, headers, [], widths={headers[1]: 34, headers[-1]: 40})
    stages, types, controls = TEMPLATE_CHOICES[lang]
    for column, choices in ((3, stages), (5, types), (6, controls)):
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        sheet.add_data_validation(validation)
        letter = get_column_letter(column)
        validation.add(f"{letter}2:{letter}{rows + 1}")
    for column in (8, 11):
        validation = DataValidation(type="decimal", operator="between", formula1="1", formula2="5", allow_blank=True)
        sheet.add_data_validation(validation)
        letter = get_column_letter(column)
        validation.add(f"{letter}2:{letter}{rows + 1}")
    if lang == "fa":
        sheet.sheet_view.rightToLeft = True
    instructions = book.create_sheet(help_title)
    for row, text in enumerate(TEMPLATE_HELP[lang], start=1):
        _put(instructions, row, 1, text)
    instructions.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
