"""The report for the meeting: a 16:9 PowerPoint deck of one audit, and the same deck as a PDF.

`audit_report` writes, from one `AuditResult`: a title slide (audit, client, date, assessors,
touchpoints), the headline figures with a sentence each, the findings in sentences, the top
weak spots with their reasons, one slide per dashboard chart (drawn from the same Altair
chart the app shows, rendered to PNG by vl-convert, with its caption as text under it), a
slide naming the charts there is nothing to draw for yet and why, the action plan, and the
method on one slide. Every word is editable text; only the charts are pictures. Long lists
go on as "(continued)" slides, and a list cut short says how much is left out and where to
find all of it: nothing is dropped silently. `report_pdf` has LibreOffice convert the deck,
so the PDF is the same report page for page.

Every word is in the report's language (`language=`, else the current one; audit.i18n),
numbers and dates as that language writes them; the audit's own words (names, stages,
channels) stay as they were typed.

The slide builders (`title_slide`, `figures_slide`, `bullets_slide`, `table_slide`,
`chart_slide`) take a `Deck` and plain values, so a later slide type (the comparison with a
baseline, say: a title, a picture and a few sentences make a `chart_slide`) reuses them
through `audit_report(..., comparison_slide=...)`.

Exceptions:

    ReportError    the PDF cannot be made: LibreOffice is missing, failed or took too long;
                   its message is a sentence that says what to install or do
"""

from __future__ import annotations

import copy
import functools
import io
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

import altair as alt
import pandas as pd
import vl_convert
from altair.utils.data import to_values
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu, Inches, Pt

from audit import charts, compare_charts, i18n
from audit.compare import Comparison, Kind
from audit.i18n import N_, _, ngettext
from audit.meta import AuditMeta
from audit.metrics import (
    IMPORTANT,
    INCONSISTENT_SPREAD,
    LARGEST_SD,
    PERCEPTION_GAP,
    QUADRANTS,
    STRONG,
    WEAK_COMPOSITE,
    WEAK_CRITERION,
    AuditResult,
)
from audit.rules import HIGHEST_SCORE, LOWEST_SCORE
from audit.scoring import BAND_LABELS, RELIABLE, TENTATIVE
from audit.vocabulary import CRITERIA, UNASSIGNED_STAGE
from audit.workshop import RUBRIC, SCALE_WORDS

NEEDS_LIBREOFFICE = N_(
    "The PDF report needs LibreOffice, which ./scripts/run installs in the background on its first start: try "
    "again in a minute, or install it yourself with apt-get install libreoffice-impress-nogui. The PowerPoint "
    "report needs nothing more"
)
PDF_TIMEOUT = 180.0  # seconds; a first conversion with a fresh profile takes a few
TOP_WEAK_SPOTS = 10  # weak spots in the "Top weak spots" table, as on the workbook's Summary
ACTION_PLAN_ROWS = 30  # weak spots in the action plan; the workbook's Action plan sheet has them all
MAX_FINDINGS = 40  # findings in the deck; the rest are counted in a last sentence
BULLETS_PER_SLIDE = 8
ROWS_PER_SLIDE = 10  # table rows a slide holds at most (fewer when their text wraps)
GAP_BARS = 20  # bars of the perception gap chart on a slide: the largest gaps either way
CHART_PIXELS = (980, 360)  # a chart's size in Vega-Lite pixels: its 12 px labels read at about 11 points
CHART_SCALE = 2.0  # PNG pixels per Vega-Lite pixel: sharp on a projector and in print
# The slide's type sizes, for Vega-Lite (pixels): axis labels and titles, legends.
CHART_CONFIG = {
    "axis": {"labelFontSize": 12, "titleFontSize": 13},
    "legend": {"labelFontSize": 12, "titleFontSize": 13},
    "header": {"labelFontSize": 12, "titleFontSize": 13},
}
# The dashboard's charts in the dashboard's order, with the titles it gives them.
CHART_TITLES = {
    "journey": N_("The journey"),
    "coverage_type": N_("Coverage: stage x type"),
    "weak_spots": N_("Weak spots by priority"),
    "quadrant": N_("Importance and performance"),
    "consistency": N_("Consistency per stage"),
    "disagreement": N_("Where assessors disagree"),
    "perception_gap": N_("Perception gap"),
    "coverage_channel": N_("Coverage: stage x channel"),
}
# The workbook's sheets a slide's sentence points to (audit.workbook.SHEETS: the same words).
SUMMARY_SHEET, TOUCHPOINTS_SHEET, ACTION_PLAN_SHEET = N_("Summary"), N_("Touchpoints"), N_("Action plan")
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_MIME = "application/pdf"

# The look: one typeface that every office suite has (LibreOffice draws it with the metric-compatible
# Liberation Sans), dark text, one accent colour (the workbook's header blue), a pale panel colour.
FONT = "Arial"


def _colour(hex_rgb: str) -> RGBColor:
    return cast(RGBColor, RGBColor.from_string(hex_rgb))  # type: ignore[no-untyped-call]


ACCENT, TEXT, MUTED, PANEL, WHITE = map(_colour, ("1F3864", "262626", "595959", "F2F4F7", "FFFFFF"))
AVERAGE_CHAR = 0.42  # an average character of Arial prose is about 0.37 em wide; this errs wide

# The grid, in inches, on a 13.33 x 7.5 inch slide.
SLIDE_WIDTH, SLIDE_HEIGHT = 40 / 3, 7.5  # 16:9, as PowerPoint makes it
MARGIN = 0.6
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TITLE_TOP, TITLE_HEIGHT = 0.35, 0.8
BODY_TOP, BODY_BOTTOM = 1.45, 6.75
FOOTER_TOP = 7.0


class ReportError(Exception):
    """The PDF report cannot be made; the message says what to install or do."""


@dataclass(frozen=True)
class Figure:
    """One headline figure: what it is, its value as shown, and the sentence that explains it."""

    label: str
    value: str
    sentence: str


@dataclass(frozen=True)
class Column:
    """A table column: its header, its width in inches, and whether its values are numbers (right-aligned)."""

    header: str
    width: float
    number: bool = False


Bullet = str | tuple[str, str]  # a sentence, or (a bold lead, the sentence after it)
Progress = Callable[[float, str], None]


# --- the deck ------------------------------------------------------------------------------


class Deck:
    """A 16:9 presentation in the report's look; the slide builders below add to it."""

    def __init__(self, footer: str, *, title: str = "") -> None:
        self.presentation: PresentationType = Presentation()
        self.presentation.slide_width = Inches(SLIDE_WIDTH)
        self.presentation.slide_height = Inches(SLIDE_HEIGHT)
        self.presentation.core_properties.title = title
        self.presentation.core_properties.author = "Touchpoint Audit"
        self.footer = footer
        self._layout = self.presentation.slide_layouts[5]  # "Title Only": a real title, no other placeholder

    @property
    def slides(self) -> int:
        return len(self.presentation.slides)

    def new_slide(self) -> Slide:
        """A new slide with only a title placeholder, for the builders to fill."""
        return cast(Slide, self.presentation.slides.add_slide(self._layout))

    def slide(self, title: str) -> Slide:
        """A new slide with its title set, left-aligned, above a short accent rule."""
        slide = self.new_slide()
        heading = slide.shapes.title
        assert heading is not None  # the layout has a title placeholder
        heading.left, heading.top = Inches(MARGIN), Inches(TITLE_TOP)
        heading.width, heading.height = Inches(CONTENT_WIDTH), Inches(TITLE_HEIGHT)
        frame = heading.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        frame.margin_left = frame.margin_right = Emu(0)
        _paragraph(frame, title, size=28, bold=True, color=ACCENT, first=True)
        _rule(slide, MARGIN, TITLE_TOP + TITLE_HEIGHT + 0.1, 1.2)
        return slide

    def save(self) -> bytes:
        """The deck as .pptx bytes, every slide but the first with its footer and page number."""
        total = self.slides
        for number, slide in enumerate(self.presentation.slides, start=1):
            if number > 1:
                _footer(slide, self.footer, f"{i18n.integer(number)} / {i18n.integer(total)}")
            _drop_empty_placeholders(slide)
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()


def _paragraph(
    frame: TextFrame,
    text: str,
    *,
    size: float,
    bold: bool = False,
    color: RGBColor = TEXT,
    first: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    after: float = 0,
) -> _Paragraph:
    """A paragraph of one run in the report's typeface; `first` writes into the frame's first paragraph."""
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()  # type: ignore[no-untyped-call]
    _align(paragraph, align)
    paragraph.space_after = Pt(after)
    _run(paragraph, text, size=size, bold=bold, color=color)
    return paragraph


def _align(paragraph: _Paragraph, align: PP_ALIGN) -> None:
    """The paragraph's alignment; in a right-to-left language (Persian) the paragraph reads from the right
    and its alignment is mirrored."""
    if i18n.right_to_left():
        paragraph._p.get_or_add_pPr().set("rtl", "1")
        align = {PP_ALIGN.LEFT: PP_ALIGN.RIGHT, PP_ALIGN.RIGHT: PP_ALIGN.LEFT}.get(align, align)
    paragraph.alignment = align


def _run(paragraph: _Paragraph, text: str, *, size: float, bold: bool = False, color: RGBColor = TEXT) -> None:
    """A run of text in the report's typeface, size, weight and colour."""
    run = paragraph._p.add_r(text)
    run.insert(0, copy.deepcopy(_run_properties(size, bold, str(color))))


@functools.cache
def _run_properties(size: float, bold: bool, color: str) -> Any:
    """A run's character properties, made once per style and copied: setting them one by one through
    python-pptx's font object costs half a millisecond a run, a third of a big action plan's time."""
    return parse_xml(
        f'<a:rPr {nsdecls("a")} sz="{round(size * 100)}" b="{int(bold)}"><a:solidFill><a:srgbClr val="{color}"/>'
        f'</a:solidFill><a:latin typeface="{FONT}"/><a:cs typeface="{FONT}"/></a:rPr>'
    )


def _text_box(slide: Slide, left: float, top: float, width: float, height: float) -> TextFrame:
    """An empty, word-wrapping text box (inches); the caller writes its paragraphs."""
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = cast(TextFrame, box.text_frame)
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Emu(0)  # text lines up with the title and the tables
    return frame


def _rule(slide: Slide, left: float, top: float, length: float) -> None:
    """A short accent line: a connector, so it carries no (empty) text frame."""
    line = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, Inches(left), Inches(top), Inches(left + length), Inches(top)
    )
    style = line._element.find(qn("p:style"))  # the theme's line style brings a shadow
    if style is not None:
        line._element.remove(style)
    line.line.color.rgb = ACCENT
    line.line.width = Pt(3)


def _footer(slide: Slide, text: str, number: str) -> None:
    left = _text_box(slide, MARGIN, FOOTER_TOP, CONTENT_WIDTH - 1.5, 0.3)
    _paragraph(left, text, size=10, color=MUTED, first=True)
    right = _text_box(slide, SLIDE_WIDTH - MARGIN - 1.5, FOOTER_TOP, 1.5, 0.3)
    _paragraph(right, number, size=10, color=MUTED, first=True, align=PP_ALIGN.RIGHT)


def _continued(slide: Slide) -> None:
    """Says that the list goes on, just above the footer."""
    frame = _text_box(slide, SLIDE_WIDTH - MARGIN - 4, BODY_BOTTOM - 0.05, 4, 0.3)
    _paragraph(frame, _("Continued on the next slide."), size=11, color=MUTED, first=True, align=PP_ALIGN.RIGHT)


def _drop_empty_placeholders(slide: Slide) -> None:
    """Remove any placeholder left without text: a deck shows no "Click to add text"."""
    for placeholder in list(slide.placeholders):
        if not (placeholder.has_text_frame and placeholder.text_frame.text.strip()):
            element = placeholder._element
            element.getparent().remove(element)


def _lines(text: str, width: float, size: float) -> int:
    """How many lines `text` takes in a box `width` inches wide at `size` points (an estimate that
    errs long: words wrap before the box is full)."""
    per_line = max(1, int(width * 72 / (size * AVERAGE_CHAR) * 0.92))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _pages(heights: Sequence[float], budget: float, most: int) -> list[range]:
    """Items cut into pages of at most `most` items and `budget` height (an item taller than the
    budget gets a page of its own)."""
    pages: list[range] = []
    start, used = 0, 0.0
    for index, height in enumerate(heights):
        if index > start and (index - start >= most or used + height > budget):
            pages.append(range(start, index))
            start, used = index, 0.0
        used += height
    if start < len(heights) or not pages:
        pages.append(range(start, len(heights)))
    return pages


def _page_title(title: str, page: int) -> str:
    # TRANSLATORS: the title of a slide that goes on with the list or table of the slide before.
    return title if page == 0 else _("{title} (continued)").format(title=title)


# --- slide builders ------------------------------------------------------------------------


def title_slide(deck: Deck, title: str, lines: Sequence[str], *, overline: str | None = None) -> Slide:
    """The opening slide: a small overline ("Touchpoint audit" unless given), the title in large type,
    then one line per fact ("Label: value", the label muted), each placed below the one before however
    many lines the title takes."""
    slide = deck.new_slide()
    left, width = MARGIN + 0.3, CONTENT_WIDTH - 0.6
    above = _text_box(slide, left, 1.75, width, 0.4)
    shown = _("Touchpoint audit") if overline is None else overline
    _paragraph(above, shown.upper(), size=16, bold=True, color=ACCENT, first=True)
    size = 44 if len(title) <= 36 else 32
    height = _lines(title, width, size) * size * 1.2 / 72 + 0.1
    heading = slide.shapes.title
    assert heading is not None
    top = 2.2
    heading.left, heading.top, heading.width, heading.height = Inches(left), Inches(top), Inches(width), Inches(height)
    frame = heading.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = Emu(0)
    _paragraph(frame, title, size=size, bold=True, color=TEXT, first=True)
    _rule(slide, left, top + height + 0.2, 1.6)
    body = _text_box(slide, left, top + height + 0.45, width, max(1.0, BODY_BOTTOM - top - 0.45 - height))
    for index, line in enumerate(lines):
        label, _colon, value = line.partition(": ")
        paragraph = body.paragraphs[0] if index == 0 else body.add_paragraph()  # type: ignore[no-untyped-call]
        _align(paragraph, PP_ALIGN.LEFT)
        paragraph.space_after = Pt(6)
        if value:
            _run(paragraph, f"{label}: ", size=20, color=MUTED)
        _run(paragraph, value or label, size=20)
    return slide


def figures_slide(deck: Deck, title: str, figures: Sequence[Figure], *, columns: int = 3) -> Slide:
    """Figures as panels in a grid: the label, the value in large type, and its sentence."""
    slide = deck.slide(title)
    rows = max(1, math.ceil(len(figures) / columns))
    gap = 0.25
    width = (CONTENT_WIDTH - gap * (columns - 1)) / columns
    height = (BODY_BOTTOM - BODY_TOP - gap * (rows - 1)) / rows
    for index, figure in enumerate(figures):
        row, column = divmod(index, columns)
        panel = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE,
            Inches(MARGIN + column * (width + gap)),
            Inches(BODY_TOP + row * (height + gap)),
            Inches(width),
            Inches(height),
        )
        panel.adjustments[0] = 0.04
        style = panel._element.find(qn("p:style"))  # the theme's shape style brings a shadow and white text
        if style is not None:
            panel._element.remove(style)
        panel.fill.solid()
        panel.fill.fore_color.rgb = PANEL
        panel.line.fill.background()
        frame = panel.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, side, Inches(0.18))
        _paragraph(frame, figure.label, size=15, bold=True, color=MUTED, first=True)
        _paragraph(frame, figure.value, size=36 if len(figure.value) <= 12 else 28, bold=True, color=ACCENT, after=6)
        _paragraph(frame, figure.sentence, size=13 if len(figure.sentence) <= 240 else 11, color=TEXT)
    return slide


def bullets_slide(
    deck: Deck, title: str, bullets: Sequence[Bullet], *, size: float = 18, per_slide: int = BULLETS_PER_SLIDE
) -> list[Slide]:
    """Bullet sentences, over as many slides as they need: at most `per_slide` a slide, never more
    than fits; the slides after the first are titled "(continued)"."""
    texts = [b if isinstance(b, str) else f"{b[0]}: {b[1]}" for b in bullets]
    line = size * 1.2 / 72
    heights = [_lines(t, CONTENT_WIDTH - 0.4, size) * line + size * 0.5 / 72 for t in texts]
    pages = _pages(heights, BODY_BOTTOM - BODY_TOP - 0.35, per_slide)
    slides = []
    for page, items in enumerate(pages):
        slide = deck.slide(_page_title(title, page))
        frame = _text_box(slide, MARGIN, BODY_TOP, CONTENT_WIDTH, BODY_BOTTOM - BODY_TOP - 0.3)
        for index in items:
            paragraph = frame.paragraphs[0] if index == items.start else frame.add_paragraph()  # type: ignore[no-untyped-call]
            _align(paragraph, PP_ALIGN.LEFT)
            paragraph.space_after = Pt(size * 0.5)
            _bullet(paragraph, size)
            bullet = bullets[index]
            if isinstance(bullet, str):
                _run(paragraph, bullet, size=size)
            else:
                _run(paragraph, f"{bullet[0]}: ", size=size, bold=True, color=ACCENT)
                _run(paragraph, bullet[1], size=size)
        if page < len(pages) - 1:
            _continued(slide)
        slides.append(slide)
    return slides


def _bullet(paragraph: _Paragraph, size: float) -> None:
    """A real list bullet (a round one, hanging), not a typed character."""
    properties = paragraph._p.get_or_add_pPr()
    indent = int(Pt(size * 1.1))
    properties.set("marL", str(indent))
    properties.set("indent", str(-indent))
    colour, rgb, font, char = (OxmlElement(f"a:{tag}") for tag in ("buClr", "srgbClr", "buFont", "buChar"))
    rgb.set("val", str(ACCENT))
    colour.append(rgb)
    font.set("typeface", FONT)
    char.set("char", "•")
    properties.extend([colour, font, char])


def table_slide(
    deck: Deck,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    note: str | None = None,
    size: float = 12,
    per_slide: int = ROWS_PER_SLIDE,
) -> list[Slide]:
    """A real table, header in the accent colour, over as many slides as it needs ("(continued)");
    `note` goes under the table on the last slide."""
    line = size * 1.2 / 72
    padding = 0.16
    heights = [
        max(_lines(v, c.width - 0.2, size) for v, c in zip(row, columns, strict=True)) * line + padding for row in rows
    ]
    header = max(_lines(c.header, c.width - 0.2, size) for c in columns) * line + padding
    note_height = (_lines(note, CONTENT_WIDTH, 12) * 0.22 + 0.15) if note else 0.0
    pages = _pages(heights, BODY_BOTTOM - BODY_TOP - header - note_height - 0.35, per_slide)
    slides = []
    for page, items in enumerate(pages):
        slide = deck.slide(_page_title(title, page))
        shape = slide.shapes.add_table(
            len(items) + 1,
            len(columns),
            Inches(MARGIN),
            Inches(BODY_TOP),
            Inches(sum(c.width for c in columns)),
            Inches((line + padding) * (len(items) + 1)),
        )
        table = shape.table
        table.horz_banding = False
        properties = table._tbl.tblPr
        if properties is not None and i18n.right_to_left():  # the first column on the right
            properties.set("rtl", "1")
        for index, column in enumerate(columns):
            table.columns[index].width = Inches(column.width)
            _cell(table.cell(0, index), column.header, size=size, bold=True, color=WHITE, fill=ACCENT, column=column)
        table.rows[0].height = Emu(int(Inches(line + padding)))
        for offset, index in enumerate(items, start=1):
            # One line's height: PowerPoint and LibreOffice grow a row to its text, and the estimate
            # (which errs long, to paginate safely) would leave gaps.
            table.rows[offset].height = Emu(int(Inches(line + padding)))
            fill = PANEL if offset % 2 == 0 else WHITE
            for position, column in enumerate(columns):
                _cell(table.cell(offset, position), rows[index][position], size=size, fill=fill, column=column)
        if page < len(pages) - 1:
            _continued(slide)
        elif note:  # at the foot of the body, in the room the pages kept for it
            frame = _text_box(slide, MARGIN, BODY_BOTTOM - note_height + 0.1, CONTENT_WIDTH, note_height)
            _paragraph(frame, note, size=12, color=MUTED, first=True)
        slides.append(slide)
    return slides


def _cell(
    cell: Any, text: str, *, size: float, fill: RGBColor, column: Column, bold: bool = False, color: RGBColor = TEXT
) -> None:
    """A cell's fill, margins and middle anchor (one copied element), its text right-aligned for numbers."""
    tc = cell._tc
    if tc.tcPr is not None:
        tc.remove(tc.tcPr)
    tc.append(copy.deepcopy(_cell_properties(str(fill))))
    paragraph = cell.text_frame.paragraphs[0]
    if column.number or i18n.right_to_left():
        _align(paragraph, PP_ALIGN.RIGHT if column.number else PP_ALIGN.LEFT)
    if text:  # an empty cell (the action plan's Action, Owner...) is left to fill in
        _run(paragraph, text, size=size, bold=bold, color=color)


@functools.cache
def _cell_properties(fill: str) -> Any:
    margins = f'marL="{Inches(0.08)}" marR="{Inches(0.08)}" marT="{Inches(0.05)}" marB="{Inches(0.05)}"'
    return parse_xml(
        f'<a:tcPr {nsdecls("a")} {margins} anchor="ctr"><a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr>'
    )


def chart_slide(deck: Deck, title: str, picture: bytes, sentences: Sequence[str]) -> Slide:
    """A picture (a chart's PNG) as large as fits, centred, with its sentences as text under it."""
    slide = deck.slide(title)
    size = 13
    text_height = sum(_lines(s, CONTENT_WIDTH, size) for s in sentences) * size * 1.25 / 72 + 0.1
    box_height = BODY_BOTTOM - BODY_TOP - text_height - 0.15
    width, height = _png_size(picture)
    scale = min(CONTENT_WIDTH / width, box_height / height)
    shown_width, shown_height = width * scale, height * scale
    stream = io.BytesIO(picture)
    slide.shapes.add_picture(
        stream,
        Inches(MARGIN + (CONTENT_WIDTH - shown_width) / 2),
        Inches(BODY_TOP),
        Inches(shown_width),
        Inches(shown_height),
    )
    if sentences:
        frame = _text_box(slide, MARGIN, BODY_TOP + shown_height + 0.15, CONTENT_WIDTH, text_height)
        for index, sentence in enumerate(sentences):
            _paragraph(frame, sentence, size=size, color=MUTED if index else TEXT, first=index == 0, after=3)
    return slide


def _png_size(picture: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's header."""
    if picture[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("a chart picture must be a PNG")
    return int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")


# --- charts --------------------------------------------------------------------------------


def chart_spec(
    chart: alt.TopLevelMixin, *, width: int = CHART_PIXELS[0], height: int = CHART_PIXELS[1]
) -> dict[str, Any]:
    """The chart's Vega-Lite spec with its data inline, sized for a slide: `width` x `height` pixels
    in all, axes and legend included.

    The data is written inline here rather than by Altair's data transformer: that one is global to
    the process (Streamlit swaps in its own while it draws a chart in another session) and refuses
    more than 5,000 rows.
    """
    _inline_data(chart)
    spec = chart.to_dict(validate=False)
    spec.update(width=width, height=height, autosize={"type": "fit", "contains": "padding"})
    return spec


def _inline_data(chart: Any) -> None:
    """Replace every data frame of a chart and its layers by its values, as Altair would write them."""
    data = getattr(chart, "data", alt.Undefined)
    if data is not alt.Undefined and hasattr(data, "to_dict") and hasattr(data, "columns"):
        chart.data = to_values(data)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        parts = getattr(chart, key, None)
        for part in parts if isinstance(parts, list) else []:
            _inline_data(part)


def chart_png(chart: alt.TopLevelMixin, *, scale: float = CHART_SCALE) -> bytes:
    """The chart as a PNG for a slide, rendered by vl-convert (no browser) in one call."""
    return bytes(vl_convert.vegalite_to_png(chart_spec(chart), scale=scale, config=CHART_CONFIG))


def _chart_for_slide(name: str, result: AuditResult) -> tuple[alt.TopLevelMixin, str | None]:
    """The dashboard's chart, and a sentence when the slide shows only part of what it counts."""
    if name == "perception_gap":
        gaps = result.touchpoints.dropna(subset=["perception_gap"])
        if len(gaps) > GAP_BARS:
            largest = gaps.loc[gaps["perception_gap"].abs().nlargest(GAP_BARS).index]
            note = _(
                "Showing the {shown} largest gaps either way, of {total}; the workbook's {sheet} sheet has every one."
            ).format(shown=i18n.integer(GAP_BARS), total=i18n.integer(len(gaps)), sheet=_(TOUCHPOINTS_SHEET))
            return charts.CHARTS[name](replace(result, touchpoints=largest)), note
    chart = charts.CHARTS[name](result)
    shown = getattr(chart, "data", None)
    if name not in ("weak_spots", "disagreement") or not isinstance(shown, pd.DataFrame):
        return chart, None
    note = ""
    if name == "weak_spots":
        total = len(result.weak_spots)
        if len(shown) < total:
            note = ngettext(
                "Showing the top {shown} of {total} weak spot; the workbook lists them all.",
                "Showing the top {shown} of {total} weak spots; the workbook lists them all.",
                total,
            ).format(shown=i18n.integer(len(shown)), total=i18n.integer(total))
        # The app shows a bar's reason on hover; a slide cannot.
        reasons = _("Each one's reason is in the {table} table.").format(table=_("Top weak spots"))
        note = f"{note} {reasons}".strip()
    else:
        total = int(result.touchpoints[[f"{c}_n" for c in CRITERIA]].ge(2).any(axis=1).sum())
        if len(shown) < total:
            note = ngettext(
                "Showing the top {shown} of {total} touchpoint scored by two assessors or more; the workbook "
                "lists them all.",
                "Showing the top {shown} of {total} touchpoints scored by two assessors or more; the workbook "
                "lists them all.",
                total,
            ).format(shown=i18n.integer(len(shown)), total=i18n.integer(total))
    return chart, note or None


# --- what the report says ------------------------------------------------------------------


def headline_figures(result: AuditResult) -> list[Figure]:
    """The dashboard's six headline figures, each with a sentence; "no scores yet" before any score."""
    table = result.touchpoints
    total = len(table)
    unscored = not result.has_scores
    stages = len([s for s in result.stages["name"] if s != UNASSIGNED_STAGE])
    coverage = result.coverage.share
    if coverage is None:
        where = ngettext("Touchpoints in {n} journey stage.", "Touchpoints in {n} journey stages.", stages)
    else:
        where = ngettext(
            "Touchpoints in {n} journey stage; {share} of the stage x type cells have a touchpoint.",
            "Touchpoints in {n} journey stages; {share} of the stage x type cells have a touchpoint.",
            stages,
        )
    sentence = where.format(n=i18n.integer(stages), share=i18n.percent(coverage))
    figures = [Figure(_("Touchpoints"), i18n.integer(total), sentence)]
    if unscored:
        waiting = _("Nobody has scored a touchpoint yet: the figures fill in as the room scores.")
        none_yet = _("no scores yet")
        figures += [
            Figure(_("Scored"), none_yet, waiting),
            Figure(_("Mean composite"), none_yet, _("The mean of the three criteria, once touchpoints are scored.")),
            Figure(_("Consistency"), none_yet, _("How even each stage is, once its touchpoints are scored.")),
        ]
    else:
        complete = result.coverage.fully_scored
        share = result.coverage.scoring_share or 0.0
        mean = result.mean_composite or 0.0
        weakest = result.weakest_stage.message if result.weakest_stage else ""
        scored = ngettext(
            "{complete} of {total} touchpoint has all three criteria scored.",
            "{complete} of {total} touchpoints have all three criteria scored.",
            total,
        ).format(complete=i18n.integer(complete), total=i18n.integer(total))
        # TRANSLATORS: {weakest} is a sentence naming the weakest stage (or nothing).
        out_of = _("Out of {highest}, over the scored touchpoints. {weakest}").format(
            highest=i18n.integer(HIGHEST_SCORE), weakest=weakest
        )
        figures += [
            Figure(_("Scored"), i18n.percent(share), scored),
            Figure(_("Mean composite"), i18n.number(mean, 2), out_of),
            _consistency_figure(result),
        ]
    figures += [_agreement_figure(result), _weak_figure(result, unscored)]
    return figures


def _consistency_figure(result: AuditResult) -> Figure:
    value = result.overall_consistency
    inconsistent = int(result.stages["inconsistent"].sum())
    sentence = _("How evenly good the touchpoints of each stage are ({full}: all alike).").format(
        full=i18n.percent(1.0)
    )
    if inconsistent:
        spread = ngettext(
            "{n} stage differs by {spread} points or more between channels.",
            "{n} stages differ by {spread} points or more between channels.",
            inconsistent,
        ).format(n=i18n.integer(inconsistent), spread=_g(INCONSISTENT_SPREAD))
        sentence = f"{sentence} {spread}"
    return Figure(_("Consistency"), i18n.percent(value), sentence)


def _alpha(alpha: float | None, band: str | None) -> str:
    """Krippendorff's alpha with its band, "0.81 (reliable)", or "not computed"."""
    if alpha is None:
        return _("not computed")
    # TRANSLATORS: Krippendorff's alpha and its band (reliable, tentative or low), e.g. "0.81 (reliable)".
    return _("{alpha} ({band})").format(
        alpha=i18n.number(alpha, 2), band=_(BAND_LABELS.get(band, band)) if band else ""
    )


def _agreement_figure(result: AuditResult) -> Figure:
    agreement = result.agreement
    sentence = agreement.message
    before = result.round1_agreement
    if before is not None:
        then = _("Round 1, before the discussion: {agreement}.").format(agreement=_alpha(before.alpha, before.band))
        sentence = f"{sentence} {then}"
    return Figure(_("Agreement"), _alpha(agreement.alpha, agreement.band), sentence)


def _weak_figure(result: AuditResult, unscored: bool) -> Figure:
    label = _("Weak spots")
    if unscored:
        return Figure(label, _("no scores yet"), _("Weak spots show once touchpoints are scored."))
    composite, criterion = i18n.number(WEAK_COMPOSITE, 1), i18n.number(WEAK_CRITERION, 1)
    if not result.weak_spots:
        sentence = _(
            "No scored touchpoint is weak (composite below {composite}, or a criterion at {criterion} or lower)."
        )
        return Figure(label, i18n.integer(0), sentence.format(composite=composite, criterion=criterion))
    first = result.touchpoints.set_index("id").loc[result.weak_spots[0]]
    sentence = _(
        "Touchpoints with a composite below {composite}, or a criterion at {criterion} or lower. "
        "The most urgent: {name} (priority {priority})."
    ).format(composite=composite, criterion=criterion, name=first["name"], priority=_number(first["priority"]))
    return Figure(label, i18n.integer(len(result.weak_spots)), sentence)


def _g(value: float) -> str:
    """A constant as `:g` writes it ("3", "1.5", "0.667"), in the current language."""
    digits = next((d for d in range(4) if round(value, d) == value), 3)
    return i18n.number(value, digits)


def _more(names: Sequence[str], shown: int) -> str:
    """The first `shown` names, and how many more there are: "A, B and 3 more"."""
    listed = i18n.join(names[:shown])
    if len(names) <= shown:
        return listed
    # TRANSLATORS: {names} is a list of names, {n} how many more are left out.
    return _("{names} and {n} more").format(names=listed, n=i18n.integer(len(names) - shown))


def findings_bullets(result: AuditResult) -> list[Bullet]:
    """The findings' sentences (weak spots have their own slide), at most MAX_FINDINGS, then a sentence
    saying how many more there are; the uncontrolled touchpoints last."""
    findings = [f.message for f in result.findings if f.code != "weak_spot"]
    bullets: list[Bullet] = list(findings[:MAX_FINDINGS])
    if len(findings) > MAX_FINDINGS:
        more = len(findings) - MAX_FINDINGS
        bullets.append(
            ngettext(
                "... and {n} more finding: the scored Excel audit ({sheet} sheet) lists all {total}.",
                "... and {n} more findings: the scored Excel audit ({sheet} sheet) lists all {total}.",
                more,
            ).format(n=i18n.integer(more), sheet=_(SUMMARY_SHEET), total=i18n.integer(len(findings)))
        )
    if not findings:
        bullets.append(_("Nothing flagged: no coverage gap, no inconsistent stage, no perception gap."))
    if result.uncontrolled:
        names = result.touchpoints.set_index("id").loc[result.uncontrolled, "name"].astype(str).tolist()
        bullets.append(
            _("Uncontrolled touchpoints ({n}): monitor and respond rather than redesign: {names}.").format(
                n=i18n.integer(len(names)), names=_more(names, 8)
            )
        )
    return bullets


WEAK_SPOT_COLUMNS = [
    Column(N_("Weak spot"), 2.4),
    Column(N_("Stage"), 1.35),
    Column(N_("Composite"), 1.05, number=True),
    Column(N_("Priority"), 0.9, number=True),
    Column(N_("Why"), CONTENT_WIDTH - 5.7),
]
ACTION_PLAN_COLUMNS = [
    Column("#", 0.45, number=True),
    Column(N_("Weak spot"), 2.2),
    Column(N_("Stage"), 1.2),
    Column(N_("Current owner"), 1.3),
    Column(N_("Priority"), 0.9, number=True),
    Column(N_("Quadrant"), 1.45),
    Column(N_("Action"), CONTENT_WIDTH - 10.2),  # the widest of the columns to fill in
    # TRANSLATORS: the action plan's columns to fill in: who does the action, by when (a date), how far it is.
    Column(N_("Owner"), 1.0),
    # TRANSLATORS: the date by which an action is to be done.
    Column(N_("Due"), 0.8),
    Column(N_("Status"), 0.9),
]


def _translated(columns: Sequence[Column]) -> list[Column]:
    """Columns with their headers in the current language."""
    return [replace(column, header=_(column.header)) for column in columns]


def weak_spot_rows(result: AuditResult, limit: int = TOP_WEAK_SPOTS) -> list[list[str]]:
    """The top weak spots as the table shows them: name, stage, composite, priority, why."""
    weak = result.touchpoints.set_index("id").loc[result.weak_spots[:limit]]
    return [
        [_text(r["name"]), _text(r["stage"]), _number(r["composite"]), _number(r["priority"]), _text(r["reasons"])]
        for r in weak.to_dict("records")
    ]


def action_plan_rows(result: AuditResult, limit: int = ACTION_PLAN_ROWS) -> list[list[str]]:
    """The workbook's Action plan rows for the slide: weak spots by priority, Action to Status left to fill."""
    weak = result.touchpoints.set_index("id").loc[result.weak_spots[:limit]]
    return [
        [i18n.integer(i), _text(r["name"]), _text(r["stage"]), _text(r["owner"]), _number(r["priority"]),
         _text(_(r["quadrant"]) if isinstance(r["quadrant"], str) and r["quadrant"] else r["quadrant"]), "", "", "", ""]
        for i, r in enumerate(weak.to_dict("records"), start=1)
    ]  # fmt: skip


def _text(value: object) -> str:
    """A cell's text: a dash for a missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "-"
    return str(value)


def _number(value: object) -> str:
    """A cell's number with two decimals, in the current language; a dash for a missing value."""
    return i18n.number(float(value), 2) if isinstance(value, int | float) else "-"


# The method's quadrants: (important, strong) -> the words after the quadrant's name.
QUADRANT_RULES = {
    # TRANSLATORS: {quadrant} is a quadrant's name, e.g. "Concentrate here".
    (True, False): N_("{quadrant} (important, weak)"),
    (True, True): N_("{quadrant} (important, strong)"),
    (False, False): N_("{quadrant} (less important, weak)"),
    (False, True): N_("{quadrant} (less important, strong)"),
}


def method_bullets(weights: dict[str, float]) -> list[Bullet]:
    """The method in ten sentences, from the constants the numbers are computed with."""
    scale = ", ".join(f"{i18n.integer(n)} {_(w)}" for n, w in SCALE_WORDS.items())
    weighting = ", ".join(f"{i18n.label(c)} {_g(weights.get(c, 1.0))}" for c in CRITERIA)
    quadrants = "; ".join(
        _(QUADRANT_RULES[(important, strong)]).format(quadrant=_(QUADRANTS[(important, strong)]))
        for important in (True, False)
        for strong in (False, True)
    )
    lowest, highest = i18n.integer(LOWEST_SCORE), i18n.integer(HIGHEST_SCORE)
    weak = {"composite": i18n.number(WEAK_COMPOSITE, 1), "criterion": i18n.number(WEAK_CRITERION, 1)}
    return [
        *[(i18n.label(c), _(RUBRIC[c])) for c in CRITERIA],
        (
            _("Scale"),
            _("{lowest}-{highest}: {scale}. An empty score is not scored, never zero.").format(
                lowest=lowest, highest=highest, scale=scale
            ),
        ),
        (
            _("Composite"),
            _("The weighted mean of the criterion means (weights: {weights}).").format(weights=weighting),
        ),
        (
            _("Weak spot"),
            _("A composite below {composite}, or any criterion mean of {criterion} or lower.").format(**weak),
        ),
        (
            _("Priority"),
            _("Importance x ({highest} - composite); weak spots are listed highest first.").format(highest=highest),
        ),
        (
            _("Quadrants"),
            _(
                "Importance {important} or more is important, a composite of {strong} or more is strong: {quadrants}."
            ).format(important=_g(IMPORTANT), strong=i18n.number(STRONG, 1), quadrants=quadrants),
        ),
        (
            _("Consistency"),
            _(
                "1 - sd / {largest} of the composites within a stage; a channel spread of {spread} or more marks "
                "the stage inconsistent. A perception gap of {gap} or more is flagged."
            ).format(largest=_g(LARGEST_SD), spread=_g(INCONSISTENT_SPREAD), gap=i18n.signed(PERCEPTION_GAP, 0)),
        ),
        (
            _("Agreement"),
            _(
                "Krippendorff's alpha (ordinal): {reliable} or more reliable, {tentative} to {reliable} "
                "tentative, below {tentative} low."
            ).format(reliable=i18n.number(RELIABLE, 3), tentative=i18n.number(TENTATIVE, 3)),
        ),
    ]


# --- the report ----------------------------------------------------------------------------


def audit_report(
    result: AuditResult,
    meta: AuditMeta,
    *,
    assessors: Sequence[str] | None = None,
    on: date | None = None,
    comparison_slide: Callable[[Deck], object] | None = None,
    progress: Progress | None = None,
    language: str | None = None,
) -> bytes:
    """The report as .pptx bytes. `assessors` default to the result's, `on` to today;
    `comparison_slide` adds its slides to the deck after the headline figures.

    The deck is written in `language` (a code of audit.i18n; None: the current language);
    `progress` is told in the current language, the one of whoever waits for the file.
    """
    caller = i18n.current()
    with i18n.use(language):
        return _audit_report(result, meta, assessors, on, comparison_slide, _told(progress, caller))


def _audit_report(
    result: AuditResult,
    meta: AuditMeta,
    assessors: Sequence[str] | None,
    on: date | None,
    comparison_slide: Callable[[Deck], object] | None,
    progress: Callable[[float, Callable[[], str]], None] | None,
) -> bytes:
    day = i18n.date(on or date.today())
    heading = _("Touchpoint audit: {name}").format(name=meta.name)
    deck = Deck(_("Touchpoint audit: {name} · {date}").format(name=meta.name, date=day), title=heading)
    names = list(result.assessors if assessors is None else assessors)
    drawn = [n for n in [*CHART_TITLES, *(n for n in charts.CHARTS if n not in CHART_TITLES)] if n in charts.CHARTS]
    steps = 6 + len(drawn)
    done = 0

    def step(text: Callable[[], str]) -> None:
        nonlocal done
        if progress:
            progress(done / steps, text)
        done += 1

    step(lambda: _("Writing the title and the headline figures..."))
    title_slide(deck, meta.name, _title_lines(result, meta, names, day))
    figures_slide(deck, _("Headline figures"), headline_figures(result))
    if comparison_slide is not None:
        comparison_slide(deck)
    step(lambda: _("Writing the findings..."))
    bullets_slide(deck, _("Findings"), findings_bullets(result))
    step(lambda: _("Writing the weak spots..."))
    _weak_spots_slides(deck, result)
    empty: dict[str, list[str]] = {}  # reason -> the charts it keeps empty
    for name in drawn:
        title = _chart_title(name)
        step(functools.partial(_drawing, name))
        reason = charts.empty_reason(name, result, deck=True)
        if reason:
            empty.setdefault(reason, []).append(title)
            continue
        chart, note = _chart_for_slide(name, result)
        caption = charts.caption(name, deck=True) if name in charts.CAPTIONS else None
        chart_slide(deck, title, chart_png(chart), [s for s in (caption, note) if s])
    if empty:
        bullets_slide(
            deck, _("Charts not drawn yet"), [(", ".join(titles), reason) for reason, titles in empty.items()]
        )
    step(lambda: _("Writing the action plan..."))
    _action_plan_slides(deck, result)
    step(lambda: _("Writing the method..."))
    bullets_slide(deck, _("Method"), method_bullets(result.weights), size=15, per_slide=len(CRITERIA) + 7)
    step(lambda: _("Saving the deck..."))
    data = deck.save()
    if progress:
        progress(1.0, lambda: _("Done"))
    return data


def _chart_title(name: str) -> str:
    return _(CHART_TITLES[name]) if name in CHART_TITLES else name.replace("_", " ").capitalize()


def _drawing(name: str) -> str:
    return _("Drawing {chart}...").format(chart=_chart_title(name).lower())


def _told(progress: Progress | None, language: str) -> Callable[[float, Callable[[], str]], None] | None:
    """`progress`, told its sentences in `language` (the caller's) while the file is written in another."""
    if progress is None:
        return None

    def tell(done: float, text: Callable[[], str]) -> None:
        with i18n.use(language):
            said = text()
        progress(done, said)

    return tell


def _title_lines(result: AuditResult, meta: AuditMeta, assessors: list[str], day: str) -> list[str]:
    lines = [_("Client: {client}").format(client=meta.client)] if meta.client else []
    lines += [
        _("Date: {date}").format(date=day),
        _("Assessors: {names}").format(names=_more(assessors, 12)) if assessors else _("Assessors: no assessors yet"),
        _("Touchpoints: {n}").format(n=i18n.integer(len(result.touchpoints))),
    ]
    return lines


NOT_SCORED_YET = N_("No touchpoint is scored yet: the weak spots, their reasons and the action plan follow the scores.")


def _weak_reason(result: AuditResult) -> str:
    if not result.has_scores:
        return _(NOT_SCORED_YET)
    return charts.empty_reason("weak_spots", result, deck=True) or _("No weak spot.")


def _weak_spots_slides(deck: Deck, result: AuditResult) -> None:
    title = _("Top weak spots")
    if not result.weak_spots:
        bullets_slide(deck, title, [_weak_reason(result)])
        return
    total = len(result.weak_spots)
    note = (
        _(
            "The {shown} weak spots with the highest priority, of {total}; the action plan goes on with the rest."
        ).format(shown=i18n.integer(TOP_WEAK_SPOTS), total=i18n.integer(total))
        if total > TOP_WEAK_SPOTS
        else None
    )
    table_slide(deck, title, _translated(WEAK_SPOT_COLUMNS), weak_spot_rows(result), note=note, size=12)


def _action_plan_slides(deck: Deck, result: AuditResult) -> None:
    title = _("Action plan")
    if not result.weak_spots:
        # TRANSLATORS: {reason} is a sentence saying why there are no weak spots yet.
        bullets_slide(deck, title, [_("Nothing to plan yet. {reason}").format(reason=_weak_reason(result))])
        return
    total = len(result.weak_spots)
    sheet = _(ACTION_PLAN_SHEET)
    note = _("Agree an action, an owner and a date for each; the workbook's {sheet} sheet has the same rows.").format(
        sheet=sheet
    )
    if total > ACTION_PLAN_ROWS:
        note = _(
            "The {shown} weak spots with the highest priority, of {total}; the workbook's {sheet} sheet lists every "
            "one, with the same columns to fill in."
        ).format(shown=i18n.integer(ACTION_PLAN_ROWS), total=i18n.integer(total), sheet=sheet)
    table_slide(deck, title, _translated(ACTION_PLAN_COLUMNS), action_plan_rows(result), note=note, size=11)


def slide_count(pptx: bytes) -> int:
    """How many slides a .pptx holds (read from its zip listing, without parsing it)."""
    with zipfile.ZipFile(io.BytesIO(pptx)) as package:
        return sum(1 for n in package.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))


# --- PDF -----------------------------------------------------------------------------------


def report_pdf(pptx: bytes, *, timeout: float = PDF_TIMEOUT) -> bytes:
    """The deck as a PDF, page for slide, converted by LibreOffice (`soffice --headless`).

    Each conversion runs in a temporary folder with a LibreOffice profile of its own, so that
    conversions at the same time do not wait on (or break) one another's profile.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReportError(_(NEEDS_LIBREOFFICE) + ".")
    with tempfile.TemporaryDirectory(prefix="touchpoint_report_") as folder:
        work = Path(folder)
        source = work / "report.pptx"
        source.write_bytes(pptx)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        status, output = _run_soffice(command, timeout)
        pdf = work / "report.pdf"
        if status != 0 or not pdf.exists():
            last = output.strip().splitlines()[-1] if output.strip() else None  # LibreOffice's own words
            detail = last or _("exit status {status}").format(status=status)
            raise ReportError(
                # TRANSLATORS: {detail} is LibreOffice's own last line of output (in English), or its exit status.
                _(
                    "LibreOffice could not convert the report to PDF ({detail}). It needs its presentation part: "
                    "apt-get install libreoffice-impress-nogui"
                ).format(detail=detail)
            )
        return pdf.read_bytes()


def _run_soffice(command: list[str], timeout: float) -> tuple[int, str]:
    """Run LibreOffice in a process group of its own, and end the whole group if it takes too long
    (the `soffice` script starts the real program as a child)."""
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
    except OSError as error:
        # TRANSLATORS: {needs} is the sentence saying the PDF needs LibreOffice; {reason} the system's error.
        raise ReportError(_("{needs} ({reason}).").format(needs=_(NEEDS_LIBREOFFICE), reason=error.strerror)) from error
    try:
        output, _errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ReportError(
            _(
                "LibreOffice took more than {seconds} s to convert the report to PDF and was stopped; try again, "
                "or download the PowerPoint report and save it as PDF."
            ).format(seconds=_g(timeout))
        ) from None
    return process.returncode, output


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF has, counted from its page objects (LibreOffice writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


MOVED_SHOWN = 8  # touchpoints named on the comparison slide, the largest changes first


def comparison_slides(deck: Deck, comparison: Comparison) -> None:
    """The audit against its baseline (or a competitor's): the stages' dumbbell chart with its sentence,
    then what changed in sentences, with what moved and the weak spots fixed and new by name. With nothing
    to draw (an audit without scores) the sentences say why, and no chart slide is made."""
    other = comparison.before_label
    baseline = comparison.kind is Kind.BASELINE
    # TRANSLATORS: a slide's title; {audit} is the name of the baseline audit (or of the competitor's audit).
    title = (_("Since {audit}") if baseline else _("Against {audit}")).format(audit=other)
    sentences = comparison.sentences()
    reason = compare_charts.empty_reason(comparison)
    if reason is None:
        chart = compare_charts.stages(comparison)
        chart_slide(deck, title, chart_png(chart), [sentences[0], compare_charts.caption("stages", comparison)])
    bullets: list[Bullet] = list(sentences if reason else sentences[1:])  # the first sits under the chart
    moved = comparison.touchpoints[comparison.touchpoints["beyond_noise"].eq(True)]
    moved = moved.reindex(moved["composite_change"].abs().sort_values(ascending=False).index)
    if not moved.empty:
        shown = [
            f"{name} {i18n.signed(change)}"
            for name, change in zip(moved["name"], moved["composite_change"], strict=True)
        ]
        bullets.append((comparison.words["moved"], _more(shown, MOVED_SHOWN) + "."))
    for lead, ids in list(comparison.weak_lists().items())[:2]:
        if ids:
            # TRANSLATORS: {list} is the name of a list of weak spots, lowercased: "fixed" or "new".
            named = _("Weak spots {list}").format(list=lead.lower()) if baseline else lead
            bullets.append((named, i18n.join(comparison.named(ids)) + "."))
    heading = _("What changed since {audit}").format(audit=other) if baseline else title
    bullets_slide(deck, heading, bullets, size=16)


def report_file(
    result: AuditResult,
    meta: AuditMeta,
    kind: Literal["pptx", "pdf"],
    *,
    comparison: Comparison | None = None,
    progress: Progress | None = None,
    language: str | None = None,
) -> bytes:
    """The report as .pptx or .pdf: the one action behind `python -m audit report` and the Export page.
    A `comparison` (with the audit's baseline or a competitor's) adds its slides after the headline figures.
    The report is in `language` (None: the current language); `progress` and a ReportError speak the
    current language, the caller's."""
    compared = None if comparison is None else functools.partial(comparison_slides, comparison=comparison)
    if kind == "pptx":
        return audit_report(result, meta, comparison_slide=compared, progress=progress, language=language)
    share = 0.7  # of the progress bar for the deck; LibreOffice's conversion takes the rest

    def deck_progress(done: float, text: str) -> None:
        if progress:
            progress(done * share, text)

    deck = audit_report(result, meta, comparison_slide=compared, progress=deck_progress, language=language)
    if progress:
        progress(share, _("Converting to PDF with LibreOffice..."))
    pdf = report_pdf(deck)
    if progress:
        progress(1.0, _("Done"))
    return pdf
