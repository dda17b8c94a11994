"""A checklist as checkboxes: tasks of a deal's stage, or a stage's template tasks.

A dumb widget: it shows the items it is given and reports what the user asks for
(tick, add, rename, delete, reorder, required/optional) as messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from salestui.render import literal

MOVE = Binding.Group("Move", compact=True)

EditAction = Literal["add", "rename", "delete", "required", "up", "down"]


class ChecklistItem(Protocol):
    """What the checklist needs from a task or a template task."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def required(self) -> bool: ...


def task_line(item: ChecklistItem, done_at: datetime | None, *, checkable: bool = True) -> Text:
    """One task as a line: box, title, and marks for optional and done.

    Optional tasks are italic with an `optional` tag, so they read differently from
    the required ones at a glance.
    """
    line = Text(end="")
    if checkable:
        line.append("[x] " if done_at else "[ ] ", style="bold green" if done_at else "bold")
    else:
        line.append("• ", style="dim")
    line.append_text(literal(item.title, "italic" if not item.required else ""))
    if not item.required:
        line.append("  optional", style="dim italic")
    if done_at is not None:
        line.append(f"  {done_at.astimezone():%Y-%m-%d}", style="dim")
    return line


class Checklist(OptionList):
    """Tasks as checkboxes; space, Enter or a click ticks, other keys edit the list."""

    BINDINGS = [
        Binding("space", "select", "Tick", id="checklist.tick"),
        Binding("a", "edit('add')", "Add", tooltip="Add a task", id="checklist.add"),
        Binding("r", "edit('rename')", "Rename", id="checklist.rename"),
        Binding("delete", "edit('delete')", "Delete", id="checklist.delete"),
        Binding(
            "asterisk", "edit('required')", "Optional", key_display="*", id="checklist.required"
        ),
        Binding(
            "shift+up", "edit('up')", "Move up", key_display="⇧↑", group=MOVE, id="checklist.up"
        ),
        Binding(
            "shift+down",
            "edit('down')",
            "Move down",
            key_display="⇧↓",
            group=MOVE,
            id="checklist.down",
        ),
    ]

    class Toggled(Message):
        """The user ticked or unticked an item."""

        def __init__(self, checklist: Checklist, item_id: int) -> None:
            super().__init__()
            self.checklist = checklist
            self.item_id = item_id

        @property
        def control(self) -> Checklist:
            return self.checklist

    class Edit(Message):
        """The user asked to change the list; `item_id` is the highlighted item (None for add)."""

        def __init__(self, checklist: Checklist, action: EditAction, item_id: int | None) -> None:
            super().__init__()
            self.checklist = checklist
            self.action = action
            self.item_id = item_id

        @property
        def control(self) -> Checklist:
            return self.checklist

    def __init__(self, *, checkable: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.checkable = checkable
        self._items: tuple[ChecklistItem, ...] = ()
        self._showing = False

    def show(self, items: Sequence[ChecklistItem], *, select: int | None = None) -> None:
        """Show `items`, keeping the highlight on the same item (or on `select`)."""
        current, index, had_highlight = (
            self.highlighted_id,
            self.highlighted,
            self.highlighted is not None,
        )
        self._showing = True
        self._items = tuple(items)
        self.set_options(
            Option(
                task_line(item, getattr(item, "done_at", None), checkable=self.checkable),
                id=str(item.id),
            )
            for item in self._items
        )
        wanted = select if select is not None else current
        ids = [item.id for item in self._items]
        if wanted in ids:
            self.highlighted = ids.index(wanted)
        elif self._items:
            self.highlighted = min(index or 0, len(ids) - 1)  # the item went: stay in place
        self._showing = False
        if had_highlight != (self.highlighted is not None):
            self.refresh_bindings()

    @property
    def highlighted_id(self) -> int | None:
        """Id of the highlighted item."""
        if self.highlighted is None or not self._items:
            return None
        return self._items[min(self.highlighted, len(self._items) - 1)].id

    @property
    def highlighted_item(self) -> ChecklistItem | None:
        item_id = self.highlighted_id
        return next((item for item in self._items if item.id == item_id), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return self.checkable and self.highlighted is not None
        if action == "edit" and parameters and parameters[0] != "add":
            return self.highlighted is not None
        return True

    def _watch_highlighted(self, old: int | None, highlighted: int | None) -> None:
        if (old is None) != (highlighted is None) and not self._showing:
            self.refresh_bindings()  # the footer redraws every key: only when it changes

    def action_edit(self, action: EditAction) -> None:
        self.post_message(self.Edit(self, action, None if action == "add" else self.highlighted_id))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.checkable and event.option.id is not None:
            self.post_message(self.Toggled(self, int(event.option.id)))
