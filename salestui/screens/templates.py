"""The template checklist of each stage: what a new deal gets when it enters the stage.

Changing a template changes the checklists deals get from now on, never those they have.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, Tab, Tabs

from salestui import domain
from salestui.domain import DomainError
from salestui.screens.confirm import ConfirmDialog
from salestui.store import Pipeline
from salestui.widgets.checklist import Checklist
from salestui.widgets.deal_task_input import TaskTitleInput

STAGE = Binding.Group("Stage", compact=True)


class TemplatesScreen(ModalScreen[None]):
    """Edit each stage's template checklist: add, rename, delete, reorder, required/optional."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="templates.close"),
        Binding(
            "left_square_bracket",
            "stage(-1)",
            "Previous stage",
            key_display="[",
            group=STAGE,
            id="templates.previous",
        ),
        Binding(
            "right_square_bracket",
            "stage(1)",
            "Next stage",
            key_display="]",
            group=STAGE,
            id="templates.next",
        ),
    ]

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.stage = domain.STAGE_KEYS[0]

    def compose(self) -> ComposeResult:
        with Vertical(id="templates", classes="dialog") as box:
            box.border_title = "Stage checklists for new deals"
            yield Tabs(
                *(Tab(stage.label, id=stage.key) for stage in domain.STAGES), id="templates-stages"
            )
            yield Checklist(checkable=False, id="templates-list")
            yield TaskTitleInput(id="templates-input")
            yield Static(
                "A deal gets its stage's checklist when it first enters the stage; "
                "changes here apply to deals from then on.",
                classes="templates-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one(Checklist).focus()

    def _show(self, select: int | None = None) -> None:
        items = self.pipeline.templates()[self.stage]
        checklist = self.query_one(Checklist)
        checklist.show(items, select=select)
        checklist.border_title = f"{domain.STAGE_BY_KEY[self.stage].label}: {len(items)} tasks"

    @on(Tabs.TabActivated, "#templates-stages")
    def _stage_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id and event.tab.id != self.stage:
            self.stage = event.tab.id
            self._show()

    def action_stage(self, step: int) -> None:
        index = (domain.stage_index(self.stage) + step) % len(domain.STAGES)
        self.query_one(Tabs).active = domain.STAGE_KEYS[index]

    def action_close(self) -> None:
        self.dismiss(None)

    def _run(self, write: Callable[[], object], select: int | None = None) -> str | None:
        """Run a template write and redraw; the message when it was refused."""
        try:
            write()
        except DomainError as error:
            return str(error)
        self._show(select)
        return None

    @on(Checklist.Edit, "#templates-list")
    def _edit(self, event: Checklist.Edit) -> None:
        items = {item.id: item for item in self.pipeline.templates()[self.stage]}
        item = items.get(event.item_id or 0)
        field = self.query_one(TaskTitleInput)
        if event.action == "add":
            field.open()
            return
        if item is None:
            return
        problem: str | None = None
        if event.action == "rename":
            field.open(item.title, item.id)
        elif event.action == "required":
            problem = self._run(
                lambda: self.pipeline.edit_template(item.id, required=not item.required), item.id
            )
        elif event.action in ("up", "down"):
            delta = -1 if event.action == "up" else 1
            problem = self._run(lambda: self.pipeline.move_template(item.id, delta), item.id)
        elif event.action == "delete":

            def delete(yes: bool | None) -> None:
                if yes:
                    self._run(lambda: self.pipeline.delete_template(item.id))

            self.app.push_screen(
                ConfirmDialog(f"Delete “{item.title}” from the {self.stage} checklist?"), delete
            )
        if problem:
            self.notify(problem, severity="error", markup=False)

    @on(TaskTitleInput.Submitted, "#templates-input")
    def _save_title(self, event: TaskTitleInput.Submitted) -> None:
        title, template_id = event.title, event.task_id
        before = {item.id for item in self.pipeline.templates()[self.stage]}
        if template_id is None:
            problem = self._run(lambda: self.pipeline.add_template(self.stage, title))
        else:
            problem = self._run(
                lambda: self.pipeline.edit_template(template_id, title=title), template_id
            )
        if problem:
            event.field.error(problem)
            return
        event.field.close()
        added = [item.id for item in self.pipeline.templates()[self.stage] if item.id not in before]
        if added:
            self._show(added[-1])

    @on(TaskTitleInput.Closed, "#templates-input")
    def _input_closed(self) -> None:
        self.query_one(Checklist).focus()
