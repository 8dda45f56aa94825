"""Reading inventories: header, mapping, touchpoints, stage order and every problem, exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from conftest import INVENTORIES, REALWORLD, SAMPLE_INVENTORY, where

from audit import i18n
from audit.inventory import Touchpoint, detect_language, read_inventory, stage_order
from audit.problems import ReadError, SheetNotFound


@dataclass
class Case:
    file: str
    header_row: int | None
    mapping: dict[str, str]
    count: int
    stages: list[str]
    problems: list[tuple[str, int | None, str | None]]
    sheet: str | None = None
    options: dict[str, object] = field(default_factory=dict)


CASES = [
    Case(
        "title_rows.xlsx",
        header_row=4,
        sheet="Touchpoints",
        mapping={
            "id": "ID",
            "name": "Touchpoint",
            "stage": "Stage",
            "channel": "Channel",
            "type": "Type",
            "relevance": "Relevance",
        },
        count=5,
        stages=["Awareness", "Purchase", "Service"],
        problems=[("type_inferred", None, "Channel")],
    ),
    Case(
        "multi_sheet_pt.xlsx",
        header_row=1,
        sheet="Inventário",
        mapping={
            "id": "Código",
            "name": "Nome do ponto de contato",
            "stage": "Etapa",
            "channel": "Canal",
            "type": "Tipo",
            "control": "Controle",
            "owner": "Responsável",
            "importance": "Importância",
            "customer_rating": "Avaliação dos clientes",
            "relevance": "Relevância",
            "meaningfulness": "Significado",
            "attractiveness": "Atratividade",
            "notes": "Observações",
        },
        count=5,
        stages=["Conscientização", "Consideração", "Compra", "Fidelização"],
        problems=[("sheet_chosen", None, None), ("type_inferred", None, "Canal")],
    ),
    Case(
        "ru_cp1251_semicolon.csv",
        header_row=2,
        mapping={
            "id": "№",
            "name": "Название",
            "stage": "Этап",
            "channel": "Канал",
            "type": "Тип",
            "control": "Контроль",
            "owner": "Ответственный",
            "importance": "Важность",
            "reach": "Охват",
            "customer_rating": "Оценка клиентов",
            "relevance": "Релевантность",
            "meaningfulness": "Значимость",
            "attractiveness": "Привлекательность",
            "notes": "Комментарий",
        },
        count=5,
        stages=["Осведомленность", "Рассмотрение", "Покупка", "Обслуживание", "Лояльность"],
        problems=[("text_format", None, None), ("score_out_of_range", 5, "Релевантность")],
    ),
    Case(
        "pt_cp1252.tsv",
        header_row=1,
        mapping={
            "name": "Ponto de contato",
            "stage": "Fase",
            "channel": "Canal",
            "type": "Tipo",
            "control": "Controlado",
            "customer_rating": "Nota dos clientes",
        },
        count=3,
        stages=["Descoberta", "Compra", "Pós-venda"],
        problems=[("text_format", None, None)],
    ),
    Case(
        "fa_utf8_bom.csv",
        header_row=1,
        mapping={
            "name": "نام نقطه تماس",
            "stage": "مرحله",
            "channel": "کانال",
            "type": "نوع",
            "control": "کنترل",
            "importance": "اهمیت",
        },
        count=3,
        stages=["آگاهی", "خرید", "خدمات"],
        problems=[("text_format", None, None)],
    ),
    Case(
        "en_problems.csv",
        header_row=1,
        mapping={
            f: f
            for f in (
                "id",
                "name",
                "stage",
                "channel",
                "type",
                "control",
                "importance",
                "reach",
                "conversions",
                "customer_rating",
                "relevance",
                "meaningfulness",
                "attractiveness",
                "notes",
            )
        },
        count=5,
        stages=["Awareness", "Purchase", "Service", "Loyalty", "Unassigned"],
        problems=[
            ("text_format", None, None),
            ("missing_name", 3, "name"),
            ("duplicate_id", 4, "id"),
            ("score_not_a_number", 5, "relevance"),
            ("unknown_type", 6, "type"),
            ("unknown_control", 6, "control"),
            ("out_of_range", 6, "importance"),
            ("not_a_number", 6, "reach"),
            ("out_of_range", 6, "customer_rating"),
            ("score_out_of_range", 6, "relevance"),
            ("score_not_whole", 6, "meaningfulness"),
            ("missing_stage", 7, "stage"),
            ("conversions_exceed_reach", 7, "conversions"),
            ("type_inferred", None, "channel"),
        ],
    ),
    Case("empty.csv", None, {}, 0, [], [("text_format", None, None), ("empty_file", None, None)]),
    Case(
        "header_only.csv",
        header_row=1,
        mapping={"name": "Name", "stage": "Stage", "channel": "Channel"},
        count=0,
        stages=[],
        problems=[("text_format", None, None), ("header_only", 1, None)],
    ),
    Case(
        "no_name.csv",
        header_row=1,
        mapping={"stage": "Stage", "channel": "Channel", "owner": "Owner"},
        count=0,
        stages=[],
        problems=[("text_format", None, None), ("no_name_column", 1, None)],
    ),
    Case(
        "no_stage.csv",
        header_row=1,
        mapping={"name": "Touchpoint", "channel": "Channel"},
        count=2,
        stages=["Unassigned"],
        problems=[("text_format", None, None), ("type_inferred", None, "Channel"), ("no_stage_column", None, None)],
    ),
    Case(
        "csv_named.xlsx",
        header_row=1,
        mapping={"name": "name", "stage": "stage"},
        count=1,
        stages=["Awareness"],
        problems=[("text_format", None, None), ("extension_mismatch", None, None)],
    ),
    Case(
        "legacy.xls",
        3,
        {"name": "Name", "stage": "Stage", "type": "Type"},
        2,
        ["Awareness", "Purchase"],
        [],
        sheet="Export",
    ),
    Case(
        "libre.ods",
        3,
        {"name": "Name", "stage": "Stage", "type": "Type"},
        2,
        ["Awareness", "Purchase"],
        [],
        sheet="Pontos",
    ),
    Case(
        "multi_sheet_pt.xlsx",
        header_row=1,
        sheet="Resumo",
        options={"sheet": "Resumo"},
        mapping={"name": "Touchpoints", "stage": "Etapa"},
        count=3,
        stages=["Consideração", "Compra", "Fidelização"],
        problems=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file + ("+" + str(c.options) if c.options else ""))
def test_inventory_cases(case: Case) -> None:
    inventory = read_inventory(INVENTORIES / case.file, **case.options)  # type: ignore[arg-type]
    assert inventory.header_row == case.header_row
    assert inventory.mapping == case.mapping
    assert len(inventory.touchpoints) == case.count
    assert inventory.stages == case.stages
    assert where(inventory.problems) == case.problems
    assert inventory.sheet == case.sheet


def test_title_rows_merged_stage_fills_down_and_blank_row_is_skipped() -> None:
    inventory = read_inventory(INVENTORIES / "title_rows.xlsx")
    rows = [(tp.id, tp.row, tp.stage, tp.type, tp.type_inferred) for tp in inventory.touchpoints]
    assert rows == [
        ("T1", 5, "Awareness", "digital", False),
        ("T2", 6, "Awareness", "digital", False),
        ("T3", 7, "Awareness", "physical", False),
        ("T4", 9, "Purchase", "digital", False),
        ("T5", 10, "Service", "human", True),
    ]
    assert [tp.scores for tp in inventory.touchpoints] == [
        {"relevance": 4},
        {"relevance": 5},
        {"relevance": 3},
        {},
        {"relevance": 2},
    ]


def test_russian_values_are_normalised_and_decimal_commas_read() -> None:
    inventory = read_inventory(INVENTORIES / "ru_cp1251_semicolon.csv")
    site, shop, calls, tv, forum = inventory.touchpoints
    assert (site.id, site.type, site.control, site.reach, site.customer_rating) == (
        "1",
        "digital",
        "controlled",
        12500.0,
        4.5,
    )
    assert (shop.type, calls.type, calls.control, forum.control) == ("physical", "human", "partly", "uncontrolled")
    assert calls.scores == {"meaningfulness": 3, "attractiveness": 2}  # relevance 6 was refused
    assert (tv.reach, tv.customer_rating, forum.customer_rating) == (None, None, 2.8)


def test_portuguese_and_persian_values() -> None:
    pt = read_inventory(INVENTORIES / "pt_cp1252.tsv").touchpoints
    assert [(t.name, t.type, t.control, t.customer_rating) for t in pt] == [
        ("Atendimento telefônico", "human", "uncontrolled", 3.5),
        ("Catálogo impresso", "physical", "controlled", 4.0),
        ("Aplicativo", "digital", "controlled", 4.8),
    ]
    assert pt[0].extra == {"Atenção": "Espera longa"}
    fa = read_inventory(INVENTORIES / "fa_utf8_bom.csv").touchpoints
    assert [(t.type, t.control, t.importance) for t in fa] == [
        ("digital", "controlled", 4.0),
        ("physical", "controlled", 5.0),
        ("human", "uncontrolled", 3.0),
    ]


def test_problem_rows_keep_good_cells_and_leave_bad_ones_empty() -> None:
    tps = {tp.id: tp for tp in read_inventory(INVENTORIES / "en_problems.csv").touchpoints}
    assert sorted(tps) == ["T1", "T3", "T4", "T5", "T6"]
    t4 = tps["T4"]
    assert (t4.type, t4.control, t4.importance, t4.reach, t4.conversions, t4.customer_rating) == (
        None,
        None,
        3.0,
        None,
        50.0,
        None,
    )
    assert t4.scores == {"attractiveness": 5}
    assert tps["T3"].control == "controlled" and tps["T3"].scores == {"meaningfulness": 4, "attractiveness": 3}
    assert tps["T5"].stage == "Unassigned" and tps["T5"].conversion_rate == 3.0
    assert tps["T1"].conversion_rate == pytest.approx(0.1)


def test_numbers_with_thousands_and_decimal_commas() -> None:
    inventory = read_inventory(INVENTORIES / "reach_thousands.csv")
    assert [(t.reach, t.customer_rating) for t in inventory.touchpoints] == [
        (1234.0, 4.0),
        (12.5, 3.0),
        (1234567.0, 4.25),
    ]


def test_unmapped_columns_travel_with_the_touchpoint() -> None:
    inventory = read_inventory(SAMPLE_INVENTORY)
    assert inventory.extra_columns == ["Region"]
    assert inventory.touchpoints[0].extra == {"Region": "National"}
    frame = inventory.to_frame()
    assert list(frame.columns[-1:]) == ["Region"] and len(frame) == 48


def test_sample_inventory_headline() -> None:
    inventory = read_inventory(SAMPLE_INVENTORY)
    assert (inventory.sheet, inventory.header_row, len(inventory.touchpoints)) == ("Inventory", 4, 48)
    assert inventory.stages == ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
    assert where(inventory.problems) == [("sheet_chosen", None, None)]
    assert {tp.type for tp in inventory.touchpoints} == {"physical", "digital", "human", None}
    assert {tp.control for tp in inventory.touchpoints} == {"controlled", "partly", "uncontrolled"}
    assert inventory.can_import


def test_uk_bereavement_needs_a_hand_made_mapping() -> None:
    path = REALWORLD / "uk_bereavement_touchpoints.csv"
    unmapped = read_inventory(path)
    assert where(unmapped.problems) == [("text_format", None, None), ("no_name_column", 1, None)]
    message = unmapped.problems[1].message
    assert "touchpoint_id, need_id, label, actor_type" in message and "--map name=HEADER" in message
    assert not unmapped.can_import
    mapped = read_inventory(path, overrides={"name": "label", "stage": "need_id"})
    assert len(mapped.touchpoints) == 33
    assert mapped.mapping == {"name": "label", "stage": "need_id", "id": "touchpoint_id", "notes": "notes"}
    assert mapped.stages[:3] == ["pre_death_planning", "register_death", "arrange_funeral"]
    assert len(mapped.stages) == 13
    assert mapped.touchpoints[0].extra == {
        "actor_type": "state",
        "sector": "government",
        "current_providers": "Office of the Public Guardian",
        "mandatory": "no",
    }
    assert where(mapped.problems) == [("text_format", None, None)]


def test_service_blueprint_rows_without_a_touchpoint_are_named() -> None:
    inventory = read_inventory(REALWORLD / "service_blueprint_en.xlsx")
    assert [t.name for t in inventory.touchpoints] == ["google", "github", "email", "github"]
    assert where(inventory.problems) == [
        ("missing_name", 4, "touchpoints"),
        ("missing_name", 6, "touchpoints"),
        ("missing_name", 8, "touchpoints"),
        ("no_stage_column", None, None),
    ]
    assert "blueprinta team 'make fix'" in inventory.problems[1].message
    assert inventory.touchpoints[1].id != inventory.touchpoints[3].id


def test_mapping_to_a_missing_header_is_an_error_naming_the_columns() -> None:
    inventory = read_inventory(REALWORLD / "uk_bereavement_touchpoints.csv", overrides={"name": "title"})
    assert where(inventory.problems)[1:] == [("map_unknown_header", 1, "title"), ("no_name_column", 1, None)]
    assert "columns found: touchpoint_id, need_id, label" in inventory.problems[1].message


def test_override_header_is_matched_without_case() -> None:
    inventory = read_inventory(REALWORLD / "uk_bereavement_touchpoints.csv", overrides={"name": "LABEL"})
    assert inventory.mapping["name"] == "label" and len(inventory.touchpoints) == 33


def test_derived_ids_are_stable_across_reimports() -> None:
    first = [tp.id for tp in read_inventory(INVENTORIES / "no_stage.csv").touchpoints]
    again = [tp.id for tp in read_inventory(INVENTORIES / "no_stage.csv").touchpoints]
    assert first == again and len(set(first)) == 2 and all(i.startswith("tp-") for i in first)


def test_a_second_column_for_the_same_field_is_kept_as_extra(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "two_names.csv"
    path.write_text("Name,Touchpoint,Stage\nSite,Website home,Awareness\n", encoding="utf-8")
    inventory = read_inventory(path)
    assert inventory.mapping["name"] == "Name"
    assert where(inventory.problems)[1:] == [("duplicate_column", 1, "Touchpoint")]
    assert inventory.touchpoints[0].extra == {"Touchpoint": "Website home"}


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        (["Loyalty", "Awareness", "Purchase"], ["Awareness", "Purchase", "Loyalty"]),
        (["Покупка", "Осведомленность"], ["Осведомленность", "Покупка"]),
        (["Fidelização", "Compra", "Conscientização"], ["Conscientização", "Compra", "Fidelização"]),
        (["Unassigned", "Step B", "Step A"], ["Step B", "Step A", "Unassigned"]),
        (["Step B", "Service", "Step A", "Awareness"], ["Awareness", "Service", "Step B", "Step A"]),
        (["وفاداری", "آگاهی"], ["آگاهی", "وفاداری"]),
    ],
)
def test_stage_order(stages: list[str], expected: list[str]) -> None:
    assert stage_order(stages) == expected


def test_touchpoint_defaults() -> None:
    tp = Touchpoint(id="x", name="Site", stage="Awareness")
    assert (tp.importance, tp.scores, tp.extra, tp.conversion_rate) == (3.0, {}, {}, None)


# --- the inventory's language, and its messages in the user's ----------------------------------


@pytest.mark.parametrize(
    ("path", "options", "language"),
    [
        (INVENTORIES / "ru_cp1251_semicolon.csv", {}, "ru"),
        (INVENTORIES / "pt_cp1252.tsv", {}, "pt"),
        (INVENTORIES / "multi_sheet_pt.xlsx", {}, "pt"),
        (INVENTORIES / "fa_utf8_bom.csv", {}, "fa"),
        (SAMPLE_INVENTORY, {}, "en"),
        (INVENTORIES / "en_problems.csv", {}, "en"),
        (REALWORLD / "service_blueprint_en.xlsx", {}, "en"),
        (REALWORLD / "uk_bereavement_touchpoints.csv", {"overrides": {"name": "label", "stage": "need_id"}}, "en"),
        (INVENTORIES / "no_name.csv", {}, "en"),  # not importable: its language is still told
    ],
)
def test_the_language_is_the_one_whose_headers_the_file_uses(path, options, language) -> None:  # type: ignore[no-untyped-def]
    assert read_inventory(path, **options).language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Nº,Item\n1,Website\n", "en"),  # "Nº" is a header in English and in Portuguese: a tie
        ("Item,Canal,Канал\nSite,X,Y\n", "en"),  # one Portuguese and one Russian header: a tie
        ("Nº,Item,Jornada\n1,Site,Descoberta\n2,Loja,Compra\n", "pt"),  # the tie broken by the stage names
        ("Nº,Item,Jornada\n1,Site,Awareness\n", "en"),
        ("Nº,Item,Jornada\n1,Сайт,Покупка\n", "en"),  # Russian stages break no tie between English and Portuguese
        ("Item,Jornada\nSite,Descoberta\n", "pt"),  # no header of any language: the stage names tell
        ("Item,Jornada\nSite,Journey A\n", "en"),  # nothing at all: English
    ],
)
def test_ambiguous_headers_give_english_unless_the_values_tell(tmp_path, text: str, language: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ambiguous.csv"
    path.write_text(text, encoding="utf-8")
    inventory = read_inventory(path, overrides={"name": "Item", **({"stage": "Jornada"} if "Jornada" in text else {})})
    assert inventory.touchpoints, inventory.problems
    assert inventory.language == language


def test_detect_language_asks_for_the_values_only_on_a_tie() -> None:
    def values() -> list[str]:
        raise AssertionError("the headers decide")

    assert detect_language(["Название", "Этап", "Канал"], values) == "ru"
    assert detect_language(["Nº"], lambda: ["Compra"]) == "pt"
    assert detect_language([]) == "en"


@pytest.mark.usefixtures("in_pseudo")
@pytest.mark.parametrize(
    ("file", "options"),
    [
        ("en_problems.csv", {}),
        ("empty.csv", {}),
        ("header_only.csv", {}),
        ("no_name.csv", {}),
        ("no_name.csv", {"overrides": {"name": ""}}),
        ("no_stage.csv", {}),
        ("multi_sheet_pt.xlsx", {}),
        ("title_rows.xlsx", {}),
        ("reach_thousands.csv", {}),
        ("ru_cp1251_semicolon.csv", {"overrides": {"name": "Nope"}}),
    ],
)
def test_every_problem_is_said_in_the_users_language(file: str, options: dict[str, object]) -> None:
    problems = read_inventory(INVENTORIES / file, **options).problems  # type: ignore[arg-type]
    assert problems
    for problem in problems:
        assert problem.message.startswith("⟦") and problem.message.endswith("⟧"), problem
        assert i18n.placeholders(problem.message) == [], problem  # every placeholder filled


@pytest.mark.usefixtures("in_pseudo")
def test_refusals_are_said_in_the_users_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.md"
    notes.write_text("# not an inventory\n", encoding="utf-8")
    with pytest.raises(ReadError, match="^⟦") as caught:
        read_inventory(notes)
    assert "notes.md" in str(caught.value)
    with pytest.raises(SheetNotFound, match="^⟦No sheet called 'Nope'"):
        read_inventory(SAMPLE_INVENTORY, sheet="Nope")
