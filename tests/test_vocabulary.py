"""Header, value and stage words in English, Russian, Portuguese and Persian."""

from __future__ import annotations

import pytest

from audit.cells import cell_number
from audit.vocabulary import (
    HEADER_INDEX,
    control_level,
    default_stage,
    field_for_header,
    normalize,
    touchpoint_type,
    type_from_channel,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Touchpoint", "name"),
        ("  TOUCH POINT  ", "name"),
        ("Название", "name"),
        ("Nome", "name"),
        ("نام", "name"),
        ("نقطه‌ی تماس", "name"),
        ("Этап", "stage"),
        ("Journey_Stage", "stage"),
        ("Estágio", "stage"),
        ("ESTAGIO", "stage"),
        ("مرحله", "stage"),
        ("Канал", "channel"),
        ("Tipo", "type"),
        ("Контроль", "control"),
        ("Controlável", "control"),
        ("Responsável", "owner"),
        ("Importance (1-5)", "importance"),
        ("Reach / month", "reach"),
        ("Охват, чел.", "reach"),
        ("Alcance por mês", "reach"),
        ("CSAT", "customer_rating"),
        ("Relevância", "relevance"),
        ("Значимость", "meaningfulness"),
        ("Привлекательность", "attractiveness"),
        ("جذابیت", "attractiveness"),
        ("Observações", "notes"),
        ("№", "id"),
        ("Código", "id"),
        ("Region", None),
        ("need_id", None),
        ("label", None),
        ("", None),
    ],
)
def test_field_for_header(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Цифровая", "digital"),
        ("Digital", "digital"),
        ("Físico", "physical"),
        ("FISICA", "physical"),
        ("Humano", "human"),
        ("انسانی", "human"),
        ("دیجیتال", "digital"),
        ("robot", None),
    ],
)
def test_touchpoint_type(value: str, kind: str | None) -> None:
    assert touchpoint_type(value) == kind


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("Да", "controlled"),
        ("Нет", "uncontrolled"),
        ("yes", "controlled"),
        ("No", "uncontrolled"),
        ("Sim", "controlled"),
        ("Não", "uncontrolled"),
        ("Частично", "partly"),
        ("Parcialmente", "partly"),
        ("بله", "controlled"),
        ("خیر", "uncontrolled"),
        ("Partly controlled", "partly"),
        ("maybe", None),
    ],
)
def test_control_level(value: str, level: str | None) -> None:
    assert control_level(value) == level


@pytest.mark.parametrize(
    ("stage", "model"),
    [
        ("Awareness", "Awareness"),
        ("Осведомлённость", "Awareness"),
        ("Pós-venda", "Service"),
        ("Fidelização", "Loyalty"),
        ("خرید", "Purchase"),
        ("Рассмотрение", "Consideration"),
        ("Onboarding", None),
    ],
)
def test_default_stage(stage: str, model: str | None) -> None:
    assert default_stage(stage) == model


@pytest.mark.parametrize(
    ("channel", "kind"),
    [("Call centre", "human"), ("Website", "digital"), ("Store", "physical"), ("Колл-центр", "human"), ("Radio", None)],
)
def test_type_from_channel(channel: str, kind: str | None) -> None:
    assert type_from_channel(channel) == kind


def test_normalize_folds_case_accents_spaces_and_letters() -> None:
    assert normalize("  Ponto de Contato ") == normalize("ponto_de_contato") == "pontodecontato"
    assert normalize("Ёлка") == normalize("елка")
    assert normalize("كد") == normalize("کد")  # Arabic kaf and Persian kaf are one letter here


def test_no_synonym_is_claimed_by_two_fields() -> None:
    # _index keeps the first field for a word; this makes sure no word was meant for two.
    from audit.vocabulary import _HEADER_SYNONYMS

    owners: dict[str, set[str]] = {}
    for field, words in _HEADER_SYNONYMS.items():
        for word in words:
            owners.setdefault(normalize(word), set()).add(field)
    assert {w: f for w, f in owners.items() if len(f) > 1} == {}
    assert len(HEADER_INDEX) == len(owners)


@pytest.mark.parametrize(
    ("cell", "thousands", "value"),
    [
        (4, False, 4.0),
        (4.5, False, 4.5),
        ("4,5", False, 4.5),
        (" 12 500 ", True, 12500.0),
        ("1,234", True, 1234.0),
        ("1,234", False, 1.234),
        ("1.234,5", False, 1234.5),
        ("1,234.5", False, 1234.5),
        ("1.234.567", True, 1234567.0),
        ("۴", False, 4.0),
        ("abc", False, None),
        ("", False, None),
        (None, False, None),
        (True, False, None),
        ("nan", False, None),
        ("1e3", False, 1000.0),
    ],
)
def test_number(cell: object, thousands: bool, value: float | None) -> None:
    assert cell_number(cell, thousands=thousands) == value
