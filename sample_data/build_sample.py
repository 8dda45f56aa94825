"""Build the sample audit of Northwind Home, a fictional home-goods retailer.

Writes `northwind_inventory.xlsx` (a cover sheet, then the inventory under a title row,
as client workbooks usually look) and `northwind_scores.csv` (a workshop of four
assessors who disagree here and there and skipped a few scores). The numbers are made
up but deterministic: run `python sample_data/build_sample.py` to rebuild the same files.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).parent
# fmt: off
HEADERS = [
    "ID", "Touchpoint", "Journey stage", "Channel", "Type", "Control", "Owner",
    "Importance", "Reach / month", "Conversions / month", "Customer rating", "Notes", "Region",
]

# id, name, stage, channel, type, control, owner, importance, reach, conversions, rating, quality, notes
# fmt: off
TOUCHPOINTS: list[tuple[object, ...]] = [
    ("AW-01", "TV spot 'Home in a weekend'", "Awareness", "TV", "digital", "controlled", "Marketing", 3, 2_400_000, None, None, 3.6, "Autumn campaign"),
    ("AW-02", "Search ads", "Awareness", "Search", "digital", "controlled", "Marketing", 4, 310_000, 9_300, None, 3.9, ""),
    ("AW-03", "Instagram feed", "Awareness", "Social media", "digital", "controlled", "Marketing", 3, 180_000, 2_100, 4.1, 4.2, "Strong visuals, weak captions"),
    ("AW-04", "Billboards on ring road", "Awareness", "Outdoor", "physical", "controlled", "Marketing", 2, 900_000, None, None, 3.1, ""),
    ("AW-05", "Influencer room makeovers", "Awareness", "Social media", "digital", "partly", "Marketing", 3, 420_000, 3_800, 3.9, 3.4, ""),
    ("AW-06", "Word of mouth", "Awareness", "In person", "human", "uncontrolled", "", 5, None, None, 4.3, 4.0, "Net promoter survey"),
    ("AW-07", "Home-decor forum threads", "Awareness", "Forum", "digital", "uncontrolled", "Customer care", 2, 35_000, None, 3.2, 2.6, "Complaints about delivery resurface"),
    ("AW-08", "Store window displays", "Awareness", "Store", "physical", "controlled", "Retail operations", 3, 260_000, None, None, 3.8, ""),
    ("AW-09", "Catalogue in the mailbox", "Awareness", "Mail", "physical", "controlled", "Marketing", 2, 150_000, 1_200, 3.5, 2.9, "Costly; low response"),
    ("AW-10", "Radio jingle", "Awareness", "Radio", "", "controlled", "Marketing", 1, 700_000, None, None, 2.7, ""),
    ("CO-01", "Website product pages", "Consideration", "Website", "digital", "controlled", "E-commerce", 5, 520_000, 26_000, 3.8, 3.7, "Photos good, sizes unclear"),
    ("CO-02", "Room planner tool", "Consideration", "Website", "digital", "controlled", "E-commerce", 4, 64_000, 5_100, 3.1, 2.4, "Crashes on mobile"),
    ("CO-03", "Product reviews on site", "Consideration", "Website", "digital", "partly", "E-commerce", 4, 210_000, None, 4.0, 3.9, ""),
    ("CO-04", "Marketplace listing", "Consideration", "Marketplace", "digital", "partly", "E-commerce", 3, 190_000, 7_400, 3.6, 3.0, "Prices differ from own site"),
    ("CO-05", "Showroom visit", "Consideration", "Store", "physical", "controlled", "Retail operations", 5, 85_000, 12_000, 4.4, 4.3, ""),
    ("CO-06", "Sales advice in store", "Consideration", "Store", "human", "controlled", "Retail operations", 5, 60_000, 14_000, 4.2, 3.8, "Depends on who is on shift"),
    ("CO-07", "Live chat with an adviser", "Consideration", "Chat", "human", "controlled", "Customer care", 4, 22_000, 2_600, 3.3, 3.1, "Waits of 6+ minutes at peak"),
    ("CO-08", "Comparison sites", "Consideration", "Review site", "digital", "uncontrolled", "", 3, 48_000, None, 3.4, 2.8, ""),
    ("CO-09", "Fabric samples by post", "Consideration", "Mail", "physical", "controlled", "E-commerce", 2, 6_500, 1_900, 4.5, 4.4, ""),
    ("CO-10", "Video consultations", "Consideration", "Video call", "human", "controlled", "Customer care", 3, 1_800, 520, 4.6, 4.1, "Pilot in two cities"),
    ("PU-01", "Online checkout", "Purchase", "Website", "digital", "controlled", "E-commerce", 5, 61_000, 38_000, 3.2, 2.9, "Delivery slot chosen too late"),
    ("PU-02", "In-store checkout", "Purchase", "Store", "physical", "controlled", "Retail operations", 4, 58_000, 57_000, 4.0, 3.9, ""),
    ("PU-03", "Order confirmation email", "Purchase", "Email", "digital", "controlled", "E-commerce", 3, 95_000, None, 3.9, 3.6, ""),
    ("PU-04", "Financing application", "Purchase", "Website", "digital", "partly", "Finance", 3, 9_000, 4_100, 2.6, 2.2, "Partner form asks for data twice"),
    ("PU-05", "Phone orders", "Purchase", "Phone", "human", "controlled", "Customer care", 2, 7_000, 5_200, 3.8, 3.5, ""),
    ("PU-06", "Marketplace checkout", "Purchase", "Marketplace", "digital", "uncontrolled", "", 3, 14_000, 9_800, 3.7, 3.3, ""),
    ("PU-07", "Gift cards", "Purchase", "Store", "physical", "controlled", "Retail operations", 1, 3_000, 2_700, 4.1, 3.6, ""),
    ("PU-08", "Promo code field", "Purchase", "Website", "digital", "controlled", "E-commerce", 2, 40_000, 11_000, 2.9, 2.5, "Codes often rejected"),
    ("SE-01", "Delivery slot booking", "Service", "Website", "digital", "controlled", "Logistics", 5, 52_000, 49_000, 2.8, 2.3, "Slots run out a week ahead"),
    ("SE-02", "Delivery crew", "Service", "In person", "human", "partly", "Logistics", 5, 48_000, None, 3.4, 3.2, "Subcontracted in the north"),
    ("SE-03", "Assembly service", "Service", "In person", "human", "controlled", "Logistics", 4, 12_000, None, 4.0, 3.7, ""),
    ("SE-04", "Tracking SMS", "Service", "SMS", "digital", "controlled", "Logistics", 3, 50_000, None, 3.6, 3.4, ""),
    ("SE-05", "Call centre", "Service", "Phone", "human", "controlled", "Customer care", 5, 41_000, None, 2.7, 2.4, "Average wait 11 minutes"),
    ("SE-06", "Returns desk in store", "Service", "Store", "physical", "controlled", "Retail operations", 4, 9_000, None, 3.5, 3.3, ""),
    ("SE-07", "Online returns form", "Service", "Website", "digital", "controlled", "E-commerce", 4, 11_000, 8_900, 3.0, 2.8, ""),
    ("SE-08", "Warranty claims", "Service", "Email", "digital", "controlled", "Customer care", 3, 2_400, 1_700, 2.4, 2.1, "Replies take 9 days"),
    ("SE-09", "Help centre articles", "Service", "Website", "digital", "controlled", "Customer care", 3, 88_000, None, None, 3.5, ""),
    ("SE-10", "Complaints on social media", "Service", "Social media", "digital", "uncontrolled", "Customer care", 4, 5_500, None, 2.3, 2.6, "Answered within 2 h on weekdays only"),
    ("LO-01", "Loyalty programme 'Nest'", "Loyalty", "App", "digital", "controlled", "CRM", 4, 130_000, 21_000, 1.9, 3.4, "Points hard to redeem"),
    ("LO-02", "Member newsletter", "Loyalty", "Email", "digital", "controlled", "CRM", 2, 240_000, 6_000, 3.3, 3.0, ""),
    ("LO-03", "Birthday voucher", "Loyalty", "Email", "digital", "controlled", "CRM", 2, 18_000, 3_100, 4.2, 4.0, ""),
    ("LO-04", "Members' evenings in store", "Loyalty", "Store", "human", "controlled", "Retail operations", 3, 4_000, 1_300, 4.7, 4.5, ""),
    ("LO-05", "Review request email", "Loyalty", "Email", "digital", "controlled", "CRM", 2, 45_000, 5_600, 3.1, 2.9, ""),
    ("LO-06", "Google reviews", "Loyalty", "Review site", "digital", "uncontrolled", "", 4, 70_000, None, 3.8, 3.4, ""),
    ("LO-07", "Referral programme", "Loyalty", "App", "digital", "controlled", "CRM", 3, 9_000, 700, 3.0, 2.7, ""),
    ("LO-08", "Repair and care workshop", "Loyalty", "Store", "human", "controlled", "Retail operations", 2, 1_500, None, 4.6, 4.2, "Only in the flagship store"),
    ("LO-09", "Personal stylist follow-up call", "Loyalty", "Phone", "human", "controlled", "Retail operations", 3, 2_000, 450, 4.1, 3.9, ""),
    ("LO-10", "Mobile app home feed", "Loyalty", "App", "digital", "controlled", "E-commerce", 3, 95_000, 8_800, 3.4, 3.1, ""),
]
# fmt: on
REGIONS = ["National", "North", "South"]

# Each assessor's leniency (added to the touchpoint's quality) and how noisy they are.
ASSESSORS = {
    "Ana (CX lead)": (0.1, 0.35),
    "Boris (Retail)": (0.4, 0.5),
    "Chen (E-commerce)": (-0.3, 0.4),
    "Dana (Care)": (-0.1, 0.65),
}
# Added to the inventory after the workshop: nobody has scored them yet.
UNSCORED = {"AW-10", "CO-10"}
CRITERIA = ("relevance", "meaningfulness", "attractiveness")
CRITERION_SHIFT = {"relevance": 0.3, "meaningfulness": -0.1, "attractiveness": -0.3}


# The spring audit, a quarter earlier (the autumn audit's baseline): three assessors, the two newest
# touchpoints not yet in the inventory, a printed price list since dropped, and some touchpoints
# scored differently before the autumn's changes (quality then, where it differed).
SPRING_ASSESSORS = ("Ana (CX lead)", "Boris (Retail)", "Chen (E-commerce)")
SPRING_DROPPED = ("PU-09", "Printed price list", "Purchase", "Store", "physical", "controlled", "Retail operations",
                  1, 4_000, None, None, 2.5, "Replaced by shelf labels")  # fmt: skip
SPRING_QUALITY = {
    "PU-01": 1.9,  # online checkout: delivery slot moved forward since, much better now
    "CO-02": 3.6,  # room planner: the new mobile version crashes, worse now
    "CO-07": 2.2,  # live chat: more advisers at peak since
    "LO-01": 2.6,  # loyalty programme: points easier to redeem since
    # Service was the spring's problem: the delivery and returns project has lifted it since.
    "SE-01": 1.2,
    "SE-02": 2.2,
    "SE-03": 3.0,
    "SE-05": 1.7,
    "SE-06": 2.0,
    "SE-07": 1.6,
    "SE-08": 1.5,
}


def write_inventory(path: Path) -> None:
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Northwind Home: customer touchpoint audit"
    cover["A1"].font = Font(bold=True, size=14)
    cover["A3"] = "Inventory prepared by the CX team for the autumn workshop."
    cover["A4"] = "Scores are collected in the workshop, not in this workbook."
    sheet = book.create_sheet("Inventory")
    sheet["A1"] = "Northwind Home touchpoint inventory (autumn review)"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Source: CX team. Reach and conversions are monthly averages."
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for index, tp in enumerate(TOUCHPOINTS):
        tid, name, stage, channel, kind, control, owner, importance, reach, conversions, rating, _q, notes = tp
        sheet.append(
            [
                tid,
                name,
                stage,
                channel,
                kind,
                control,
                owner,
                importance,
                reach,
                conversions,
                rating,
                notes,
                REGIONS[index % 3],
            ]
        )
        if index == 19:
            sheet.append([])  # a blank separator row, as people leave them
    book.save(path)


def write_scores(path: Path) -> None:
    rng = random.Random(20261122)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["touchpoint", "assessor", "relevance", "meaningfulness", "attractiveness", "note"])
        for assessor, (leniency, noise) in ASSESSORS.items():
            for tp in TOUCHPOINTS:
                if tp[0] in UNSCORED or rng.random() < 0.06:
                    continue  # left the room for this one
                quality = float(tp[11])  # type: ignore[arg-type]
                row: list[object] = [tp[0], assessor]
                for criterion in CRITERIA:
                    if rng.random() < 0.03:
                        row.append("")
                        continue
                    value = quality + leniency + CRITERION_SHIFT[criterion] + rng.gauss(0, noise)
                    row.append(min(5, max(1, round(value))))
                row.append("Wait times came up twice" if tp[0] == "SE-05" and assessor.startswith("Dana") else "")
                writer.writerow(row)


def spring_touchpoints() -> list[tuple[object, ...]]:
    """The inventory as it stood in spring, with the quality of that time."""
    kept = [tp for tp in TOUCHPOINTS if tp[0] not in UNSCORED]
    spring = [(*tp[:11], SPRING_QUALITY.get(str(tp[0]), tp[11]), tp[12]) for tp in kept]
    return spring + [SPRING_DROPPED]


def write_spring(inventory: Path, scores: Path) -> None:
    """The spring audit: a plain inventory sheet and the spring workshop's scores."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Inventory"
    sheet.append(HEADERS[:-1])
    for tp in spring_touchpoints():
        sheet.append([*tp[:11], tp[12]])
    book.save(inventory)
    rng = random.Random(20260315)
    with scores.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["touchpoint", "assessor", "relevance", "meaningfulness", "attractiveness", "note"])
        for assessor in SPRING_ASSESSORS:
            leniency, noise = ASSESSORS[assessor]
            for tp in spring_touchpoints():
                quality = float(tp[11])  # type: ignore[arg-type]
                values = [quality + leniency + CRITERION_SHIFT[c] + rng.gauss(0, noise) for c in CRITERIA]
                writer.writerow([tp[0], assessor, *(min(5, max(1, round(v))) for v in values), ""])


if __name__ == "__main__":
    write_spring(HERE / "northwind_spring_inventory.xlsx", HERE / "northwind_spring_scores.csv")
    write_inventory(HERE / "northwind_inventory.xlsx")
    write_scores(HERE / "northwind_scores.csv")
    print("wrote the autumn audit (northwind_inventory.xlsx, northwind_scores.csv) and its spring baseline")
