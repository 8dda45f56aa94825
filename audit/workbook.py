"""The scored Excel audit a manager can forward as it is, the blank template, and safe CSVs.

`audit_workbook` writes, from one `AuditResult`: Summary, Touchpoints, Action plan,
Coverage, Consistency, Scores and Method sheets, styled, filtered, frozen, with colour
scales, native charts, print setup and 1-5 validation on the raw scores. A hidden sheet
`touchpoint_audit` carries what a re-import needs (client, stage order, weights, workshop
state, which columns are computed, the sheets' names), so the import action
(audit.importing) restores the same audit.

Every word is in the workbook's language (`language=`, else the current one; audit.i18n):
the sheets' names, headers, sentences and labels; a right-to-left language (Persian) sets
every sheet right to left. The columns a re-import reads (the inventory's and the scores')
keep words the importer understands in that language (audit/languages/*.toml), so a Russian
or Persian workbook comes back as the same audit.

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

from audit import __version__, i18n
from audit.cells import is_blank
from audit.compare import Comparison
from audit.i18n import FIELD_LABELS, N_, _
from audit.importing import META_SHEET, SCORES_SHEET, SHEET_NAME_LIMIT, TOUCHPOINTS_SHEET, meta_values
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
from audit.scoring import BAND_LABELS, DISCUSS_SPAN, RELIABLE, TENTATIVE, Agreement, score_field_for_header, wide_scores
from audit.vocabulary import (
    CONTROLS,
    CRITERIA,
    LANGUAGES,
    TEMPLATE_FIELDS,
    TYPES,
    Template,
    control_level,
    field_for_header,
    touchpoint_type,
)
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
# The sheets, by key, with their English names (translated where the workbook is written).
SHEETS = {
    "summary": N_("Summary"),
    "touchpoints": TOUCHPOINTS_SHEET,  # the two sheets read back, named where the importer finds them
    "action_plan": N_("Action plan"),
    "coverage": N_("Coverage"),
    "consistency": N_("Consistency"),
    "comparison": N_("Comparison"),
    "scores": SCORES_SHEET,
    "method": N_("Method"),
}
_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
# The inventory columns of the Touchpoints sheet, by field. In a language with a blank template
# (audit/languages/*.toml) the headers are the template's, which the importer reads back.
INVENTORY_HEADERS = {**FIELD_LABELS, "name": N_("Touchpoint")}  # the Touchpoints sheet says "Touchpoint"
# Computed columns of the Touchpoints sheet: the result column each shows, with its header.
COMPUTED = {
    "relevance_mean": N_("Relevance mean"),
    "relevance_n": N_("Relevance n"),
    "relevance_sd": N_("Relevance sd"),
    "meaningfulness_mean": N_("Meaningfulness mean"),
    "meaningfulness_n": N_("Meaningfulness n"),
    "meaningfulness_sd": N_("Meaningfulness sd"),
    "attractiveness_mean": N_("Attractiveness mean"),
    "attractiveness_n": N_("Attractiveness n"),
    "attractiveness_sd": N_("Attractiveness sd"),
    "composite": N_("Composite"),
    "weak": N_("Weak"),
    "reasons": N_("Why weak"),
    "priority": N_("Priority"),
    "quadrant": N_("Quadrant"),
    "discuss": N_("Discuss"),
    "perception_gap": N_("Perception gap"),
    "conversion_rate": N_("Conversion rate"),
}
# The Scores sheet's columns, with the field the importer must read each header as (None: not read).
SCORE_HEADERS: dict[str, tuple[str, str | None]] = {
    "touchpoint_id": (N_("Touchpoint id"), "touchpoint"),
    "name": (N_("Touchpoint"), None),
    "assessor": (N_("Assessor"), "assessor"),
    "relevance": (N_("Relevance"), "relevance"),
    "meaningfulness": (N_("Meaningfulness"), "meaningfulness"),
    "attractiveness": (N_("Attractiveness"), "attractiveness"),
    "note": (N_("Note"), "note"),
}
# The Action plan's Status choices (an Excel drop-down list).
STATUSES = (N_("Not started"), N_("In progress"), N_("Done"), N_("Dropped"))


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
        if i18n.right_to_left():  # Persian: the sheet reads from the right, column A on the right
            self.sheet.sheet_view.rightToLeft = True
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
        for _row in range(rows):
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
    language: str | None = None,
) -> bytes:
    """The finished workbook, as bytes. `touchpoints` carries the `extra` column of each touchpoint;
    a `comparison` with the audit's baseline (or a competitor's audit) adds a Comparison sheet.

    The workbook is written in `language` (a code of audit.i18n; None: the current language);
    `progress` is told in the current language, the one of whoever waits for the file.
    """
    caller = i18n.current()
    with i18n.use(language):
        titles = sheet_titles()
        steps: list[tuple[str, Callable[[Workbook], None]]] = [
            ("summary", lambda b: _summary(b, result, meta, titles)),
            ("touchpoints", lambda b: _touchpoints(b, result, touchpoints, titles)),
            ("action_plan", lambda b: _action_plan(b, result, titles)),
            ("coverage", lambda b: _coverage(b, result, titles)),
            ("consistency", lambda b: _consistency(b, result, titles)),
            *([("comparison", lambda b: _comparison(b, comparison, titles))] if comparison is not None else []),
            ("scores", lambda b: _scores(b, scores, touchpoints, titles)),
            ("method", lambda b: _method(b, meta, titles)),
            ("", lambda b: _meta(b, meta, titles)),
        ]
        book = Workbook(write_only=True)
        for index, (key, step) in enumerate(steps):
            if progress:
                with i18n.use(caller):
                    told = (
                        _("Writing {sheet}...").format(sheet=_(SHEETS[key])) if key else _("Writing the import data...")
                    )
                progress(index / len(steps), told)
            step(book)
        buffer = io.BytesIO()
        book.save(buffer)
    if progress:
        progress(1.0, _("Done"))
    return buffer.getvalue()


def sheet_titles() -> dict[str, str]:
    """The sheets' names in the current language, by key (SHEETS), as Excel allows them (`sheet_name`);
    a translation that two sheets would share falls back to the English name."""
    titles: dict[str, str] = {}
    for key, english in SHEETS.items():
        title = sheet_name(_(english)) or english
        if title.casefold() in {t.casefold() for t in titles.values()} | {META_SHEET}:
            title = english
        titles[key] = title
    return titles


def sheet_name(text: str) -> str:
    """`text` as an Excel sheet's name: the characters Excel forbids there ([ ] : * ? / and the backslash)
    as spaces, cut to 31 characters."""
    return " ".join(text.translate(_NOT_IN_SHEET_NAMES).split())[:SHEET_NAME_LIMIT].strip(" '")


def _print_setup(sheet: Any, title: str, *, title_row: bool = True) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = False
    sheet.HeaderFooter.oddHeader.center.text = title
    # TRANSLATORS: the printed page's footer; keep &P (this page's number) and &N (the number of pages).
    sheet.HeaderFooter.oddFooter.right.text = _("Page &P of &N")
    if title_row:
        sheet.print_title_rows = "1:1"


def _percent(value: float | None) -> str:
    return i18n.percent(value)


def _g(value: float) -> str:
    """A constant as `:g` writes it ("3", "1.5", "0.667"), in the current language."""
    digits = next((d for d in range(4) if round(value, d) == value), 3)
    return i18n.number(value, digits)


def _yes() -> str:
    # TRANSLATORS: the value of the Weak, Discuss and Inconsistent columns for a flagged row (empty otherwise).
    return _("yes")


def _choices(words: Sequence[str]) -> str:
    """An Excel drop-down list's formula: the words between quotes, each without a comma or a quote."""
    return '"' + ",".join(w.replace(",", " ").replace('"', "'") for w in words) + '"'


# --- words the importer reads back ----------------------------------------------------------------


def _template() -> Template | None:
    """The current language's blank template (its headers and choices read back), if it has one."""
    language = LANGUAGES.get(i18n.current())
    return language.template if language is not None else None


def _understood(english: str, key: str, reads: Callable[[str], str | None]) -> str:
    """A header or value the importer reads back as `key`: its translation when the importer knows that
    word (audit/languages/*.toml), else the English one, which it always knows."""
    translated = _(english)
    return translated if reads(translated) == key else english


def inventory_headers() -> dict[str, str]:
    """The Touchpoints sheet's inventory headers by field: the blank template's in its language."""
    template = _template()
    if template is not None:
        return dict(zip(TEMPLATE_FIELDS, template.headers, strict=True))
    return {f: _understood(h, f, field_for_header) for f, h in INVENTORY_HEADERS.items()}


def code_word(code: str) -> str:
    """A type's or control level's word as the language's template writes it ("physical", "Физическая",
    "Да"), which the importer reads back; the label (audit.i18n) in a language without a template."""
    template = _template()
    if template is not None and code in TYPES:
        return template.types[TYPES.index(code)]
    if template is not None and code in CONTROLS:
        return template.controls[CONTROLS.index(code)]
    if code in TYPES:
        return _understood(i18n.LABELS[code], code, touchpoint_type)
    if code in CONTROLS:
        return _understood(i18n.LABELS[code], code, control_level)
    if code == UNKNOWN:
        # TRANSLATORS: a column of the Coverage sheet: touchpoints whose type (physical, digital, human) is unknown.
        return _("unknown")
    return code


# --- Summary and Consistency ------------------------------------------------------------------------

# The stage tables of the Summary and Consistency sheets: column of AuditResult.stages -> header.
SUMMARY_STAGE_COLUMNS = {
    "name": N_("Stage"),
    "touchpoints": TOUCHPOINTS_SHEET,  # the two sheets read back, named where the importer finds them
    "scored": N_("Scored"),
    "mean_composite": N_("Composite"),
    "relevance_mean": N_("Relevance"),
    "meaningfulness_mean": N_("Meaningfulness"),
    "attractiveness_mean": N_("Attractiveness"),
    "consistency_index": N_("Consistency"),
    "channel_spread": N_("Channel spread"),
    "inconsistent": N_("Inconsistent"),
}
CONSISTENCY_STAGE_COLUMNS = {
    "name": N_("Stage"),
    "touchpoints": TOUCHPOINTS_SHEET,  # the two sheets read back, named where the importer finds them
    "scored": N_("Scored"),
    "mean_composite": N_("Mean composite"),
    # TRANSLATORS: a column header: the standard deviation of the composites within a stage.
    "sd": N_("sd"),
    "consistency_index": N_("Consistency index"),
    "channel_spread": N_("Channel spread"),
    "highest_channel": N_("Best channel"),
    "lowest_channel": N_("Worst channel"),
    "inconsistent": N_("Inconsistent"),
}


def _stage_rows(result: AuditResult, columns: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[object, ...]]]:
    """The translated headers by column, and one row per stage, with the inconsistent flag as 'yes'."""
    yes = _yes()
    rows = [
        tuple((yes if s[f] else "") if f == "inconsistent" else s[f] for f in columns)
        for s in result.stages.to_dict("records")
    ]
    return {column: _(header) for column, header in columns.items()}, rows


SUMMARY_WIDTHS = [30, 46, 14, 14, 14, 14, 14, 14, 14, 12]


def _alpha_text(agreement: Agreement) -> str:
    if agreement.alpha is None:
        return _("not computed")
    # TRANSLATORS: Krippendorff's alpha and its band (reliable, tentative or low), e.g. "0.812 (reliable)".
    return _("{alpha} ({band})").format(
        alpha=i18n.number(agreement.alpha, 3),
        band=_(BAND_LABELS.get(agreement.band, agreement.band)) if agreement.band else "",
    )


def _round1_facts(result: AuditResult) -> list[tuple[str, str]]:
    """The agreement before the discussion, when a second round changed scores."""
    before = result.round1_agreement
    if before is None:
        return []
    return [
        (_("Agreement in round 1 (before discussion)"), _alpha_text(before)),
        ("", _("Round 2 re-scored the touchpoints the room discussed; the agreement above is after the discussion.")),
    ]


def _summary(book: Workbook, result: AuditResult, meta: AuditMeta, titles: Mapping[str, str]) -> None:
    out = _SheetWriter(book, titles["summary"], SUMMARY_WIDTHS, header=meta.name)
    out.append([out.cell(_("Touchpoint audit: {name}").format(name=meta.name), font=TITLE_FONT)])
    out.skip()
    agreement = result.agreement
    alpha = _alpha_text(agreement)
    facts = [
        (_("Client"), meta.client or "-"),
        (_("Date"), i18n.date(datetime.now(UTC))),
        (_("Assessors"), i18n.join(result.assessors) or _("none")),
        (_("Touchpoints"), len(result.touchpoints)),
        (_("Scored on all three criteria"), _percent(result.coverage.scoring_share)),
        (
            _("Mean composite ({lowest}-{highest})").format(
                lowest=i18n.integer(LOWEST_SCORE), highest=i18n.integer(HIGHEST_SCORE)
            ),
            round(result.mean_composite, 2) if result.mean_composite else "-",
        ),
        (_("Consistency index"), _percent(result.overall_consistency)),
        (_("Coverage of stage x type"), _percent(result.coverage.share)),
        (_("Agreement (Krippendorff's alpha)"), alpha),
        ("", agreement.message),
        *_round1_facts(result),
        (_("Weak spots"), len(result.weak_spots) if result.has_scores else _("- (no scores yet)")),
    ]
    left = Alignment(wrap_text=True, vertical="top", horizontal="left")
    for label, value in facts:
        out.append([out.cell(label, font=BOLD), out.cell(value, alignment=left)], height=_height([value], [46]))
    out.skip()
    out.append([out.cell(_("Stages"), font=SECTION_FONT)])
    header, stage_rows = _stage_rows(result, SUMMARY_STAGE_COLUMNS)
    two = {
        header[c]: "0.00"
        for c in ("mean_composite", "relevance_mean", "meaningfulness_mean", "attractiveness_mean", "channel_spread")
    }
    stage_top, _last = out.table(list(header.values()), stage_rows, formats=two | {header["consistency_index"]: "0%"})
    out.skip()
    out.append([out.cell(_("Top weak spots"), font=SECTION_FONT)])
    weak = result.touchpoints.set_index("id").loc[result.weak_spots[:10]].reset_index()
    weak_rows = [
        (r["name"], r["reasons"], r["stage"], r["owner"], r["priority"], r["id"]) for r in weak.to_dict("records")
    ]
    spot, why, priority = _("Weak spot"), _("Why"), _("Priority")
    out.table(
        [spot, why, _("Stage"), _("Owner"), priority, _("Id")],
        weak_rows,
        formats={priority: "0.00"},
        wrap=[spot, why],
    )
    out.skip()
    out.append([out.cell(_("Findings"), font=SECTION_FONT)])
    for finding in (f for f in result.findings if f.code != "weak_spot"):
        out.append([f"• {finding.message}"])
    out.skip()
    _journey_chart(out.sheet, stage_top, len(stage_rows), f"A{out.row + 1}")


def _journey_chart(sheet: Any, top: int, count: int, anchor: str) -> None:
    if count == 0:
        return
    chart = LineChart()
    chart.title = _("The journey: mean scores per stage")
    chart.y_axis.title = i18n.localize_digits(f"{LOWEST_SCORE}-{HIGHEST_SCORE}")
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 1, 5
    data = Reference(sheet, min_col=4, max_col=7, min_row=top, max_row=top + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=top + count))
    chart.height, chart.width = 8, 16
    sheet.add_chart(chart, anchor)


# --- Touchpoints ------------------------------------------------------------------------------------


def computed_headers() -> dict[str, str]:
    """The Touchpoints sheet's computed columns' headers in the current language, by result column."""
    return {column: _(header) for column, header in COMPUTED.items()}


def _touchpoints(book: Workbook, result: AuditResult, touchpoints: pd.DataFrame, titles: Mapping[str, str]) -> None:
    table = result.touchpoints
    extra_column = touchpoints["extra"] if "extra" in touchpoints else pd.Series([{}] * len(touchpoints))
    extras = list(dict.fromkeys(k for e in extra_column if isinstance(e, dict) for k in e))
    extra_by_id = dict(zip(touchpoints["id"], extra_column, strict=True))
    notes_column = touchpoints["notes"] if "notes" in touchpoints else pd.Series([None] * len(touchpoints))
    notes = dict(zip(touchpoints["id"], notes_column, strict=True))
    inventory, computed = inventory_headers(), computed_headers()
    headers = list(inventory.values()) + extras + list(computed.values())
    words = {code: code_word(code) for code in (*TYPES, *CONTROLS)}
    yes = _yes()
    rows = []
    for record in table.to_dict("records"):
        extra = extra_by_id.get(record["id"]) or {}
        fields = [_inventory_value(record, f, notes, words) for f in inventory]
        results = [_computed_value(record, column, yes) for column in computed]
        rows.append(fields + [extra.get(k) for k in extras] + results)
    fixed = {h: 9.0 for c, h in computed.items() if c not in ("reasons", "quadrant")}
    fixed |= {inventory["name"]: 28, computed["reasons"]: 45, inventory["notes"]: 30, computed["quadrant"]: 14}
    out = _SheetWriter(book, titles["touchpoints"], _widths(headers, rows, fixed), freeze="C2", title_row=True)
    first_computed = len(inventory) + len(extras) + 1
    for index, column in enumerate(computed, start=first_computed):
        if column.endswith(("_n", "_sd")):  # folded: the outline's + shows them
            dimension = out.sheet.column_dimensions[get_column_letter(index)]
            dimension.outlineLevel, dimension.hidden = 1, True
    two = {
        h: "0.00"
        for c, h in computed.items()
        if c.endswith(("_mean", "_sd")) or c in ("composite", "priority", "perception_gap")
    }
    formats = two | {
        computed["conversion_rate"]: "0.0%",
        inventory["reach"]: "#,##0",
        inventory["conversions"]: "#,##0",
    }
    wrap = [inventory["name"], inventory["notes"], computed["reasons"]]
    _top, last = out.table(headers, rows, formats=formats, wrap=wrap, filter_it=True)
    last = max(last, 2)  # an empty audit still gets valid ranges
    for column in ("relevance_mean", "meaningfulness_mean", "attractiveness_mean", "composite"):
        letter = get_column_letter(first_computed + list(computed).index(column))
        out.sheet.conditional_formatting.add(f"{letter}2:{letter}{last}", SCORE_SCALE)
    weak = get_column_letter(first_computed + list(computed).index("weak"))
    out.sheet.conditional_formatting.add(
        f"B2:B{last}",
        FormulaRule(
            # type: ignore[no-untyped-call]
            formula=[f'${weak}2="{yes.replace(chr(34), chr(34) * 2)}"'],
            fill=WEAK_FILL,
        ),
    )


def _inventory_value(
    record: Mapping[Hashable, Any], field: str, notes: Mapping[object, object], words: Mapping[str, str]
) -> object:
    """An inventory cell: the data as it is, a type or control level in the words the importer reads back."""
    if field == "notes":
        return notes.get(record["id"])
    value = record[field]
    if field in ("type", "control") and isinstance(value, str):
        return words.get(value, value)
    return value


def _computed_value(record: Mapping[Hashable, Any], column: str, yes: str) -> object:
    value = record[column]
    if column in ("weak", "discuss"):
        return yes if value else ""
    if column == "reasons":
        return value or None
    if column == "quadrant" and isinstance(value, str) and value:
        return _(value)  # metrics.QUADRANTS' words
    return value


# --- Action plan, Coverage, Consistency, Comparison -------------------------------------------------


def _action_plan(book: Workbook, result: AuditResult, titles: Mapping[str, str]) -> None:
    weak = result.touchpoints.set_index("id").loc[result.weak_spots].reset_index()
    rows = [
        (
            i,
            r["id"],
            r["name"],
            r["stage"],
            r["owner"],
            r["priority"],
            _(r["quadrant"]) if isinstance(r["quadrant"], str) and r["quadrant"] else r["quadrant"],
            r["reasons"],
            None,
            None,
            None,
            None,
        )
        for i, r in enumerate(weak.to_dict("records"), start=1)
    ]
    spot, priority, why, action = _("Weak spot"), _("Priority"), _("Why"), _("Action")
    # TRANSLATORS: Action plan columns: who will do the action, by when (a date), and how far it is.
    owner, due, status = _("Owner"), _("Due"), _("Status")
    headers = ["#", _("Id"), spot, _("Stage"), _("Current owner"), priority, _("Quadrant"), why, action, owner, due,
               status]  # fmt: skip
    fixed = {why: 50, action: 40, spot: 28, owner: 18, due: 12, status: 14}
    out = _SheetWriter(book, titles["action_plan"], _widths(headers, rows, fixed), freeze="C2", title_row=True)
    out.table(headers, rows, formats={priority: "0.00"}, wrap=[spot, why], filter_it=True)
    end = max(len(rows) + 1, 2) + 50  # room for actions added later
    choice = DataValidation(type="list", formula1=_choices([_(s) for s in STATUSES]), allow_blank=True)
    choice.add(f"L2:L{end}")
    date = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    date.add(f"K2:K{end}")
    out.sheet.data_validations.append(choice)
    out.sheet.data_validations.append(date)
    if rows:
        chart = BarChart()
        chart.type, chart.title = "bar", _("Weak spots by priority")
        count = min(len(rows), 15)
        chart.add_data(Reference(out.sheet, min_col=6, min_row=1, max_row=count + 1), titles_from_data=True)
        chart.set_categories(Reference(out.sheet, min_col=3, min_row=2, max_row=count + 1))
        chart.y_axis.title, chart.height, chart.width = priority, 9, 18
        chart.x_axis.scaling.orientation = "maxMin"
        out.sheet.add_chart(chart, f"A{len(rows) + 4}")


def _coverage(book: Workbook, result: AuditResult, titles: Mapping[str, str]) -> None:
    coverage = result.coverage
    channels = coverage.channel_matrix
    out = _SheetWriter(book, titles["coverage"], [40] + [14] * max(len(channels.columns), 4))
    types = coverage.type_matrix.assign(unknown=coverage.untyped_by_stage.reindex(coverage.type_matrix.index).fillna(0))
    states = coverage.cell_states.reindex(index=types.index, columns=types.columns).astype(object).fillna("")
    stage = _("Stage")
    out.append([out.cell(_("Stage x type"), font=SECTION_FONT)])
    type_words = [code_word(str(c)) for c in types.columns]
    out.append([out.cell(h, font=HEADER_FONT, fill=HEADER_FILL) for h in [stage, *type_words]])
    for name, values, marks in zip(types.index, types.to_numpy().tolist(), states.to_numpy().tolist(), strict=True):
        cells = [_coverage_cell(out, int(v), mark) for v, mark in zip(values, marks, strict=True)]
        out.append([name, *cells])
    out.append([_("A gap (red) is a stage with none of a type; '?' (yellow) is unknown: the stage has touchpoints "
                  "with no type, so it may have one.")])  # fmt: skip
    out.skip()
    out.append([out.cell(_("Stage x channel"), font=SECTION_FONT)])
    out.append([out.cell(h, font=HEADER_FONT, fill=HEADER_FILL) for h in [stage, *map(str, channels.columns)]])
    for name, values in zip(channels.index, channels.to_numpy().tolist(), strict=True):
        out.append([name, *values])
    out.skip()
    out.append([out.cell(_("Gaps"), font=SECTION_FONT)])
    for gap in [*coverage.gaps, *coverage.type_unknown]:
        out.append([gap.message])
    out.skip()
    out.append([out.cell(_("Assessor completion"), font=SECTION_FONT)])
    completion = _("Completion")
    out.table([_("Assessor"), completion], list(coverage.assessor_completion.items()), formats={completion: "0%"})


def _coverage_cell(out: _SheetWriter, count: int, state: str) -> object:
    """A stage x type count: red where it is a gap, '?' on yellow where it is unknown."""
    if state == GAP:
        return out.cell(count, fill=GAP_FILL)
    if state == UNKNOWN:
        return out.cell("?", fill=UNKNOWN_FILL)
    return count


def _consistency(book: Workbook, result: AuditResult, titles: Mapping[str, str]) -> None:
    header, rows = _stage_rows(result, CONSISTENCY_STAGE_COLUMNS)
    headers = list(header.values())
    out = _SheetWriter(book, titles["consistency"], _widths(headers, rows, {}), freeze="A2", title_row=True)
    formats = {header[c]: "0.00" for c in ("mean_composite", "sd", "channel_spread")} | {
        header["consistency_index"]: "0%"
    }
    out.table(headers, rows, formats=formats, filter_it=True)
    out.skip()
    overall = _("Overall consistency index: {index}").format(index=_percent(result.overall_consistency))
    out.append([out.cell(overall, font=BOLD)])


def _comparison(book: Workbook, comparison: Comparison, titles: Mapping[str, str]) -> None:
    """Sentences, stages and touchpoints on both sides, weak spots, gaps and what did not match."""
    stages, touchpoints = comparison.stage_table(), comparison.touchpoint_table()
    rows = touchpoints.astype(object).where(touchpoints.notna(), None).to_numpy().tolist()
    widths = {"Name": 32, "Movement": 22, _("Name"): 32, _("Movement"): 22}  # audit.compare's headers
    out = _SheetWriter(book, titles["comparison"], _widths(list(touchpoints.columns), rows, widths))
    after, before = comparison.after_label, comparison.before_label
    if comparison.kind == "baseline":
        heading = _("{audit} compared with its baseline {baseline}").format(audit=after, baseline=before)
    else:
        heading = _("{audit} compared with the competitor's audit {competitor}").format(audit=after, competitor=before)
    out.append([out.cell(heading, font=TITLE_FONT)])
    for sentence in comparison.sentences():
        out.append([f"• {sentence}"])
    before_side, after_side = comparison.sides
    # TRANSLATORS: {before_side} and {after_side} are "Before" and "Now" (or "Competitor" and "Ours"); {before} and
    # {after} are the two audits' names.
    sides = _("{before_side}: {before}. {after_side}: {after}. A change is beyond the noise when it is larger than "
              "the room's disagreement on it (docs/method.md).")  # fmt: skip
    out.append([sides.format(before_side=before_side, before=before, after_side=after_side, after=after)])
    change = comparison.words.get("change", "change")
    signed = ("change", "difference", change)
    numbers = {
        h: "+0.00;-0.00;0.00" if h.endswith(signed) or change in h else "0.00" for h in map(str, touchpoints.columns)
    }
    for title, table in ((_("Stages"), stages), (_("Matched touchpoints"), touchpoints)):
        out.skip()
        out.append([out.cell(title, font=SECTION_FONT)])
        body = table.astype(object).where(table.notna(), None).to_numpy().tolist()
        out.table(list(table.columns), body, formats={h: f for h, f in numbers.items() if h in table.columns})
    out.skip()
    out.append([out.cell(_("Weak spots"), font=SECTION_FONT)])
    for title, ids in comparison.weak_lists().items():
        out.append([out.cell(f"{title} ({i18n.integer(len(ids))})", font=BOLD), i18n.join(comparison.named(ids))])
    out.skip()
    out.append([out.cell(_("Coverage gaps"), font=SECTION_FONT)])
    for title, gaps in comparison.gap_lists().items():
        listed = " ".join(g.message for g in gaps) or _("none")
        out.append([out.cell(f"{title} ({i18n.integer(len(gaps))})", font=BOLD), listed])
    out.skip()
    out.append([out.cell(_("Not matched"), font=SECTION_FONT)])
    for label, table in ((comparison.before_label, comparison.unmatched_before),
                         (comparison.after_label, comparison.unmatched_after)):  # fmt: skip
        listed = i18n.join(f"{r['name']} ({r['id']})" for r in table.to_dict("records")) or _("none")
        # TRANSLATORS: touchpoints found only in the audit {audit}; {n} is how many.
        only = _("Only in {audit} ({n})").format(audit=label, n=i18n.integer(len(table)))
        out.append([out.cell(only, font=BOLD), listed])


# --- Scores and Method ------------------------------------------------------------------------------


def score_headers() -> list[str]:
    """The Scores sheet's headers in the current language; the ones the importer reads keep words it knows."""
    return [_(english) if key is None else _understood(english, key, score_field_for_header)
            for english, key in SCORE_HEADERS.values()]  # fmt: skip


def _scores(book: Workbook, scores: pd.DataFrame, touchpoints: pd.DataFrame, titles: Mapping[str, str]) -> None:
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
    headers = score_headers()
    out = _SheetWriter(
        book, titles["scores"], _widths(headers, rows, {headers[1]: 34, headers[-1]: 40}), freeze="C2", title_row=True
    )
    out.table(headers, rows, filter_it=True)
    last = max(len(rows) + 1, 2) + 200  # room for scores added offline
    lowest, highest = i18n.integer(LOWEST_SCORE), i18n.integer(HIGHEST_SCORE)
    error = _("Type a whole number from {lowest} ({lowest_word}) to {highest} ({highest_word}), or leave it empty.")
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1=str(LOWEST_SCORE),
        formula2=str(HIGHEST_SCORE),
        allow_blank=True,
        showErrorMessage=True,
        # Excel refuses a title longer than 32 characters and a message longer than 255.
        errorTitle=_("Scores are {lowest}-{highest}").format(lowest=lowest, highest=highest)[:32],
        error=error.format(
            lowest=lowest,
            lowest_word=_(SCALE_WORDS[LOWEST_SCORE]),
            highest=highest,
            highest_word=_(SCALE_WORDS[HIGHEST_SCORE]),
        )[:255],
    )
    validation.add(f"D2:F{last}")
    out.sheet.data_validations.append(validation)
    out.sheet.conditional_formatting.add(f"D2:F{last}", SCORE_SCALE)


def _int(value: object) -> int | None:
    return None if is_blank(value) else int(value)  # type: ignore[call-overload]


def _method(book: Workbook, meta: AuditMeta, titles: Mapping[str, str]) -> None:
    weights = ", ".join(f"{i18n.label(c)} {_g(w)}" for c, w in meta.weights.items())
    scale = ", ".join(f"{i18n.integer(n)} {_(w)}" for n, w in SCALE_WORDS.items())
    generated = i18n.localize_digits(f"{datetime.now(UTC):%Y-%m-%d %H:%M}")
    lines: list[tuple[str, str]] = [
        (
            _("Scale"),
            _(
                "Each assessor scores each touchpoint {lowest}-{highest}: {scale}. Empty is not scored, never zero."
            ).format(lowest=i18n.integer(LOWEST_SCORE), highest=i18n.integer(HIGHEST_SCORE), scale=scale),
        ),
        *[(i18n.label(c), _(text)) for c, text in RUBRIC.items()],
        (_("Weights"), weights),
        (_("Composite"), _("Weighted mean of the criterion means, over the criteria that have a score.")),
        (
            _("Weak"),
            _("Composite below {composite}, or any criterion mean of {criterion} or lower.").format(
                composite=_g(WEAK_COMPOSITE), criterion=_g(WEAK_CRITERION)
            ),
        ),
        (
            _("Priority"),
            _("Importance x ({highest} - composite); weak spots are listed highest first.").format(
                highest=i18n.integer(HIGHEST_SCORE)
            ),
        ),
        (
            _("Quadrants"),
            _("Important: importance {important} or more. Strong: composite {strong} or more.").format(
                important=_g(IMPORTANT), strong=_g(STRONG)
            ),
        ),
        (
            _("Discuss"),
            _("The assessors' scores for a criterion span {span} points or more.").format(
                span=i18n.integer(DISCUSS_SPAN)
            ),
        ),
        (
            _("Consistency"),
            _("1 - sd / {largest} within a stage; a channel spread of {spread} or more is inconsistent.").format(
                largest=_g(LARGEST_SD), spread=_g(INCONSISTENT_SPREAD)
            ),
        ),
        (
            _("Perception gap"),
            _("Composite - customer rating; {gap} or more is flagged.").format(gap=i18n.signed(PERCEPTION_GAP, 0)),
        ),
        (
            _("Agreement"),
            _(
                "Krippendorff's alpha, ordinal: {reliable}+ reliable, {tentative}-{reliable} tentative, "
                "below {tentative} low."
            ).format(reliable=i18n.number(RELIABLE, 3), tentative=i18n.number(TENTATIVE, 3)),
        ),
        (
            _("Generated"),
            # TRANSLATORS: {version} is the app's version number, {time} the date and time (UTC) the file was made.
            _("Touchpoint Audit {version}, {time} UTC").format(version=__version__, time=generated),
        ),
    ]
    out = _SheetWriter(book, titles["method"], [18, 110])
    for label, text in lines:
        out.append([out.cell(label, font=BOLD), out.cell(text, alignment=WRAPPED)], height=_height([text], [110]))


def _meta(book: Workbook, meta: AuditMeta, titles: Mapping[str, str]) -> None:
    """The hidden settings sheet: audit.importing's rows, then the workbook's language and the names of
    the sheets a re-import reads (they are in that language)."""
    out = _SheetWriter(book, META_SHEET, [14, 60])
    out.sheet.sheet_state = "hidden"
    values = meta_values(meta, list(computed_headers().values()))
    values |= {
        "language": i18n.current(),
        "touchpoints_sheet": titles["touchpoints"],
        "scores_sheet": titles["scores"],
    }
    for key, value in values.items():
        out.append([out.cell(key), out.cell(value)])


# --- the blank template -------------------------------------------------------------------------

# The template's words live in the language files (audit/languages/*.toml, [template]).
_TEMPLATES = {code: language.template for code, language in LANGUAGES.items() if language.template is not None}
TEMPLATE_HEADERS = {code: list(t.headers) for code, t in _TEMPLATES.items()}
TEMPLATE_CHOICES = {code: (list(t.stages), list(t.types), list(t.controls)) for code, t in _TEMPLATES.items()}
TEMPLATE_HELP = {code: list(t.instructions) for code, t in _TEMPLATES.items()}
TEMPLATE_SHEETS = {code: (t.inventory_sheet, t.instructions_sheet) for code, t in _TEMPLATES.items()}


def template_workbook(lang: str = "en", rows: int = 200) -> bytes:
    """A blank inventory in one of the languages, with drop-down lists and instructions; its words come
    from the language's file, its page footer from the catalog, and a right-to-left language's sheets
    read from the right."""
    if lang not in TEMPLATE_HEADERS:
        raise ValueError(f"language '{lang}': choose one of {', '.join(TEMPLATE_HEADERS)}")
    with i18n.use(lang):
        return _template_workbook(lang, rows)


def _template_workbook(lang: str, rows: int) -> bytes:
    book = Workbook(write_only=True)
    inventory_title, help_title = TEMPLATE_SHEETS[lang]
    headers = TEMPLATE_HEADERS[lang]
    out = _SheetWriter(book, inventory_title, _widths(headers, [], {headers[1]: 34, headers[-1]: 40}), freeze="A2")
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
