"""The app starts on the sample inventory without an exception."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest


def test_app_shows_the_sample_inventory() -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert app.title[0].value == "Touchpoint Audit"
    assert app.metric[0].value == "48"
    assert len(app.dataframe[0].value) == 48
