"""Tables benchmark: what writing a read-only table in the reader's language costs a page run.

The Workshop page redraws the room's table every few seconds, so its cost matters most. For a
room table of N touchpoints (its 12 columns), in one process, median of several runs:
* plain: the frame serialized as st.dataframe serializes it (Arrow), what the page did before;
* styled: ui/tables' grid path, a pandas Styler whose display values are i18n's text, marshalled
  as Streamlit marshals a Styler, plus the same Arrow frame;
* html: ui/tables' right-to-left path, every cell written as text (Persian digits), then Arrow.
Run: ./scripts/bench tables [--sizes 48,500,2000] [--runs 9]
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import median_seconds, print_table  # noqa: E402
from streamlit import dataframe_util  # noqa: E402
from streamlit.elements.lib.pandas_styler_utils import marshall_styler  # noqa: E402
from streamlit.proto.ArrowData_pb2 import ArrowData  # noqa: E402

from audit import i18n  # noqa: E402
from ui import tables  # noqa: E402


def room(size: int) -> pd.DataFrame:
    """A room table as the Workshop page shows it: means with gaps, counts, a flag."""
    rng = np.random.default_rng(7)
    means = {c: np.where(rng.random(size) < 0.1, np.nan, rng.uniform(1, 5, size).round(2)) for c in "RMA"}
    return pd.DataFrame(
        {
            "id": [f"TP-{i:04d}" for i in range(size)],
            "name": [f"Touchpoint {i}" for i in range(size)],
            "stage": rng.choice(["Awareness", "Consideration", "Purchase", "Service", "Loyalty"], size),
            **{f"{c} mean": means[c] for c in "RMA"},
            **{f"{c} n": rng.integers(0, 12, size) for c in "RMA"},
            "composite": rng.uniform(1, 5, size).round(2),
            "spread": rng.integers(0, 4, size),
            "discuss": rng.random(size) < 0.2,
        }
    )


def plain(frame: pd.DataFrame) -> None:
    dataframe_util.convert_pandas_df_to_arrow_bytes(frame)


def styled(frame: pd.DataFrame) -> None:
    marshall_styler(ArrowData(), frame.style.format(tables.formats(frame), na_rep=tables.MISSING), "bench")
    dataframe_util.convert_pandas_df_to_arrow_bytes(frame)


def html(frame: pd.DataFrame) -> None:
    with i18n.use("fa"):
        dataframe_util.convert_pandas_df_to_arrow_bytes(tables.texts(frame))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="48,500,2000", help="touchpoints in the room table (comma-separated)")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        frame = room(size)
        with i18n.use("ru"):
            before = median_seconds(functools.partial(plain, frame), args.runs)
            grid = median_seconds(functools.partial(styled, frame), args.runs)
        rtl = median_seconds(functools.partial(html, frame), args.runs)
        rows.append((size, before * 1000, grid * 1000, grid / before, rtl * 1000, rtl / before))
    print_table(["touchpoints", "plain ms", "styled ms", "styled/plain", "html ms", "html/plain"], rows)


if __name__ == "__main__":
    main()
