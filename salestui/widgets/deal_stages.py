"""The stages around the current one: past checklists (collapsed) and the next one's preview."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Collapsible, Static

from salestui import domain
from salestui.store.views import DealDetail, TaskView, TemplateView
from salestui.widgets.checklist import task_line
from salestui.widgets.deal_history import duration


def task_lines(tasks: Sequence[TaskView | TemplateView], *, checkable: bool = True) -> Text:
    """Tasks one per line, as the checklist shows them."""
    return Text("\n", end="").join(
        task_line(task, getattr(task, "done_at", None), checkable=checkable) for task in tasks
    )


def past_title(detail: DealDetail, stage: str) -> str:
    """`Prospect  3/3 done · 12d`: a past stage's collapsed line."""
    tasks = detail.tasks_of(stage)
    done = sum(task.done for task in tasks)
    spent = detail.time_in_stage.get(stage)
    title = f"{domain.STAGE_BY_KEY[stage].label}  {done}/{len(tasks)} done"
    return title + (f" · {duration(spent)}" if spent is not None else "")


class PastStages(Vertical):
    """One collapsed checklist per stage before the current one that the deal went through."""

    def compose(self) -> ComposeResult:
        for stage in domain.STAGES:
            # Born with the class the collapsed state gives, so mounting restyles nothing.
            with Collapsible(title=stage.label, id=f"past-{stage.key}", classes="-collapsed"):
                yield Static(classes="past-tasks")

    def show(self, detail: DealDetail) -> None:
        current = domain.stage_index(detail.stage)
        shown = 0
        for index, stage in enumerate(domain.STAGES):
            box = self.query_one(f"#past-{stage.key}", Collapsible)
            tasks = detail.tasks_of(stage.key)
            box.display = index < current and bool(tasks)
            if box.display:
                shown += 1
                box.title = past_title(detail, stage.key)
                box.query_one(".past-tasks", Static).update(task_lines(tasks))
        self.display = shown > 0


class NextStage(Static):
    """The next stage's checklist: the deal's own if it has been there, else the template."""

    def show(self, detail: DealDetail, templates: dict[str, tuple[TemplateView, ...]]) -> None:
        index = domain.stage_index(detail.stage)
        if index + 1 >= len(domain.STAGES) or detail.outcome != domain.OPEN:
            self.display = False
            return
        stage = domain.STAGES[index + 1]
        own = detail.tasks_of(stage.key)
        tasks: Sequence[TaskView | TemplateView] = own or templates.get(stage.key, ())
        self.display = True
        self.border_title = f"Next: {stage.label} (preview)"
        self.update(task_lines(tasks, checkable=False) if tasks else Text("No tasks", style="dim"))
