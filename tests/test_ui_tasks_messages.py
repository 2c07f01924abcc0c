"""The background-task helper and the one error-to-message place."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from fieldapp import errors
from fieldapp.ui.messages import message_for, scrubbed_report, show_error
from fieldapp.ui.tasks import CancelledError, InlineRunner, Task, TaskRunner


def test_runner_delivers_result_and_progress_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: list[tuple[str, bool]] = []

    def work(progress, task: Task) -> int:
        assert threading.get_ident() != gui
        progress(1, 2)
        return 42

    results: list[int] = []

    def done(result: int) -> None:
        results.append(result)
        seen.append(("done", threading.get_ident() == gui))

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is False):
        runner.submit(
            work,
            done,
            on_progress=lambda d, t: seen.append(("progress", threading.get_ident() == gui)),
            with_progress=True,
        )
    assert results == [42]
    assert ("done", True) in seen and ("progress", True) in seen
    assert not runner.busy


def test_runner_delivers_errors_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    failures: list[BaseException] = []

    def boom() -> None:
        raise errors.RecordNotFound("no incident with id x")

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is False):
        runner.submit(boom, lambda _r: pytest.fail("should fail"), failures.append)
    assert isinstance(failures[0], errors.RecordNotFound)


def test_cancel_stops_work_at_the_next_progress_report() -> None:
    runner = InlineRunner()
    failures: list[BaseException] = []
    steps: list[int] = []

    def work(progress, task: Task) -> None:
        for i in range(10):
            steps.append(i)
            if i == 2:
                task.cancel()
            progress(i, 10)

    runner.submit(work, lambda _r: None, failures.append, with_progress=True)
    assert steps == [0, 1, 2]
    assert isinstance(failures[0], CancelledError)


def test_expected_errors_keep_their_sentence() -> None:
    title, text = message_for(errors.WrongPassphrase("the passphrase does not open this vault"))
    assert title == "Wrong passphrase"
    assert text == "the passphrase does not open this vault"
    title, _ = message_for(errors.ValidationError([errors.FieldIssue("place.lat", "too big")]))
    assert title == "Please correct the record"


def test_every_expected_error_class_has_its_own_title() -> None:
    """A new error class without a title would show a bare "Error": name it here."""

    def leaves(cls: type[errors.FieldappError]) -> list[type[errors.FieldappError]]:
        subs = cls.__subclasses__()
        return [cls] if not subs else [leaf for sub in subs for leaf in leaves(sub)]

    core = [c for c in leaves(errors.FieldappError) if c.__module__ == "fieldapp.errors"]
    assert core
    for cls in core:
        instance = cls([]) if cls is errors.ValidationError else cls("x")
        assert message_for(instance)[0] != "Error", cls.__name__


def test_unexpected_error_report_holds_no_case_data() -> None:
    try:
        raise RuntimeError("victim name Fatima al-Hassan")
    except RuntimeError as exc:
        report = scrubbed_report(exc)
        title, text = message_for(exc)
    assert "Fatima" not in report and "Fatima" not in text
    assert "RuntimeError" in report and "test_ui_tasks_messages.py" in report
    assert title == "Unexpected error"


def test_error_box_never_renders_user_text_as_html(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    show_error(parent, errors.ValidationError([errors.FieldIssue("title", "got '<b>x</b>'")]))
    box = parent.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible()
    assert box.textFormat().name == "PlainText"
    assert "<b>x</b>" in box.text()
    box.close()


def test_generation_drops_callbacks_taken_before_an_advance() -> None:
    from fieldapp.ui.tasks import Generation

    seen: list[str] = []
    generation = Generation()
    old = generation.current(seen.append)
    old_check = generation.still()
    generation.advance()
    new = generation.current(seen.append)
    old("stale")
    new("fresh")
    assert seen == ["fresh"]
    assert not old_check() and generation.still()()
