"""The one background-task helper of the GUI.

Work (vault queries, saves, KDF) runs off the GUI thread; its result or its exception is delivered
back on the GUI thread through a queued signal. The work function never touches a widget. Tests
swap `TaskRunner` for `InlineRunner`, which runs everything synchronously, so GUI tests need no
sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

T = TypeVar("T")
P = ParamSpec("P")

Progress = Callable[[int, int], None]
"""Called by long work as progress(done, total); safe from any thread."""


class CancelledError(Exception):
    """Raised inside work whose `Task.cancel()` was called, at the next progress report."""


class Task:
    """A handle on submitted work: cancel it, or ask whether it is still running."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Work calls this (or reports progress) at safe points; raises CancelledError."""
        if self._cancel.is_set():
            raise CancelledError("cancelled")


class Generation:
    """Tells a panel's callbacks whether their result is still wanted.

    A panel advances its generation whenever what it shows stops being current: the vault was
    locked or swapped, another record was selected, a newer query was started. A callback wrapped
    with `current` when its work was submitted then does nothing if the generation has moved on,
    so a slow answer about the old record can never overwrite the new one (or show data after a
    lock).
    """

    def __init__(self) -> None:
        self._value = 0

    def advance(self) -> None:
        """Everything submitted so far is stale from now on."""
        self._value += 1

    def current(self, callback: Callable[P, None]) -> Callable[P, None]:
        """`callback`, made a no-op once `advance` is called after this point."""
        taken = self._value

        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            if taken == self._value:
                callback(*args, **kwargs)

        return guarded

    def still(self) -> Callable[[], bool]:
        """A check for code that must decide mid-way (e.g. between chained steps)."""
        taken = self._value
        return lambda: taken == self._value


class Runner(Protocol):
    def submit(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        with_progress: bool = False,
    ) -> Task: ...


def submit_with_progress(
    runner: Runner,
    fn: Callable[[Progress, Task], T],
    on_success: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> Task:
    """Run long work that reports progress and can be cancelled: `fn(progress, task)`.

    The typed form of `submit(..., with_progress=True)`, whose `fn` the Runner protocol types
    for the common no-argument case; panels call this instead of casting their work function.
    """
    return runner.submit(
        cast(Callable[[], Any], fn),
        cast(Callable[[Any], None], on_success),
        on_error,
        on_progress=on_progress,
        with_progress=True,
    )


class _Bridge(QObject):
    """Lives on the GUI thread. The worker emits its signals; because they are connected to this
    object's own slots, Qt queues them, so the callbacks always run on the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)

    def __init__(
        self,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_error = on_error
        self._on_progress = on_progress
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_error)
        self.progressed.connect(self._deliver_progress)

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        self._on_success(result)

    @Slot(object)
    def _deliver_error(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self._on_error(exc)

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], bridge: _Bridge) -> None:
        super().__init__()
        self._fn = fn
        self._bridge = bridge

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            self._bridge.failed.emit(exc)
        else:
            self._bridge.succeeded.emit(result)


def _default_error(exc: BaseException) -> None:
    from fieldapp.ui.messages import report_unexpected

    report_unexpected(exc)


class TaskRunner(QObject):
    """Runs one function at a time per call on a thread pool; callbacks on the GUI thread.

    The vault serialises database access itself (one connection, one lock), so several tasks in
    flight are safe; they simply queue on the vault.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._live: set[_Bridge] = set()

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def submit(
        self,
        fn: Callable[..., Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        with_progress: bool = False,
    ) -> Task:
        """Run `fn` off the GUI thread; if `with_progress`, it is called as fn(progress, task)."""
        task = Task()

        def finish(bridge: _Bridge) -> None:
            task.done = True
            self._live.discard(bridge)
            bridge.deleteLater()
            if not self._live:
                self.busy_changed.emit(False)

        def succeeded(result: object) -> None:
            finish(bridge)
            on_success(result)

        def failed(exc: BaseException) -> None:
            finish(bridge)
            (on_error or _default_error)(exc)

        bridge = _Bridge(succeeded, failed, on_progress)
        self._live.add(bridge)
        if len(self._live) == 1:
            self.busy_changed.emit(True)

        def progress(done: int, total: int) -> None:
            task.check()
            bridge.progressed.emit(done, total)

        work: Callable[[], Any] = (lambda: fn(progress, task)) if with_progress else fn
        self._pool.start(_Job(work, bridge))
        return task

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the pool is idle (used at shutdown and lock)."""
        return self._pool.waitForDone(msecs)


class InlineRunner:
    """Runs work synchronously on the calling thread: the runner GUI tests use."""

    busy = False

    def submit(
        self,
        fn: Callable[..., Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        with_progress: bool = False,
    ) -> Task:
        task = Task()

        def progress(done: int, total: int) -> None:
            task.check()
            if on_progress is not None:
                on_progress(done, total)

        try:
            result = fn(progress, task) if with_progress else fn()
        except BaseException as exc:
            task.done = True
            (on_error or _default_error)(exc)
        else:
            task.done = True
            on_success(result)
        return task

    def wait(self, msecs: int = 30000) -> bool:
        return True
