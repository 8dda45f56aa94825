"""Build the small messy inventories the import tests read.

The files are committed; this script documents how each was made and rebuilds them:
    .venv/bin/pip install xlwt odfpy   # writers for .xls and .ods, needed only here
    .venv/bin/python tests/data/build_fixtures.py
Each file exercises one thing real client sheets do (see tests/test_inventory.py).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent / "inventories"


def title_rows_xlsx() -> None:
    """Title and notes above the header, a merged stage cell, a blank row inside the table."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Touchpoints"
    sheet["A1"] = "ACME Telecom: touchpoint inventory"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Prepared 2026-10-01, confidential"
    sheet.append([])
    sheet.append(["ID", "Touchpoint", "Stage", "Channel", "Type", "Relevance"])
    sheet.append(["T1", "Website home page", "Awareness", "Website", "Digital", 4])
    sheet.append(["T2", "Search ads", None, "Search", "digital", 5])
    sheet.append(["T3", "Billboard", None, "Outdoor", "Physical", 3])
    sheet.merge_cells("C5:C7")
    sheet.append([])
    sheet.append(["T4", "Online shop", "Purchase", "Website", "Digital", None])
    sheet.append(["T5", "Call centre", "Service", "Call centre", None, 2])
    book.save(HERE / "title_rows.xlsx")


def multi_sheet_xlsx() -> None:
    """A read-me sheet and a summary (whose 'Touchpoints' column holds counts) before the inventory."""
    book = Workbook()
    readme = book.active
    readme.title = "Leia-me"
    readme["A1"] = "Inventário de pontos de contato da Loja Aurora"
    readme["A2"] = "Preencha a aba Inventário."
    summary = book.create_sheet("Resumo")
    summary.append(["Etapa", "Touchpoints"])
    for stage, count in [("Compra", 2), ("Consideração", 1), ("Fidelização", 1)]:
        summary.append([stage, count])
    sheet = book.create_sheet("Inventário")
    sheet.append(
        [
            "Código",
            "Nome do ponto de contato",
            "Etapa",
            "Canal",
            "Tipo",
            "Controle",
            "Responsável",
            "Importância",
            "Avaliação dos clientes",
            "Relevância",
            "Significado",
            "Atratividade",
            "Observações",
        ]
    )
    sheet.append(["P1", "Loja física", "Compra", "Loja", "Físico", "Sim", "Varejo", 5, 4.5, 4, 4, 5, "Fila longa"])
    sheet.append(["P2", "Site", "Consideração", "Site", "Digital", "Sim", "E-commerce", 4, 3.9, 3, 4, 3, None])
    sheet.append(["P3", "Vendedor", "Compra", "Loja", "Humano", "Parcialmente", "Varejo", 4, None, 5, 5, 4, None])
    sheet.append(
        ["P4", "Avaliações no Google", "Fidelização", "Google", None, "Não", None, 3, 3.1, None, None, None, None]
    )
    sheet.append(
        ["P5", "Anúncio na TV", "Conscientização", "TV", "Digital", "Sim", "Marketing", 2, None, 3, 2, 4, None]
    )
    hidden = book.create_sheet("Antigo")
    hidden.append(["Nome", "Etapa"])
    hidden.append(["Folheto", "Compra"])
    hidden.sheet_state = "hidden"
    book.move_sheet("Antigo", offset=-3)
    book.active = 1
    book.save(HERE / "multi_sheet_pt.xlsx")


RUSSIAN = (
    "Инвентаризация точек контакта, 2026;;;;;;;;;;;;;\n"
    "№;Название;Этап;Канал;Тип;Контроль;Ответственный;Важность;Охват;Оценка клиентов;"
    "Релевантность;Значимость;Привлекательность;Комментарий\n"
    "1;Сайт;Рассмотрение;Сайт;Цифровая;Да;Маркетинг;5;12 500;4,5;4;4;5;Быстрый\n"
    "2;Магазин;Покупка;Магазин;Физическая;Да;Розница;4;3 200;4,2;5;4;4;\n"
    "3;Колл-центр;Обслуживание;Телефон;Человеческая;Частично;Поддержка;5;900;3,1;6;3;2;Долгое ожидание\n"
    "4;Реклама по ТВ;Осведомленность;ТВ;Цифровая;Да;Маркетинг;3;;;3;2;3;\n"
    "5;Отзывы на форумах;Лояльность;Форум;Цифровая;Нет;;3;;2,8;;;;Негатив\n"
)


def russian_cp1251_csv() -> None:
    """Russian headers and values, cp1251, semicolons, decimal commas, a title row."""
    (HERE / "ru_cp1251_semicolon.csv").write_bytes(RUSSIAN.encode("cp1251"))


def portuguese_cp1252_tsv() -> None:
    """Portuguese, cp1252 (Windows Western), tab-separated."""
    lines = [
        ["Ponto de contato", "Fase", "Canal", "Tipo", "Controlado", "Nota dos clientes", "Atenção"],
        ["Atendimento telefônico", "Pós-venda", "Telefone", "Humano", "Não", "3,5", "Espera longa"],
        ["Catálogo impresso", "Descoberta", "Correio", "Físico", "Sim", "4", ""],
        ["Aplicativo", "Compra", "Aplicativo", "Digital", "Sim", "4,8", "Ótimo"],
    ]
    text = "\r\n".join("\t".join(line) for line in lines) + "\r\n"
    (HERE / "pt_cp1252.tsv").write_bytes(text.encode("cp1252"))


def persian_bom_csv() -> None:
    """Persian headers and values, UTF-8 with a byte-order mark, Persian digits."""
    text = (
        "نام نقطه تماس,مرحله,کانال,نوع,کنترل,اهمیت\n"
        "وب سایت,آگاهی,سایت,دیجیتال,بله,۴\n"
        "فروشگاه,خرید,فروشگاه,فیزیکی,بله,۵\n"
        "مرکز تماس,خدمات,تلفن,انسانی,خیر,۳\n"
    )
    (HERE / "fa_utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))


PROBLEMS = (
    "id,name,stage,channel,type,control,importance,reach,conversions,customer_rating,"
    "relevance,meaningfulness,attractiveness,notes\n"
    "T1,Website,Awareness,Website,digital,controlled,5,1000,100,4.5,4,4,5,fine\n"
    "T2,,Awareness,Email,digital,controlled,3,,,,,,,no name here\n"
    "T1,Duplicate site,Consideration,Website,digital,controlled,3,,,,,,,\n"
    "T3,Store visit,Purchase,Store,physical,yes,3,,,,good,4,3,\n"
    "T4,Call centre,Service,Phone,robot,maybe,7,abc,50,6,0,3.5,5,\n"
    "T5,App,,App,digital,no,2,100,300,,,,,\n"
    ",,,,,,,,,,,,,\n"
    "T6,Forum,Loyalty,Forum,,uncontrolled,2,,,,2,2,2,\n"
)


def problems_csv() -> None:
    """One of each row-level problem, and a blank row."""
    (HERE / "en_problems.csv").write_text(PROBLEMS, encoding="utf-8")


def small_files() -> None:
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "header_only.csv").write_text("Name,Stage,Channel\n", encoding="utf-8")
    (HERE / "no_stage.csv").write_text("Touchpoint,Channel\nWebsite,Web\nShop,Store\n", encoding="utf-8")
    (HERE / "no_name.csv").write_text("Stage,Channel,Owner\nAwareness,TV,Marketing\n", encoding="utf-8")
    (HERE / "csv_named.xlsx").write_text("name,stage\nWebsite,Awareness\n", encoding="utf-8")
    (HERE / "reach_thousands.csv").write_text(
        'name,reach,customer rating\nShop,"1,234",4\nSite,"12,5",3\nApp,1.234.567,"4,25"\n', encoding="utf-8"
    )


def legacy_xls_and_ods() -> None:
    """The same small inventory as .xls (Excel 97-2003) and .ods (LibreOffice)."""
    import pandas as pd
    import xlwt

    rows = [
        ["Inventory export", None, None],
        [None, None, None],
        ["Name", "Stage", "Type"],
        ["Website", "Awareness", "Digital"],
        ["Store", "Purchase", "Physical"],
    ]
    book = xlwt.Workbook()
    sheet = book.add_sheet("Export")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(HERE / "legacy.xls"))
    frame = pd.DataFrame(rows[3:], columns=rows[2])
    with pd.ExcelWriter(HERE / "libre.ods", engine="odf") as writer:
        frame.to_excel(writer, sheet_name="Pontos", index=False, startrow=2)


SCORES = Path(__file__).parent / "scores"


def score_files() -> None:
    """Workshop scores for title_rows.xlsx (T1 Website home page ... T5 Call centre)."""
    (SCORES / "wide_en.csv").write_text(
        "touchpoint,assessor,relevance,meaningfulness,attractiveness,note\n"
        "T1,Ana,4,5,3,clear\n"
        "Search ads,Ana,2,2,1,\n"
        "T1,Ben,5,4,,\n"
        "T9,Ben,3,3,3,\n"
        "T2,,3,3,3,\n"
        "T3,Ben,6,x,2.5,\n"
        ",Ben,3,3,3,\n"
        "T1,Ana,3,5,3,changed my mind\n",
        encoding="utf-8",
    )
    (SCORES / "long_ru.csv").write_bytes(
        (
            "Точка контакта;Оценщик;Критерий;Оценка;Комментарий\n"
            "T4;Ирина;Релевантность;4;\n"
            "T4;Ирина;Значимость;3;\n"
            "T4;Ирина;Привлекательность;5;красиво\n"
            "Call centre;Ирина;Удобство;2;\n"
            "Call centre;Ирина;Релевантность;0;\n"
        ).encode("cp1251")
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Oficina de avaliação"])
    sheet.append(["Ponto de contato", "Avaliador", "Relevância", "Significado", "Atratividade", "Observações"])
    sheet.append(["T5", "Rui", 2, 1, 2, "espera longa"])
    sheet.append(["Billboard", "Rui", 3, 3, None, None])
    book.save(SCORES / "wide_pt.xlsx")
    (SCORES / "long_fa.csv").write_text(
        "نقطه تماس,ارزیاب,معیار,امتیاز\nT2,سارا,جذابیت,۴\nT2,سارا,مرتبط بودن,۵\n", encoding="utf-8"
    )
    (SCORES / "no_assessor.csv").write_text("touchpoint,relevance\nT1,4\n", encoding="utf-8")


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    SCORES.mkdir(exist_ok=True)
    for build in (
        title_rows_xlsx,
        multi_sheet_xlsx,
        russian_cp1251_csv,
        portuguese_cp1252_tsv,
        persian_bom_csv,
        problems_csv,
        small_files,
        legacy_xls_and_ods,
        score_files,
    ):
        build()
    print("fixtures written to", HERE)
