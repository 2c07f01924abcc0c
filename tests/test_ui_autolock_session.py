"""Auto-lock on suspend and on the desktop session locking: real D-Bus signals on a private
`dbus-daemon`, a real main window on a real vault."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from pytestqt.qtbot import QtBot

from fieldapp.store.vault import Vault
from fieldapp.ui.autolock import SessionLockWatcher
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.settings import UiSettings
from fieldapp.ui.tasks import InlineRunner

DBUS_DAEMON = shutil.which("dbus-daemon")


@pytest.fixture
def bus_address(tmp_path: Path) -> Iterator[str]:
    """A private bus standing in for both the system and the session bus."""
    assert DBUS_DAEMON is not None
    config = tmp_path / "bus.conf"
    config.write_text(
        "<!DOCTYPE busconfig PUBLIC '-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN'"
        " 'http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd'>"
        "<busconfig><type>session</type>"
        f"<listen>unix:dir={tmp_path}</listen>"
        "<policy context='default'><allow send_destination='*' eavesdrop='true'/>"
        "<allow eavesdrop='true'/><allow own='*'/></policy></busconfig>"
    )
    proc = subprocess.Popen(
        [DBUS_DAEMON, f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait()


_names = iter(range(1_000_000))


def _connection(address: str) -> QDBusConnection:
    conn = QDBusConnection.connectToBus(address, f"fieldapp-test-{next(_names)}")
    assert conn.isConnected(), conn.lastError().message()
    return conn


def _emit(conn: QDBusConnection, path: str, interface: str, name: str, *args: Any) -> None:
    message = QDBusMessage.createSignal(path, interface, name)
    if args:
        message.setArguments(list(args))
    assert conn.send(message)


@pytest.fixture
def window(qtbot: QtBot, vault: Vault, tmp_path: Path) -> Iterator[MainWindow]:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    w = MainWindow(vault, InlineRunner(), settings, ClipboardGuard())
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()
    if w.unlock_dialog is not None:
        w.unlock_dialog.done(0)


def _wired(window: MainWindow, address: str) -> SessionLockWatcher:
    # How the lead wires it in the main window: one line, the reason shown on the locked page.
    watcher = SessionLockWatcher(
        window, system_bus=_connection(address), session_bus=_connection(address)
    )
    watcher.lock_requested.connect(lambda kind: window.lock(watcher.reason_text(kind)))
    assert watcher.start()
    return watcher


SIGNALS = [
    ("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", True),
    ("/org/freedesktop/login1/session/_32", "org.freedesktop.login1.Session", "Lock", None),
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", True),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", True),
]


@pytest.mark.skipif(DBUS_DAEMON is None, reason="needs dbus-daemon; the slot test covers it")
@pytest.mark.parametrize(("path", "interface", "name", "arg"), SIGNALS)
def test_the_window_locks_on_each_signal(
    qtbot: QtBot,
    window: MainWindow,
    vault: Vault,
    bus_address: str,
    path: str,
    interface: str,
    name: str,
    arg: bool | None,
) -> None:
    watcher = _wired(window, bus_address)
    assert len(watcher.connected) == 4
    sender = _connection(bus_address)
    with qtbot.waitSignal(window.locked, timeout=10000):
        _emit(sender, path, interface, name, *(() if arg is None else (arg,)))
    assert vault.is_locked and window.is_locked
    assert window.stack.currentWidget() is window.locked_page
    expected = "suspended" if name == "PrepareForSleep" else "desktop session was locked"
    assert expected in window.locked_page.message.text()


@pytest.mark.skipif(DBUS_DAEMON is None, reason="needs dbus-daemon; the slot test covers it")
def test_resume_and_screensaver_off_do_not_lock(
    qtbot: QtBot, window: MainWindow, vault: Vault, bus_address: str
) -> None:
    watcher = _wired(window, bus_address)
    sender = _connection(bus_address)
    seen: list[str] = []
    watcher.lock_requested.connect(seen.append)
    _emit(
        sender,
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
        "PrepareForSleep",
        False,
    )
    _emit(sender, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", False)
    # A marker sent after them on the same connection arrives after them (D-Bus keeps order).
    with qtbot.waitSignal(watcher.lock_requested, timeout=10000):
        _emit(
            sender, "/org/freedesktop/login1/session/_1", "org.freedesktop.login1.Session", "Lock"
        )
    assert seen == [SessionLockWatcher.SESSION_LOCK]


def test_no_bus_degrades_silently(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    nowhere = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "fieldapp-test-none")
    watcher = SessionLockWatcher(system_bus=nowhere, session_bus=nowhere)
    with caplog.at_level("DEBUG", logger="fieldapp.ui.autolock"):
        assert not watcher.start()
    assert watcher.connected == []
    assert "no D-Bus" in caplog.text


def test_the_slots_lock_without_a_bus(qtbot: QtBot, window: MainWindow, vault: Vault) -> None:
    """The Qt slot layer on its own (what a bus delivers lands in these slots)."""
    watcher = SessionLockWatcher(window)
    watcher.lock_requested.connect(lambda kind: window.lock(watcher.reason_text(kind)))
    watcher._sleep(False)
    assert not window.is_locked
    with qtbot.waitSignal(window.locked):
        watcher._screensaver(True)
    assert vault.is_locked
