"""The scored Excel audit a manager can forward as it is, the blank template, and safe CSVs.

`audit_workbook` writes, from one `AuditResult`: Summary, Touchpoints, Action plan,
Coverage, Consistency, Scores and Method sheets, styled, filtered, frozen, with colour
scales, native charts, print setup and 1-5 validation on the raw scores. A hidden sheet
`touchpoint_audit` carries what a re-import needs (client, stage order, weights, workshop
state, which columns are computed), so the import action (audit.importing) restores the
same audit.

No text from an inventory or a note ever becomes a formula: in the workbook it is stored
as text, and in CSVs it gets OWASP's leading apostrophe.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from audit import __version__
from audit.cells import is_blank
from audit.compare import Comparison
from audit.importing import META_SHEET, meta_values
from audit.meta import AuditMeta
from audit.metrics import (
    GAP,
    IMPORTANT,
    INCONSISTENT_SPREAD,
    LARGEST_SD,
    PERCEPTION_GAP,
    STRONG,
    UNKNOWN,
    WEAK_COMPOSITE,
    WEAK_CRITERION,
    AuditResult,
)
from audit.rules import HIGHEST_SCORE, LOWEST_SCORE
from audit.scoring import DISCUSS_SPAN, RELIABLE, TENTATIVE, Agreement, wide_scores
from audit.vocabulary import CRITERIA, LANGUAGES
from audit.workshop import RUBRIC, SCALE_WORDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color="1F3864")
SECTION_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
WEAK_FILL = PatternFill("solid", fgColor="F8D7DA")
GAP_FILL = PatternFill("solid", fgColor="F8D7DA")
UNKNOWN_FILL = PatternFill("solid", fgColor="FFF3CD")
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


class _SheetWriter:
    """One write-only sheet, written top to bottom.

    Write-only sheets stream their rows, so the export costs little more than a plain dump
    (bench/bench_export.py). Column widths and frozen panes must be set before the first row,
    a row's height before that row; styles are registered once per workbook and copied into
    each cell, since openpyxl's own per-cell style lookup is slow.
    """

    def __init__(
        self,
        book: Workbook,
        title: str,
        widths: Sequence[float],
        *,
        freeze: str | None = None,
        header: str | None = None,
        title_row: bool = False,
    ) -> None:
        self.sheet: Any = book.create_sheet(title)
        _print_setup(self.sheet, header or title, title_row=title_row)  # sheet properties go out with row 1
        self.widths = list(widths)
        for index, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self.sheet.freeze_panes = freeze
        self.row = 0
        self.styles: dict[tuple[object, ...], StyleArray] = {}  # keyed by the style constants' ids

    def cell(
        self,
        value: object,
        *,
        number_format: str | None = None,
        alignment: Alignment | None = None,
        font: Font | None = None,
        fill: PatternFill | None = None,
    ) -> Any:
        """A cell whose text is always text, never a formula; plain values need no cell object."""
        value = _plain(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        if number_format is None and alignment is None and font is None and fill is None and not formula_like:
            return value
        cell: Any = WriteOnlyCell(self.sheet, value)  # type: ignore[arg-type]
        key = (number_format, id(alignment), id(font), id(fill))  # styles are module constants: ids are stable
        cached = self.styles.get(key)
        if cached is None:
            for name, style in (
                ("number_format", number_format),
                ("alignment", alignment),
                ("font", font),
                ("fill", fill),
            ):
                if style is not None:
                    setattr(cell, name, style)
            self.styles[key] = StyleArray(cell._style) if cell._style is not None else StyleArray()
        else:
            cell._style = StyleArray(cached)
        if formula_like:
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def append(self, cells: Sequence[object], *, height: float | None = None) -> int:
        """Write the next row (values or cells); returns its row number."""
        self.row += 1
        if height:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(list(cells))
        return self.row

    def skip(self, rows: int = 1) -> None:
        for _ in range(rows):
            self.append([])

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        formats: Mapping[str, str] | None = None,
        wrap: Sequence[str] = (),
        filter_it: bool = False,
    ) -> tuple[int, int]:
        """A header row and the body; returns (header row, last row)."""
        header_height = _height([str(h) for h in headers], self.widths)
        top = self.append(
            [self.cell(h, font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAPPED) for h in headers], height=header_height
        )
        number_formats = [(formats or {}).get(h) for h in headers]
        # Beside wrapped text, cells read best top-aligned; in big tables that styling would double the cost.
        beside = TOP if wrap and len(rows) <= 500 else None
        aligned = [WRAPPED if h in wrap else beside for h in headers]
        wrapped = [i for i, h in enumerate(headers) if h in wrap]
        for row in rows:
            height = _height([row[i] for i in wrapped], [self.widths[i] for i in wrapped]) if wrapped else None
            self.append(
                [self.cell(v, number_format=number_formats[i], alignment=aligned[i]) for i, v in enumerate(row)],
                height=height,
            )
        if filter_it:
            self.sheet.auto_filter.ref = f"A{top}:{get_column_letter(max(len(headers), 1))}{max(self.row, top + 1)}"
        return top, self.row


def _plain(value: object) -> object:
    """A value openpyxl can write: None for missing, Python scalars for numpy ones."""
    if value is None or isinstance(value, str | int | float | bool | datetime):
        return None if isinstance(value, float) and value != value else value
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    return value.item() if hasattr(value, "item") else str(value)


def _height(values: Sequence[object], widths: Sequence[float]) -> float | None:
    """Row height for wrapped text: spreadsheet apps do not all measure it on opening."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and width:
            lines = max(lines, sum(max(1, math.ceil(len(p) / max(width - 1, 1))) for p in value.split("\n")))
    return 15.0 * lines if lines > 1 else None


def _widths(headers: Sequence[str], rows: Sequence[Sequence[object]], fixed: Mapping[str, float]) -> list[float]:
    """Column widths from the headers and the first rows, unless fixed."""
    widths = []
    for index, header in enumerate(headers):
        longest = max([min(len(str(header)), 14), 8] + [len(str(r[index] or "")) for r in rows[:200]])
        widths.append(fixed.get(header) or min(longest + 2, 40))
    return widths


def audit_workbook(
    result: AuditResult,
    touchpoints: pd.DataFrame,
    scores: pd.DataFrame,
    meta: AuditMeta,
    *,
    progress: Callable[[float, str], None] | None = None,
    comparison: Comparison | None = None,
) -> bytes:
    """The finished workbook, as bytes. `touchpoints` carries the `extra` column of each touchpoint;
    a `comparison` with the audit's baseline (or a competitor's audit) adds a Comparison sheet."""
    steps: list[tuple[str, Callable[[Workbook], None]]] = [
        ("Summary", lambda b: _summary(b, result, meta)),
        ("Touchpoints", lambda b: _touchpoints(b, result, touchpoints)),
        ("Action plan", lambda b: _action_plan(b, result)),
        ("Coverage", lambda b: _coverage(b, result)),
        ("Consistency", lambda b: _consistency(b, result)),
        *([("Comparison", lambda b: _comparison(b, comparison))] if comparison is not None else []),
        ("Scores", lambda b: _scores(b, scores, touchpoints)),
        ("Method", lambda b: _method(b, meta)),
        ("", lambda b: _meta(b, meta)),
    ]
    book = Workbook(write_only=True)
    for index, (title, step) in enumerate(steps):
        if progress:
            progress(index / len(steps), f"Writing {title or 'the import data'}...")
        step(book)
    buffer = io.BytesIO()
    book.save(buffer)
    if progress:
        progress(1.0, "Done")
    return buffer.getvalue()


def _print_setup(sheet: Any, title: str, *, title_row: bool = True) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = False
    sheet.HeaderFooter.oddHeader.center.text = title
    sheet.HeaderFooter.oddFooter.right.text = "Page &P of &N"
    if title_row:
        sheet.print_title_rows = "1:1"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


# The stage tables of the Summary and Consistency sheets: header -> column of AuditResult.stages.
SUMMARY_STAGE_COLUMNS = {
    "Stage": "name",
    "Touchpoints": "touchpoints",
    "Scored": "scored",
    "Composite": "mean_composite",
    "Relevance": "relevance_mean",
    "Meaningfulness": "meaningfulness_mean",
    "Attractiveness": "attractiveness_mean",
    "Consistency": "consistency_index",
    "Channel spread": "channel_spread",
    "Inconsistent": "inconsistent",
}
CONSISTENCY_STAGE_COLUMNS = {
    "Stage": "name",
    "Touchpoints": "touchpoints",
    "Scored": "scored",
    "Mean composite": "mean_composite",
    "sd": "sd",
    "Consistency index": "consistency_index",
    "Channel spread": "channel_spread",
    "Best channel": "highest_channel",
    "Worst channel": "lowest_channel",
    "Inconsistent": "inconsistent",
}


def _stage_rows(result: AuditResult, columns: Mapping[str, str]) -> tuple[list[str], list[tuple[object, ...]]]:
    """Headers and one row per stage, with the inconsistent flag as 'yes'."""
    rows = [
        tuple(("yes" if s[f] else "") if f == "inconsistent" else s[f] for f in columns.values())
        for s in result.stages.to_dict("records")
    ]
    return list(columns), rows


SUMMARY_WIDTHS = [30, 46, 14, 14, 14, 14, 14, 14, 14, 12]


def _alpha_text(agreement: Agreement) -> str:
    return f"{agreement.alpha:.3f} ({agreement.band})" if agreement.alpha is not None else "not computed"


def _round1_facts(result: AuditResult) -> list[tuple[str, str]]:
    """The agreement before the discussion, when a second round changed scores."""
    before = result.round1_agreement
    if before is None:
        return []
    return [
        ("Agreement in round 1 (before discussion)", _alpha_text(before)),
        ("", "Round 2 re-scored the touchpoints the room discussed; the agreement above is after the discussion."),
    ]


def _summary(book: Workbook, result: AuditResult, meta: AuditMeta) -> None:
    out = _SheetWriter(book, "Summary", SUMMARY_WIDTHS, header=meta.name)
    out.append([out.cell(f"Touchpoint audit: {meta.name}", font=TITLE_FONT)])
    out.skip()
    agreement = result.agreement
    alpha = _alpha_text(agreement)
    facts = [
        ("Client", meta.client or "-"),
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d")),
        ("Assessors", ", ".join(result.assessors) or "none"),
        ("Touchpoints", len(result.touchpoints)),
        ("Scored on all three criteria", _percent(result.coverage.scoring_share)),
        ("Mean composite (1-5)", round(result.mean_composite, 2) if result.mean_composite else "-"),
        ("Consistency index", _percent(result.overall_consistency)),
        ("Coverage of stage x type", _percent(result.coverage.share)),
        ("Agreement (Krippendorff's alpha)", alpha),
        ("", agreement.message),
        *_round1_facts(result),
        ("Weak spots", len(result.weak_spots) if result.has_scores else "- (no scores yet)"),
    ]
    left = Alignment(wrap_text=True, vertical="top", horizontal="left")
    for label, value in facts:
        out.append([out.cell(label, font=BOLD), out.cell(value, alignment=left)], height=_height([value], [46]))
    out.skip()
    out.append([out.cell("Stages", font=SECTION_FONT)])
    headers, stage_rows = _stage_rows(result, SUMMARY_STAGE_COLUMNS)
    two = {h: "0.00" for h in ("Composite", "Relevance", "Meaningfulness", "Attractiveness", "Channel spread")}
    stage_top, _ = out.table(headers, stage_rows, formats=two | {"Consistency": "0%"})
    out.skip()
    out.append([out.cell("Top weak spots", font=SECTION_FONT)])
    weak = result.touchpoints.set_index("id").loc[result.weak_spots[:10]].reset_index()
    weak_rows = [
        (r["name"], r["reasons"], r["stage"], r["owner"], r["priority"], r["id"]) for r in weak.to_dict("records")
    ]
    out.table(
        ["Weak spot", "Why", "Stage", "Owner", "Priority", "Id"],
        weak_rows,
        formats={"Priority": "0.00"},
        wrap=["Weak spot", "Why"],
    )
    out.skip()
    out.append([out.cell("Findings", font=SECTION_FONT)])
    for finding in (f for f in result.findings if f.code != "weak_spot"):
        out.append([f"• {finding.message}"])
    out.skip()
    _journey_chart(out.sheet, stage_top, len(stage_rows), f"A{out.row + 1}")


def _journey_chart(sheet: Any, top: int, count: int, anchor: str) -> None:
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
    table = result.touchpoints
    extra_column = touchpoints["extra"] if "extra" in touchpoints else pd.Series([{}] * len(touchpoints))
    extras = list(dict.fromkeys(k for e in extra_column if isinstance(e, dict) for k in e))
    extra_by_id = dict(zip(touchpoints["id"], extra_column, strict=True))
    notes_column = touchpoints["notes"] if "notes" in touchpoints else pd.Series([None] * len(touchpoints))
    notes = dict(zip(touchpoints["id"], notes_column, strict=True))
    headers = list(INVENTORY_HEADERS.values()) + extras + list(COMPUTED)
    rows = []
    for record in table.to_dict("records"):
        extra = extra_by_id.get(record["id"]) or {}
        inventory = [notes.get(record["id"]) if f == "notes" else record[f] for f in INVENTORY_HEADERS]
        computed = [_computed_value(record, column) for column in COMPUTED.values()]
        rows.append(inventory + [extra.get(k) for k in extras] + computed)
    fixed = {h: 9.0 for h in COMPUTED if h not in ("Why weak", "Quadrant")}
    fixed |= {"Touchpoint": 28, "Why weak": 45, "Notes": 30, "Quadrant": 14}
    out = _SheetWriter(book, "Touchpoints", _widths(headers, rows, fixed), freeze="C2", title_row=True)
    for index, header in enumerate(headers, start=1):
        if header.endswith((" n", " sd")):  # folded: the outline's + shows them
            dimension = out.sheet.column_dimensions[get_column_letter(index)]
            dimension.outlineLevel, dimension.hidden = 1, True
    two = {
        h: "0.00" for h in COMPUTED if h.endswith(("mean", "sd")) or h in ("Composite", "Priority", "Perception gap")
    }
    formats = two | {"Conversion rate": "0.0%", "Reach": "#,##0", "Conversions": "#,##0"}
    _, last = out.table(headers, rows, formats=formats, wrap=["Touchpoint", "Notes", "Why weak"], filter_it=True)
    last = max(last, 2)  # an empty audit still gets valid ranges
    for header in ("Relevance mean", "Meaningfulness mean", "Attractiveness mean", "Composite"):
        letter = get_column_letter(headers.index(header) + 1)
        out.sheet.conditional_formatting.add(f"{letter}2:{letter}{last}", SCORE_SCALE)
    out.sheet.conditional_formatting.add(
        f"B2:B{last}",
        FormulaRule(
            # type: ignore[no-untyped-call]
            formula=[f'${_weak_letter(headers)}2="yes"'],
            fill=WEAK_FILL,
        ),
    )


def _weak_letter(headers: list[str]) -> str:
    return get_column_letter(headers.index("Weak") + 1)


def _computed_value(record: Mapping[Hashable, Any], column: str) -> object:
    value = record[column]
    if column in ("weak", "discuss"):
        return "yes" if value else ""
    if column == "reasons":
        return value or None
    return value


def _action_plan(book: Workbook, result: AuditResult) -> None:
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
    fixed = {"Why": 50, "Action": 40, "Weak spot": 28, "Owner": 18, "Due": 12, "Status": 14}
    out = _SheetWriter(book, "Action plan", _widths(headers, rows, fixed), freeze="C2", title_row=True)
    out.table(headers, rows, formats={"Priority": "0.00"}, wrap=["Weak spot", "Why"], filter_it=True)
    end = max(len(rows) + 1, 2) + 50  # room for actions added later
    status = DataValidation(type="list", formula1='"Not started,In progress,Done,Dropped"', allow_blank=True)
    status.add(f"L2:L{end}")
    due = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    due.add(f"K2:K{end}")
    out.sheet.data_validations.append(status)
    out.sheet.data_validations.append(due)
    if rows:
        chart = BarChart()
        chart.type, chart.title = "bar", "Weak spots by priority"
        count = min(len(rows), 15)
        chart.add_data(Reference(out.sheet, min_col=6, min_row=1, max_row=count + 1), titles_from_data=True)
        chart.set_categories(Reference(out.sheet, min_col=3, min_row=2, max_row=count + 1))
        chart.y_axis.title, chart.height, chart.width = "Priority", 9, 18
        chart.x_axis.scaling.orientation = "maxMin"
        out.sheet.add_chart(chart, f"A{len(rows) + 4}")


def _coverage(book: Workbook, result: AuditResult) -> None:
    coverage = result.coverage
    channels = coverage.channel_matrix
    out = _SheetWriter(book, "Coverage", [40] + [14] * max(len(channels.columns), 4))
    types = coverage.type_matrix.assign(unknown=coverage.untyped_by_stage.reindex(coverage.type_matrix.index).fillna(0))
    states = coverage.cell_states.reindex(index=types.index, columns=types.columns).astype(object).fillna("")
    out.append([out.cell("Stage x type", font=SECTION_FONT)])
    out.append([out.cell(h, font=HEADER_FONT, fill=HEADER_FILL) for h in ["Stage", *map(str, types.columns)]])
    for stage, values, marks in zip(types.index, types.to_numpy().tolist(), states.to_numpy().tolist(), strict=True):
        cells = [_coverage_cell(out, int(v), mark) for v, mark in zip(values, marks, strict=True)]
        out.append([stage, *cells])
    out.append(["A gap (red) is a stage with none of a type; '?' (yellow) is unknown: the stage has touchpoints "
                "with no type, so it may have one."])  # fmt: skip
    out.skip()
    out.append([out.cell("Stage x channel", font=SECTION_FONT)])
    out.append([out.cell(h, font=HEADER_FONT, fill=HEADER_FILL) for h in ["Stage", *map(str, channels.columns)]])
    for stage, values in zip(channels.index, channels.to_numpy().tolist(), strict=True):
        out.append([stage, *values])
    out.skip()
    out.append([out.cell("Gaps", font=SECTION_FONT)])
    for gap in [*coverage.gaps, *coverage.type_unknown]:
        out.append([gap.message])
    out.skip()
    out.append([out.cell("Assessor completion", font=SECTION_FONT)])
    out.table(["Assessor", "Completion"], list(coverage.assessor_completion.items()), formats={"Completion": "0%"})


def _coverage_cell(out: _SheetWriter, count: int, state: str) -> object:
    """A stage x type count: red where it is a gap, '?' on yellow where it is unknown."""
    if state == GAP:
        return out.cell(count, fill=GAP_FILL)
    if state == UNKNOWN:
        return out.cell("?", fill=UNKNOWN_FILL)
    return count


def _consistency(book: Workbook, result: AuditResult) -> None:
    headers, rows = _stage_rows(result, CONSISTENCY_STAGE_COLUMNS)
    out = _SheetWriter(book, "Consistency", _widths(headers, rows, {}), freeze="A2", title_row=True)
    formats = {"Mean composite": "0.00", "sd": "0.00", "Consistency index": "0%", "Channel spread": "0.00"}
    out.table(headers, rows, formats=formats, filter_it=True)
    out.skip()
    out.append([out.cell(f"Overall consistency index: {_percent(result.overall_consistency)}", font=BOLD)])


def _comparison(book: Workbook, comparison: Comparison) -> None:
    """Sentences, stages and touchpoints on both sides, weak spots, gaps and what did not match."""
    stages, touchpoints = comparison.stage_table(), comparison.touchpoint_table()
    rows = touchpoints.astype(object).where(touchpoints.notna(), None).to_numpy().tolist()
    out = _SheetWriter(book, "Comparison", _widths(list(touchpoints.columns), rows, {"Name": 32, "Movement": 22}))
    what = "its baseline" if comparison.kind == "baseline" else "the competitor's audit"
    out.append([out.cell(f"{comparison.after_label} compared with {what} {comparison.before_label}", font=TITLE_FONT)])
    for sentence in comparison.sentences():
        out.append([f"• {sentence}"])
    before, after = comparison.sides
    out.append([f"{before}: {comparison.before_label}. {after}: {comparison.after_label}. A change is beyond the "
                "noise when it is larger than the room's disagreement on it (docs/method.md)."])  # fmt: skip
    numbers = {h: "+0.00;-0.00;0.00" if h.endswith(("change", "difference")) else "0.00" for h in touchpoints.columns}
    for title, table in (("Stages", stages), ("Matched touchpoints", touchpoints)):
        out.skip()
        out.append([out.cell(title, font=SECTION_FONT)])
        body = table.astype(object).where(table.notna(), None).to_numpy().tolist()
        out.table(list(table.columns), body, formats={h: f for h, f in numbers.items() if h in table.columns})
    out.skip()
    out.append([out.cell("Weak spots", font=SECTION_FONT)])
    for title, ids in comparison.weak_lists().items():
        out.append([out.cell(f"{title} ({len(ids)})", font=BOLD), ", ".join(comparison.named(ids))])
    out.skip()
    out.append([out.cell("Coverage gaps", font=SECTION_FONT)])
    for title, gaps in comparison.gap_lists().items():
        out.append([out.cell(f"{title} ({len(gaps)})", font=BOLD), " ".join(g.message for g in gaps) or "none"])
    out.skip()
    out.append([out.cell("Not matched", font=SECTION_FONT)])
    for label, table in ((comparison.before_label, comparison.unmatched_before),
                         (comparison.after_label, comparison.unmatched_after)):  # fmt: skip
        listed = ", ".join(f"{r['name']} ({r['id']})" for r in table.to_dict("records")) or "none"
        out.append([out.cell(f"Only in {label} ({len(table)})", font=BOLD), listed])


def _scores(book: Workbook, scores: pd.DataFrame, touchpoints: pd.DataFrame) -> None:
    names = dict(zip(touchpoints["id"], touchpoints["name"], strict=True))
    order = {key: i for i, key in enumerate(touchpoints["id"])}
    wide = wide_scores(scores).reset_index()
    wide["name"] = wide["touchpoint_id"].map(names)
    wide["order"] = wide["touchpoint_id"].map(order).fillna(len(order))
    wide = wide.sort_values(["order", "assessor"], kind="stable")
    columns = ["touchpoint_id", "name", "assessor", *CRITERIA, "note"]
    rows = [
        tuple(_int(v) if c in CRITERIA else v for c, v in zip(columns, r, strict=True))
        for r in wide[columns].itertuples(index=False)
    ]
    headers = ["Touchpoint id", "Touchpoint", "Assessor", "Relevance", "Meaningfulness", "Attractiveness", "Note"]
    out = _SheetWriter(
        book, "Scores", _widths(headers, rows, {"Touchpoint": 34, "Note": 40}), freeze="C2", title_row=True
    )
    out.table(headers, rows, filter_it=True)
    last = max(len(rows) + 1, 2) + 200  # room for scores added offline
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1=str(LOWEST_SCORE),
        formula2=str(HIGHEST_SCORE),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"Scores are {LOWEST_SCORE}-{HIGHEST_SCORE}",
        error=f"Type a whole number from {LOWEST_SCORE} ({SCALE_WORDS[LOWEST_SCORE]}) to {HIGHEST_SCORE} "
        f"({SCALE_WORDS[HIGHEST_SCORE]}), or leave it empty.",
    )
    validation.add(f"D2:F{last}")
    out.sheet.data_validations.append(validation)
    out.sheet.conditional_formatting.add(f"D2:F{last}", SCORE_SCALE)


def _int(value: object) -> int | None:
    return None if is_blank(value) else int(value)  # type: ignore[call-overload]


def _method(book: Workbook, meta: AuditMeta) -> None:
    weights = ", ".join(f"{c} {w:g}" for c, w in meta.weights.items())
    scale = ", ".join(f"{n} {w}" for n, w in SCALE_WORDS.items())
    lines: list[tuple[str, str]] = [
        ("Scale", f"Each assessor scores each touchpoint 1-5: {scale}. Empty is not scored, never zero."),
        *[(c.capitalize(), text) for c, text in RUBRIC.items()],
        ("Weights", weights),
        ("Composite", "Weighted mean of the criterion means, over the criteria that have a score."),
        ("Weak", f"Composite below {WEAK_COMPOSITE:g}, or any criterion mean of {WEAK_CRITERION:g} or lower."),
        ("Priority", f"Importance x ({HIGHEST_SCORE} - composite); weak spots are listed highest first."),
        ("Quadrants", f"Important: importance {IMPORTANT:g} or more. Strong: composite {STRONG:g} or more."),
        ("Discuss", f"The assessors' scores for a criterion span {DISCUSS_SPAN} points or more."),
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
    out = _SheetWriter(book, "Method", [18, 110])
    for label, text in lines:
        out.append([out.cell(label, font=BOLD), out.cell(text, alignment=WRAPPED)], height=_height([text], [110]))


def _meta(book: Workbook, meta: AuditMeta) -> None:
    out = _SheetWriter(book, META_SHEET, [14, 60])
    out.sheet.sheet_state = "hidden"
    for key, value in meta_values(meta, list(COMPUTED)).items():
        out.append([out.cell(key), out.cell(value)])


# --- the blank template -------------------------------------------------------------------------

# The template's words live in the language files (audit/languages/*.toml, [template]).
_TEMPLATES = {code: language.template for code, language in LANGUAGES.items() if language.template is not None}
TEMPLATE_HEADERS = {code: list(t.headers) for code, t in _TEMPLATES.items()}
TEMPLATE_CHOICES = {code: (list(t.stages), list(t.types), list(t.controls)) for code, t in _TEMPLATES.items()}
TEMPLATE_HELP = {code: list(t.instructions) for code, t in _TEMPLATES.items()}
TEMPLATE_SHEETS = {code: (t.inventory_sheet, t.instructions_sheet) for code, t in _TEMPLATES.items()}


def template_workbook(lang: str = "en", rows: int = 200) -> bytes:
    """A blank inventory in one of the four languages, with drop-down lists and instructions."""
    if lang not in TEMPLATE_HEADERS:
        raise ValueError(f"language '{lang}': choose one of {', '.join(TEMPLATE_HEADERS)}")
    book = Workbook(write_only=True)
    inventory_title, help_title = TEMPLATE_SHEETS[lang]
    headers = TEMPLATE_HEADERS[lang]
    out = _SheetWriter(book, inventory_title, _widths(headers, [], {headers[1]: 34, headers[-1]: 40}), freeze="A2")
    if LANGUAGES[lang].right_to_left:
        out.sheet.sheet_view.rightToLeft = True
    out.table(headers, [])
    stages, types, controls = TEMPLATE_CHOICES[lang]
    lists = [
        (3, DataValidation(type="list", formula1='"' + ",".join(c) + '"', allow_blank=True)) for c in (stages,)
    ] + [
        (5, DataValidation(type="list", formula1='"' + ",".join(types) + '"', allow_blank=True)),
        (6, DataValidation(type="list", formula1='"' + ",".join(controls) + '"', allow_blank=True)),
    ]
    ranges = [
        (c, DataValidation(type="decimal", operator="between", formula1="1", formula2="5", allow_blank=True))
        for c in (8, 11)
    ]
    for column, validation in lists + ranges:
        letter = get_column_letter(column)
        validation.add(f"{letter}2:{letter}{rows + 1}")
        out.sheet.data_validations.append(validation)
    instructions = _SheetWriter(book, help_title, [100])
    for text in TEMPLATE_HELP[lang]:
        instructions.append([text])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
