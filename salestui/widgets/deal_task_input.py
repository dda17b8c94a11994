"""An inline field for a task title: adding a task or renaming one.

It stays open with the typed text when saving fails (a validation message, or the
deal changed elsewhere), so nothing typed is lost; Esc closes it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from salestui.domain import LIMITS
from salestui.render import literal


class TaskTitleInput(Vertical):
    """A title field with a line for its error; hidden until `open` is called."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="task-input.cancel")]

    class Submitted(Message):
        """The user pressed Enter: add a task (`task_id` None) or rename `task_id`."""

        def __init__(self, field: TaskTitleInput, title: str, task_id: int | None) -> None:
            super().__init__()
            self.field = field
            self.title = title
            self.task_id = task_id

        @property
        def control(self) -> TaskTitleInput:
            return self.field

    class Closed(Message):
        """The field closed (saved or cancelled)."""

        def __init__(self, field: TaskTitleInput) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> TaskTitleInput:
            return self.field

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.task_id: int | None = None
        self.display = False

    def compose(self) -> ComposeResult:
        yield Input(max_length=LIMITS["task"], classes="task-title")
        yield Static(classes="task-error")

    def open(self, title: str = "", task_id: int | None = None) -> None:
        """Show the field for a new task (`task_id` None) or to rename one."""
        self.task_id = task_id
        field = self.query_one(Input)
        field.placeholder = (
            "New task title (Enter adds, Esc cancels)"
            if task_id is None
            else ("Task title (Enter renames, Esc cancels)")
        )
        field.value = title
        self.error("")
        self.display = True
        field.focus()

    def error(self, message: str) -> None:
        """Show a message under the field (empty to clear it)."""
        line = self.query_one(".task-error", Static)
        line.update(literal(message))
        line.display = bool(message)

    def close(self) -> None:
        self.display = False
        self.task_id = None
        self.post_message(self.Closed(self))

    def action_cancel(self) -> None:
        self.close()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, event.value, self.task_id))
