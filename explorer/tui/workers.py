"""One worker-error policy for the whole TUI.

Every `@work` in the TUI passes `exit_on_error=False`, so no worker can close
the app. A widget or screen that starts workers handles the errors it expects
inside the worker itself (a `BackendError` becomes a message where the user is
looking). Anything else reaches `WorkerErrors.on_worker_state_changed`, which
posts `WorkerFailed`; it bubbles to the app, which shows a notification and
carries on.
"""

from __future__ import annotations

from textual.message import Message
from textual.worker import Worker, WorkerState

from explorer.tui.services.backend import BackendError


def describe(error: BaseException) -> str:
    """What the user reads: a backend's own message, or the kind of internal error."""
    if isinstance(error, BackendError):
        return str(error)
    return f"internal error: {type(error).__name__}: {error}"


class WorkerFailed(Message):
    """A worker raised and its owner did not handle it (the app notifies)."""

    def __init__(self, worker: Worker[object], error: BaseException) -> None:
        super().__init__()
        self.worker = worker
        self.error = error

    @property
    def text(self) -> str:
        return describe(self.error)


class WorkerErrors:
    """Mixin for a widget or screen: unhandled errors of its workers go to the app."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self.post_message(WorkerFailed(event.worker, error))  # type: ignore[attr-defined]
