"""Reading one cell: as text, as a number, or as blank.

Cells come from calamine (str, float, int, bool, date, datetime) or from CSV (str).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time

Cell = object

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_THOUSANDS_COMMA = re.compile(r"[-+]?\d{1,3}(,\d{3})+")
# Persian and Arabic write "۳٫۵" and "۱٬۰۰۰"; a number copied from a Persian page carries CLDR's
# "\u200e−" (a direction mark and a real minus sign).
_SIGNS = str.maketrans({"\u066b": ".", "\u066c": "", "\u2212": "-", "\u200e": "", "\u200f": ""})


def cell_text(cell: Cell) -> str | None:
    """The cell as stripped text, None when empty."""
    if type(cell) is str:  # the common case first: most cells are text
        return cell.strip() or None
    if cell is None:
        return None
    if isinstance(cell, float):
        if math.isnan(cell):
            return None
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="minutes") if cell.time() != time() else cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell).strip()
    return text or None


def cell_number(cell: Cell, *, thousands: bool = False) -> float | None:
    """A number from a cell: Excel numbers as they are, text with a decimal comma or spaces too."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        value = float(cell)
        return value if math.isfinite(value) else None
    if not isinstance(cell, str):
        return None
    text = _SPACES.sub("", cell).translate(_SIGNS)
    if not text:
        return None
    if text.count(".") > 1 and "," not in text:
        text = text.replace(".", "")  # 1.234.567
    if "," in text and "." in text:
        # The separator that comes last is the decimal one: 1.234,5 and 1,234.5.
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", "") if thousands and _THOUSANDS_COMMA.fullmatch(text) else text.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def is_blank(cell: Cell) -> bool:
    """The one missing-value rule: None, NaN, pandas' NA and NaT, and text of nothing but spaces.

    Cheap, since every cell of every row passes here; pandas is not imported for it.
    """
    if type(cell) is str:
        return not cell.strip()
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    return type(cell).__name__ in _PANDAS_MISSING


_PANDAS_MISSING = frozenset({"NAType", "NaTType"})


def row_has_data(row: Sequence[Cell]) -> bool:
    """True when any cell of the row holds something (is_blank's rule, text cells without a call each)."""
    for cell in row:
        if type(cell) is str:
            if cell and not cell.isspace():
                return True
        elif not is_blank(cell):
            return True
    return False


def column_texts(cells: Sequence[Cell]) -> list[str | None]:
    """A column's cells as stripped text, None when empty: `cell_text` of each, and a column of
    text alone (every CSV column, most name columns) stripped at C speed."""
    if set(map(type, cells)) == {str}:
        return [text or None for text in map(str.strip, cells)]  # type: ignore[arg-type]
    return [(c.strip() or None) if type(c) is str else cell_text(c) for c in cells]
