"""Read-only tables in the reader's language.

Streamlit's grid writes a number with its own format: a decimal point and Latin digits in
every language, and "None" where a value is missing. `show` gives it the text `audit.i18n`
writes ("3,25" in Russian, "۳٫۲۵" in Persian, "-" for nothing) through a pandas Styler: the
grid shows the text and still sorts by the number. In a right-to-left language the table is
an HTML table instead, which flows right to left (the first column on the right, a wide table
scrolled from the right) and wraps a long Persian name instead of cutting its start; the grid
draws on a canvas, left to right only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Mapping
from typing import Any, Literal

import pandas as pd
import streamlit as st

from audit import i18n

MISSING = "-"  # a value nobody has given, as the page's sentences write it
TICK = "✓"  # a true flag in a right-to-left table ("discuss"); the grid draws a checkbox
ROW_HEIGHT = 36  # pixels of an HTML row, to give a long table a scrolled box like the grid's
TALLEST = 420  # pixels: beyond this a table scrolls, as the grid does

Format = Callable[[Any], str]


def formats(frame: pd.DataFrame, *, signed: Collection[str] = ()) -> dict[Hashable, Format]:
    """How each number, date and flag column is written: two decimals, a sign for a change
    (the `signed` columns), whole counts as counts, a date and time as the language writes them."""
    return {column: _writer(column, kind, signed) for column, kind in frame.dtypes.items()}


def _writer(column: Hashable, kind: Any, signed: Collection[str]) -> Format:
    if column in signed:
        return _missing_or(i18n.signed)
    if pd.api.types.is_bool_dtype(kind):
        return lambda value: TICK if value is True else ""
    if pd.api.types.is_integer_dtype(kind):
        return _missing_or(lambda value: i18n.integer(int(value)))
    if pd.api.types.is_float_dtype(kind):
        return _missing_or(i18n.number)
    if pd.api.types.is_datetime64_any_dtype(kind):
        return _missing_or(i18n.date_time)
    return _missing_or(str)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _missing_or(write: Format) -> Format:
    def written(value: Any) -> str:
        return MISSING if _missing(value) else write(value)

    return written


def texts(frame: pd.DataFrame, *, signed: Collection[str] = ()) -> pd.DataFrame:
    """The table as its reader sees it: every cell a text, a missing one `MISSING`."""
    columns = [
        frame.iloc[:, i].map(_writer(column, kind, signed)) for i, (column, kind) in enumerate(frame.dtypes.items())
    ]
    shown = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=frame.index)
    shown.columns = frame.columns
    return shown


def escaped(texts: pd.DataFrame) -> pd.DataFrame:
    """Texts an HTML table shows as they are: st.table reads each cell as Markdown, where "-" alone
    is an empty list (a blank cell) and "Ad *spring*" would lose its stars. A backslash before
    each punctuation sign keeps it a sign (CommonMark's escapes; the reader sees no backslash)."""
    return texts.map(lambda text: _MARKDOWN_SIGNS.sub(r"\\\1", text))


_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$=])")


def _in_readers_time(frame: pd.DataFrame) -> pd.DataFrame:
    """Moments (kept in UTC) in the time zone of the reader's browser, when it says which."""
    zone = st.context.timezone
    moments = [c for c, kind in frame.dtypes.items() if isinstance(kind, pd.DatetimeTZDtype)]
    if not zone or not moments:
        return frame
    try:
        return frame.assign(**{str(column): frame[column].dt.tz_convert(zone) for column in moments})
    except (KeyError, ValueError):  # a zone name this machine does not know: UTC it stays
        return frame


def label(config: Any, column: str) -> str:
    """The header a column config gives a column ("R mean" is "میانگین R" in Persian)."""
    if isinstance(config, str):
        return config
    if isinstance(config, Mapping) and config.get("label"):
        return str(config["label"])
    return column


def show(
    frame: pd.DataFrame,
    *,
    key: str,
    column_config: Mapping[str, Any] | None = None,
    signed: Collection[str] = (),
    width: Literal["stretch", "content"] = "stretch",
) -> None:
    """One read-only table: the grid (sortable) left to right, an HTML table right to left.

    `column_config` is Streamlit's (a header, or a column such as a ProgressColumn); a number
    column's format is this module's, so a NumberColumn here carries no `format`."""
    config = dict(column_config or {})
    frame = _in_readers_time(frame)
    if i18n.right_to_left():
        shown = escaped(texts(frame, signed=signed))
        shown.columns = [label(config.get(column), column) for column in frame.columns]
        height = min(TALLEST, ROW_HEIGHT * (len(shown) + 1) + 2)
        st.table(shown, hide_index=True, height=height if height == TALLEST else "content")
        return
    styled = frame.style.format(formats(frame, signed=signed), na_rep=MISSING)  # type: ignore[arg-type]
    st.dataframe(
        styled,
        key=key,
        hide_index=True,
        width=width,
        column_config=config,
        placeholder=MISSING,
    )
