"""`fieldapp hq package` and the Evidence package dialog, on a real imported incident.

Both call `review.package.build_package`; these tests check what each front end adds: the
arguments and output of the command, and the dialog's folder choice, reason rule, progress,
cancel and result line. The custody PDF's drawing is looked at through `render_page`.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldapp.cli import main
from fieldapp.review.package import (
    CustodyEvent,
    CustodyItem,
    CustodyReport,
    RecordSummary,
)
from fieldapp.ui.custody_pdf import page_count, render_page, write_custody_pdf
from fieldapp.ui.package_dialog import PackageDialog
from fieldapp.ui.sync_panel import FileDialogs
from fieldapp.ui.tasks import InlineRunner
from tests.helpers import TEST_PASSPHRASE
from tests.package_helpers import WITNESS_NAME, Case, imported_case


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    with imported_case(tmp_path_factory.mktemp("package-ui")) as made:
        yield made


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli_env(case: Case, monkeypatch: pytest.MonkeyPatch) -> Case:
    monkeypatch.setenv("FIELDAPP_VAULT", str(case.hq.path))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    return case


def ref_code(case: Case) -> str:
    incident, _ = case.hq.get_incident(case.incident_id)
    return incident.ref_code


# --- CLI --------------------------------------------------------------------------------------
def test_cli_package_by_reference_code_json(cli_env: Case) -> None:
    dest = cli_env.tmp / "cli-json"
    code, out, err = run("hq", "package", ref_code(cli_env), "--out", str(dest), "--json")
    assert code == 0, err
    data = json.loads(out)
    tag = hashlib.sha256((dest / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    assert data["package_sha256"] == tag
    assert (data["record_versions"], data["originals"], data["withheld_versions"]) == (6, 1, 1)
    assert data["identities_included"] is False
    done = subprocess.run(
        [sys.executable, str(dest / "tools" / "verify_package.py"), str(dest)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_cli_package_text_and_identities_with_reason(cli_env: Case) -> None:
    dest = cli_env.tmp / "cli-text"
    code, out, err = run(
        "hq",
        "package",
        cli_env.incident_id,
        "--out",
        str(dest),
        "--include-identities",
        "--reason",
        "court order 17/2026",
    )
    assert code == 0, err
    assert f"package written to {dest}" in out
    assert "witness identities included (reason logged)" in out
    assert (
        WITNESS_NAME.encode()
        in (dest / "data" / "records" / cli_env.witness_id / "1.json").read_bytes()
    )


def test_cli_refusals(cli_env: Case) -> None:
    dest = cli_env.tmp / "cli-refused"
    code, _, err = run("hq", "package", cli_env.incident_id, "--out", str(dest), "--reason", "x")
    assert code == 2 and "--reason goes with --include-identities" in err
    code, _, err = run(
        "hq", "package", cli_env.incident_id, "--out", str(dest), "--include-identities"
    )
    assert code == 1 and "needs a reason" in err
    code, _, err = run("hq", "package", "CHM-0000-XXXXXX-9999", "--out", str(dest))
    assert code == 1 and "no incident with id or reference code" in err
    assert not dest.exists()


# --- dialog -----------------------------------------------------------------------------------
class ChosenFolder(FileDialogs):
    def __init__(self, folder: Path) -> None:
        self.chosen = folder

    def folder(self, parent: Any, title: str, start: Path) -> Path | None:
        return self.chosen


def dialog(qtbot: QtBot, case: Case) -> PackageDialog:
    dlg = PackageDialog(case.hq, case.incident_id, InlineRunner(), "Market strike")
    qtbot.addWidget(dlg)
    with qtbot.waitActive(dlg):
        dlg.show()
        dlg.activateWindow()
    return dlg


def test_dialog_makes_a_package_with_progress(qtbot: QtBot, case: Case) -> None:
    parent = case.tmp / "gui"
    parent.mkdir()
    dlg = dialog(qtbot, case)
    assert not dlg.make_button.isEnabled()  # no folder yet
    dlg.dialogs = ChosenFolder(parent)
    QTest.keyClick(dlg, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert dlg.folder.text() == str(parent / f"package-{ref_code(case)}")
    seen: list[tuple[int, int]] = []
    dlg.progress.valueChanged.connect(lambda v: seen.append((v, dlg.progress.maximum())))
    QTest.keyClick(dlg, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dlg.package is not None
    assert dlg.package.path == parent / f"package-{ref_code(case)}"
    assert dlg.package.tagmanifest_sha256 in dlg.status.text()
    assert seen and seen[-1][0] == seen[-1][1]
    assert not dlg.progress.isVisible() and dlg.close_button.isEnabled()


def test_dialog_identities_need_a_reason(qtbot: QtBot, case: Case) -> None:
    dlg = dialog(qtbot, case)
    dlg.folder.setText(str(case.tmp / "gui-identities"))
    assert dlg.make_button.isEnabled() and not dlg.reason.isEnabled()
    dlg.identities.setChecked(True)
    assert dlg.reason.isEnabled() and not dlg.make_button.isEnabled()
    dlg.reason.setText("court order 17/2026")
    assert dlg.make_button.isEnabled()
    dlg.make_package()
    assert dlg.package is not None and dlg.package.identities_included


def test_dialog_cancel_leaves_nothing(qtbot: QtBot, case: Case) -> None:
    parent = case.tmp / "gui-cancel"
    parent.mkdir()
    dlg = dialog(qtbot, case)
    dlg.folder.setText(str(parent / "p"))

    def cancel_at_first_step(value: int) -> None:
        if value >= 1:
            QTest.keyClick(dlg, Qt.Key.Key_Escape)  # Escape cancels while running

    dlg.progress.valueChanged.connect(cancel_at_first_step)
    dlg.make_package()
    assert dlg.package is None
    assert "nothing was written" in dlg.status.text()
    assert list(parent.iterdir()) == []
    assert dlg.make_button.isEnabled()


def test_a_lock_closes_the_dialog(qtbot: QtBot, case: Case) -> None:
    dlg = dialog(qtbot, case)
    dlg.folder.setText(str(case.tmp / "gui-locked"))
    dlg.set_vault(None)
    assert not dlg.isVisible()
    dlg.make_package()  # nothing to run on any more
    assert dlg.package is None and not (case.tmp / "gui-locked").exists()


def test_dialog_shows_a_refusal(qtbot: QtBot, case: Case) -> None:
    dest = case.tmp / "gui-occupied"
    dest.mkdir()
    (dest / "mine.txt").write_text("x", "utf-8")
    dlg = dialog(qtbot, case)
    dlg.folder.setText(str(dest))
    dlg.make_package()
    assert dlg.package is None
    assert "not an empty folder" in dlg.status.text()


# --- custody PDF ------------------------------------------------------------------------------
def report(items: int) -> CustodyReport:
    events = tuple(
        CustodyEvent(
            "2026-04-02T06:00:00Z",
            stage,
            "analyst-kestrel",
            "field device WJCVBN",
            "detail",
            "ab" * 32,
        )
        for stage in ("ingest", "bundle export", "HQ inbox", "import", "receipt", "package")
    )
    return CustodyReport(
        incident_id="c" * 32,
        ref_code="CHM-2026-WJCVBN-0001",
        title="Market strike",
        cell_name="Test Cell North",
        hq_origin="fieldapp-hq/" + "d" * 32,
        root_vkey="root+00000000+AAAA",
        created_at="2026-11-22T15:00:00Z",
        created_by="hq-operator-heron",
        identities_included=False,
        items=tuple(
            CustodyItem(f"{i:032x}", f"photo-{i}.jpg", "ef" * 32, 677, "image/jpeg", events)
            for i in range(items)
        ),
        records=(
            RecordSummary(
                "incident",
                "c" * 32,
                1,
                "2026-04-02T06:00:00Z",
                "analyst-kestrel",
                "WJCVBN",
                "01" * 32,
                False,
            ),
        ),
    )


def test_custody_pages_are_drawn_and_paginated(qtbot: QtBot, tmp_path: Path) -> None:
    one = render_page(report(1))
    ink = sum(
        1
        for y in range(0, one.height(), 7)
        for x in range(0, one.width(), 7)
        if one.pixelColor(x, y) != QColor("#ffffff")
    )
    assert ink > 200  # text was drawn
    assert page_count(report(1)) == 1
    many = page_count(report(12))
    assert many > 2
    # The last page carries its "Page n of n" footer at the bottom: something is drawn there.
    last = render_page(report(12), many - 1)
    bottom = [
        last.pixelColor(x, y)
        for y in range(last.height() - 90, last.height())
        for x in range(0, last.width(), 3)
    ]
    assert any(c != QColor("#ffffff") for c in bottom)
    pdf = tmp_path / "custody.pdf"
    write_custody_pdf(report(12), pdf)
    data = pdf.read_bytes()
    assert (
        data.startswith(b"%PDF-")
        and data.count(b"/Type /Page\n")
        + data.count(b"/Type /Page\r")
        + data.count(b"/Type /Page ")
        + data.count(b"/Type /Page/")
        >= many
    )
