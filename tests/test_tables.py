"""Read-only tables (ui/tables.py): the numbers as the reader's language writes them, and a Persian
table as an HTML table that flows right to left."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from audit import i18n
from ui import tables

FRAME = pd.DataFrame(
    {
        "stage": ["Awareness", None],
        "mean": [3.254, float("nan")],
        "change": [-0.12, 0.47],
        "n": [1000, 3],
        "discuss": [True, False],
        "updated": pd.to_datetime(["2026-12-06 04:38", None]).tz_localize("UTC"),
    }
)


@pytest.mark.parametrize(
    ("code", "row0", "row1"),
    [
        ("en", ["Awareness", "3.25", "-0.12", "1,000", "✓", "Dec 6, 2026, 4:38\u202fAM"],
         ["-", "-", "+0.47", "3", "", "-"]),
        ("ru", ["Awareness", "3,25", "-0,12", "1\xa0000", "✓", "6 дек. 2026\u202fг., 04:38"],
         ["-", "-", "+0,47", "3", "", "-"]),
        ("fa", ["Awareness", "۳٫۲۵", "\u200e\u2212۰٫۱۲", "۱٬۰۰۰", "✓", "۶ دسامبر ۲۰۲۶،\u200f ۴:۳۸"],
         ["-", "-", "\u200e+۰٫۴۷", "۳", "", "-"]),
    ],
)  # fmt: skip
def test_every_cell_is_written_in_the_readers_language(code: str, row0: list[str], row1: list[str]) -> None:
    with i18n.use(code):
        written = tables.texts(FRAME, signed={"change"})
    assert written.to_numpy().tolist() == [row0, row1]


def _show(code: str) -> None:
    import pandas as pd
    import streamlit as st

    from audit import i18n
    from ui import tables

    frame = pd.DataFrame({"stage": ["Awareness", "Service"], "mean": [3.254, None], "change": [-0.12, 0.47]})
    with i18n.use(st.session_state.get("code", "en")):
        tables.show(frame, key="t", column_config={"mean": "Mean", "change": "Change"}, signed={"change"})


def _app(code: str) -> AppTest:
    app = AppTest.from_function(_show, args=(code,))
    app.session_state["code"] = code
    return app.run()


def test_the_grid_shows_the_languages_text_and_keeps_the_numbers_to_sort_by() -> None:
    app = _app("ru")
    assert not app.exception
    assert not app.table, "left to right, the sortable grid"
    grid = app.dataframe[0]
    assert grid.value["mean"].iloc[0] == pytest.approx(3.254)  # sorted as a number
    shown = grid.proto.arrow_data.styler.display_values
    display = convert_arrow_bytes_to_pandas_df(shown)
    assert display.to_numpy().tolist() == [["Awareness", "3,25", "-0,12"], ["Service", "-", "+0,47"]]
    assert grid.proto.placeholder == tables.MISSING


def test_a_persian_table_is_an_html_table_with_persian_digits_and_its_headers() -> None:
    app = _app("fa")
    assert not app.exception
    assert not app.dataframe, "the canvas grid draws left to right only"
    shown = app.table[0].value
    assert list(shown.columns) == ["stage", "Mean", "Change"]
    # Markdown's signs escaped: st.table reads a cell as Markdown, where "-" alone is an empty list
    assert shown.to_numpy().tolist() == [["Awareness", "۳٫۲۵", "\u200e\u2212۰٫۱۲"], ["Service", "\\-", "\u200e\\+۰٫۴۷"]]


def test_moments_are_in_the_readers_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = pd.DataFrame({"updated": pd.to_datetime(["2026-12-06 04:38"]).tz_localize("UTC")})
    monkeypatch.setattr(tables.st, "context", SimpleNamespace(timezone="Asia/Tehran"))
    with i18n.use("en"):
        assert tables.texts(tables._in_readers_time(moment)).iloc[0, 0] == "Dec 6, 2026, 8:08\u202fAM"  # +03:30
    monkeypatch.setattr(tables.st, "context", SimpleNamespace(timezone="Nowhere/Atlantis"))
    with i18n.use("en"):
        assert tables.texts(tables._in_readers_time(moment)).iloc[0, 0] == "Dec 6, 2026, 4:38\u202fAM"  # UTC stays


def test_missing_values_of_every_kind_read_the_same() -> None:
    """None, NaN, pandas' NA (a string column) and NaT: one "-", in both kinds of table."""
    frame = pd.DataFrame(
        {
            "n": pd.Series([1, None], dtype="Int64"),
            "mean": [2.5, float("nan")],
            "note": pd.Series([pd.NA, "x"], dtype="string"),
            "when": pd.to_datetime([None, "2026-12-06"]),
        }
    )
    with i18n.use("pt"):
        assert tables.texts(frame).to_numpy().tolist() == [
            ["1", "2,50", "-", "-"],
            ["-", "-", "x", "6 de dez. de 2026 00:00"],
        ]

    def page() -> None:
        import pandas as pd

        from ui import tables

        frame = pd.DataFrame(
            {"n": pd.Series([1, None], dtype="Int64"), "note": pd.Series([pd.NA, "x"], dtype="string")}
        )
        tables.show(frame, key="missing")

    app = AppTest.from_function(page).run()
    assert not app.exception
    assert app.dataframe[0].proto.placeholder == tables.MISSING
