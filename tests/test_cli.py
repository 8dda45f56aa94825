"""`python -m audit check`: output, JSON shape and exit statuses; never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import INVENTORIES, REALWORLD, ROOT, SAMPLE_INVENTORY

from audit import i18n
from audit.cli import main
from audit.store import Store
from audit.workshops import Workshops


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_check_json_shape() -> None:
    status, out, _ = run(
        "check",
        str(REALWORLD / "uk_bereavement_touchpoints.csv"),
        "--map",
        "name=label",
        "--map",
        "stage=need_id",
        "--json",
    )
    report = json.loads(out)
    assert status == 0
    assert list(report) == [
        "file", "sheet", "header_row", "mapping", "touchpoints", "stages", "problems", "kind", "scores"
    ]  # fmt: skip
    assert (report["kind"], report["scores"]) == ("inventory", 0)
    assert (report["file"], report["sheet"], report["header_row"], report["touchpoints"]) == (
        "uk_bereavement_touchpoints.csv",
        None,
        1,
        33,
    )
    assert report["mapping"] == {"name": "label", "stage": "need_id", "id": "touchpoint_id", "notes": "notes"}
    assert report["problems"] == [
        {
            "severity": "info",
            "code": "text_format",
            "row": None,
            "column": None,
            "message": "Read as UTF-8 text, comma-separated.",
        }
    ]


def test_check_json_of_a_workbook_names_the_sheet() -> None:
    status, out, _ = run("check", str(SAMPLE_INVENTORY), "--json")
    report = json.loads(out)
    assert (status, report["sheet"], report["header_row"], report["touchpoints"]) == (0, "Inventory", 4, 48)
    assert report["stages"] == ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]


@pytest.mark.parametrize(
    ("argv", "status", "stderr"),
    [
        (["check", str(INVENTORIES / "en_problems.csv")], 0, ""),
        (["check", str(INVENTORIES / "no_name.csv")], 1, ""),
        (["check", str(INVENTORIES / "empty.csv")], 1, ""),
        (["check", str(INVENTORIES / "header_only.csv")], 1, ""),
        (["check", str(REALWORLD / "uk_bereavement_touchpoints.csv"), "--map", "name=title"], 1, ""),
        (["check", "missing-file.csv"], 2, "error: No such file or directory (missing-file.csv)"),
        (["check", str(SAMPLE_INVENTORY), "--sheet", "Nope"], 2, "error: No sheet called 'Nope'"),
        (["check", str(SAMPLE_INVENTORY), "--map", "colour=Region"], 2, "'colour' is not a field"),
        (["check", str(SAMPLE_INVENTORY), "--map", "name"], 2, "write it as FIELD=HEADER"),
        (["check", str(SAMPLE_INVENTORY), "--max-mb", "0.001"], 2, "the limit is 0 MB"),
        (["check", str(ROOT / "pyproject.toml")], 2, "files with .toml are not read"),
        (["nonsense"], 2, "invalid choice"),
    ],
)
def test_exit_status(argv: list[str], status: int, stderr: str, capsys: pytest.CaptureFixture[str]) -> None:
    got, _, err = run(*argv)
    err += capsys.readouterr().err  # argparse writes its usage errors to sys.stderr
    assert got == status
    assert stderr in err
    assert "Traceback" not in err


def test_human_report_lists_mapping_and_problems() -> None:
    status, out, _ = run("check", str(INVENTORIES / "ru_cp1251_semicolon.csv"))
    assert status == 0
    assert "Header row:  2" in out
    assert "  name             <- Название" in out
    assert "Touchpoints: 5 in 5 stages: Осведомленность, Рассмотрение, Покупка, Обслуживание, Лояльность" in out
    assert "warning     5  Релевантность  Relevance 6 is outside 1-5. Left unscored." in out
    assert out.rstrip().endswith("The inventory can be imported.")


def test_module_entry_point_runs_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "audit", "check", str(INVENTORIES / "pt_cp1252.tsv"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["touchpoints"] == 3


SAMPLE_SCORES = ROOT / "sample_data" / "northwind_scores.csv"


def test_metrics_json_has_every_section() -> None:
    status, out, _ = run("metrics", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "--json")
    data = json.loads(out)
    assert status == 0
    assert {"touchpoints", "stages", "coverage", "consistency", "agreement", "weak_spots", "problems"} <= set(data)
    tp = data["touchpoints"][0]
    assert list(tp)[:6] == ["id", "name", "stage", "channel", "type", "importance"]
    assert set(tp["criteria"]) == {"relevance", "meaningfulness", "attractiveness"}
    assert set(tp["criteria"]["relevance"]) == {"mean", "median", "n", "sd", "discuss"}
    assert {"composite", "weak", "reasons", "priority", "quadrant", "perception_gap"} <= set(tp)
    assert {t["type"] for t in data["touchpoints"]} <= {"physical", "digital", "human", None}
    assert [s["name"] for s in data["stages"]] == ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
    assert set(data["stages"][0]) >= {
        "name",
        "touchpoints",
        "scored",
        "mean_composite",
        "sd",
        "consistency_index",
        "channel_spread",
        "inconsistent",
    }
    assert 0 <= data["coverage"]["share"] <= 1 and 0 <= data["consistency"]["overall_index"] <= 1
    assert data["agreement"]["assessors"] == 4 and data["weak_spots"][0] == "SE-01"


def test_metrics_weights_and_summary() -> None:
    status, out, _ = run("metrics", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "--weights", "2,1,1")
    assert status == 0
    assert "Weak spots (" in out and "Stages" in out and "Agreement: Krippendorff's alpha is" in out
    assert "SE-05  Call centre (Service): Weak:" in out


@pytest.mark.parametrize(
    ("argv", "status", "stderr"),
    [
        (["metrics", str(SAMPLE_INVENTORY), "--weights", "1,2"], 2, "--weights: weights '1,2'"),
        (["metrics", str(INVENTORIES / "no_name.csv")], 1, ""),
        (["metrics", str(SAMPLE_INVENTORY), "--scores", "nowhere.csv"], 2, "No such file or directory"),
        (["metrics", str(INVENTORIES / "title_rows.xlsx"), "--scores",
          str(ROOT / "tests" / "data" / "scores" / "no_assessor.csv")], 1, ""),
    ],
)  # fmt: skip
def test_metrics_exit_status(argv: list[str], status: int, stderr: str) -> None:
    got, _, err = run(*argv)
    assert (got, stderr in err, "Traceback" in err) == (status, True, False)


def test_import_audits_and_stored_metrics(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run("audits")[1].startswith("No audits yet.")
    status, out, _ = run("import", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "--audit", "NW",
                         "--client", "Northwind Home")  # fmt: skip
    assert status == 0
    assert "Touchpoints: 48 new, 0 changed" in out and "Scores: 519 new, 0 changed." in out
    status, out, _ = run("audits")
    assert out.splitlines()[1].split()[:7] == ["NW", "Northwind", "Home", "local", "48", "4", "519"]
    stored = json.loads(run("metrics", "--audit", "NW", "--json")[1])
    from_files = json.loads(run("metrics", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "--json")[1])
    assert stored["weak_spots"] == from_files["weak_spots"]
    assert stored["agreement"]["alpha"] == pytest.approx(from_files["agreement"]["alpha"])
    status, _, err = run("metrics", "--audit", "Nope")
    assert (status, err.strip()) == (2, "error: No audit called 'Nope'. Known audits: NW.")
    assert run("metrics")[0] == 2


def test_invite_issues_a_working_code_with_its_link_and_qr(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", url)
    monkeypatch.delenv("TOUCHPOINT_AUDIT_BASE_URL", raising=False)
    assert run("import", str(SAMPLE_INVENTORY), "--audit", "Northwind")[0] == 0
    status, out, _ = run("invite", "--audit", "Northwind", "--json")
    invitation = json.loads(out)
    assert status == 0 and set(invitation) == {"audit", "code", "url"}
    assert invitation["url"] == f"http://localhost:8501/join?code={invitation['code']}"
    workshops = Workshops(Store.open(url))
    assert workshops.audit_of_code(invitation["code"]) == "Northwind"
    assert workshops.join(invitation["code"], "Ana")[0].audit == "Northwind"

    qr = tmp_path / "invite.png"
    status, out, _ = run("invite", "--audit", "Northwind", "--base-url", "https://audit.example.com", "--qr", str(qr))
    assert status == 0 and "Link: https://audit.example.com/join?code=" in out
    assert qr.read_bytes().startswith(b"\x89PNG")
    assert run("invite", "--audit", "Nowhere")[0:1] == (2,)
    assert run("invite", "--audit", "Northwind", "--base-url", "audit.example.com")[2].startswith("error: --base-url")


def test_ownership_sharing_and_password_accounts(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run("import", str(SAMPLE_INVENTORY), "--audit", "NW", "--owner", "Lead@Example.com")[0] == 0
    assert run("audits")[1].splitlines()[1].split()[:4] == ["NW", "-", "lead@example.com", "48"]
    assert run("share", "NW", "ana@example.com", "--role", "editor")[1] == (
        "'NW' is shared with ana@example.com as editor.\n"
    )
    assert run("owner", "NW", "ana@example.com")[1] == (
        "'NW' now belongs to ana@example.com; lead@example.com stays as its editor.\n"
    )
    assert (
        run("share", "NW", "lead@example.com", "--role", "none")[1]
        == "lead@example.com no longer has access to 'NW'.\n"
    )
    assert run("share", "Nope", "x@example.com")[2] == "error: No audit called 'Nope'. Known audits: NW.\n"

    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    assert run("facilitator", "add", "ana@example.com", "--password-stdin")[2] == (
        "error: A password needs at least 12 characters; this one has 9.\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    status, out, _ = run("facilitator", "add", "Ana@Example.com", "--password-stdin")
    assert status == 0 and out.startswith("ana@example.com can sign in")
    assert run("facilitator", "list")[1] == "ana@example.com\n"
    from audit.accounts import Accounts
    from audit.store import Store

    assert Accounts(Store.open()).verify("ana@example.com", "a long enough password") == "ana@example.com"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    status, out, _ = run("hash-password", "--password-stdin")
    assert status == 0 and out.startswith("$argon2id$") and "long enough" not in out
    assert run("facilitator", "remove", "ana@example.com")[1].startswith("Removed account ana@example.com")


def test_problems_of_several_files_say_which_file() -> None:
    status, out, _ = run(
        "metrics", str(INVENTORIES / "en_problems.csv"), "--scores", str(INVENTORIES.parent / "scores" / "wide_en.csv")
    )
    assert status == 0
    lines = [line.split() for line in out.splitlines()]
    assert ["wide_en.csv", "warning", "7", "relevance", "Relevance", "6", "is", "outside", "1-5.", "Left",
            "unscored."] in lines  # fmt: skip
    assert any(line[:2] == ["en_problems.csv", "warning"] for line in lines if line)


def test_lang_option_is_accepted_and_checked(capsys: pytest.CaptureFixture[str]) -> None:
    before = i18n.current()
    status, out, err = run("--lang", "ru", "check", str(SAMPLE_INVENTORY), "--json")
    assert (status, err) == (0, "") and json.loads(out)["touchpoints"] == 48  # the JSON does not change
    assert i18n.current() == before  # the command's language ends with the command
    status, out, _ = run("--lang", "xx", "check", str(SAMPLE_INVENTORY))
    message = capsys.readouterr().err  # argparse writes its usage errors to sys.stderr
    assert (status, out) == (2, "")
    assert "--lang" in message and "invalid choice: 'xx'" in message
    assert all(f"'{code}'" in message for code in i18n.CODES)


def test_lang_ru_prints_the_russian_catalog() -> None:
    status, out, _ = run("--lang", "ru", "check", str(SAMPLE_INVENTORY))
    with i18n.use("ru"):  # the catalog's text, whether translated yet or not
        verdict, label = i18n.gettext_("The inventory can be imported."), i18n.gettext_("File:")
    assert status == 0
    assert out.rstrip().splitlines()[-1] == verdict and out.startswith(label)
    assert run("check", str(SAMPLE_INVENTORY))[1].rstrip().endswith("The inventory can be imported.")  # no --lang
    assert verdict != "The inventory can be imported."  # fails until audit/locale/ru is translated
