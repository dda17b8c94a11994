"""One deal: its fields, the checklist of its stage, notes, history, moves and outcome.

Every write passes the version this screen holds. When the deal changed elsewhere the
write is refused (ConflictError): the screen says so, reloads the deal, and keeps what
was typed (the notes stay in their field; dialogs keep their text and apply on a
second, knowing save).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Collapsible, Header, Static, TextArea

from salestui import domain
from salestui.domain import ConflictError, DomainError, NotFound
from salestui.screens.confirm import ConfirmDialog
from salestui.screens.deal_form import DealForm
from salestui.screens.gate import move_deal
from salestui.screens.lost import LostDialog
from salestui.store import DealCard, Pipeline
from salestui.store.views import DealDetail, TaskView
from salestui.widgets.checklist import Checklist
from salestui.widgets.deal_details import DealDetails, headline
from salestui.widgets.deal_footer import QuietFooter
from salestui.widgets.deal_history import DealHistory
from salestui.widgets.deal_stages import NextStage, PastStages
from salestui.widgets.deal_task_input import TaskTitleInput

Write = Callable[[int], DealDetail]
"""A store write given the version the screen holds."""

NOTES_DEBOUNCE = 1.5
"""Seconds of quiet typing before the notes are saved."""

STAGE = Binding.Group("Stage", compact=True)

CHANGED_ELSEWHERE = (
    "This deal was changed elsewhere since you opened it, so nothing was saved. "
    "It has been reloaded"
)


def first_open(tasks: Sequence[TaskView]) -> int | None:
    """Id of the first task not done yet (else the first task): where the cursor starts."""
    return next((t.id for t in tasks if not t.done), tasks[0].id if tasks else None)


class DealScreen(Screen[None]):
    """Everything about one deal; Esc goes back to the board."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back", id="deal.back"),
        Binding("e", "edit", "Edit", tooltip="Edit the deal's fields", id="deal.edit"),
        Binding(
            "less_than_sign",
            "backward",
            "Previous stage",
            key_display="<",
            group=STAGE,
            id="deal.backward",
        ),
        Binding(
            "greater_than_sign",
            "forward",
            "Next stage",
            key_display=">",
            group=STAGE,
            id="deal.forward",
        ),
        Binding("l", "lose", "Lost", tooltip="Close the deal as lost", id="deal.lose"),
        Binding("o", "reopen", "Reopen", tooltip="Reopen the closed deal", id="deal.reopen"),
        Binding("s", "satisfaction", "Satisfaction", id="deal.satisfaction"),
        Binding("n", "notes", "Notes", tooltip="Write in the notes", id="deal.notes"),
    ]

    def __init__(self, pipeline: Pipeline, deal_id: int) -> None:
        super().__init__()
        self.pipeline = pipeline
        self._notes = TextArea(id="deal-notes", soft_wrap=True)
        self._notes_timer: Timer | None = None
        self._styled_theme = self.app.theme
        """The theme this screen's styles were last computed with."""
        self._take(deal_id)

    def _take(self, deal_id: int) -> None:
        """Hold deal `deal_id`: its detail, the notes as saved, the checklist templates."""
        self.detail = self.pipeline.get(deal_id)
        self.deal_id = deal_id
        self._templates = self.pipeline.templates()
        self._notes_saved = self.detail.notes
        """The notes as the store holds them at the version this screen holds."""
        # The breakpoint class of the current width, so showing it restyles nothing.
        wide = self.app.size.width >= 120
        self.set_class(wide, "-wide", update=self.is_mounted)
        self.set_class(not wide, "-narrow", update=self.is_mounted)

    def load(self, deal_id: int) -> None:
        """Show deal `deal_id` on this screen, as a new screen would: one serves every deal.

        Called while the screen is not shown. Nothing of the deal shown before stays:
        its notes were saved when it was left (and are now, should any be left), and the
        cursor, scroll positions, title field and focus start over.

        Raises:
            NotFound: The deal is not in the store.
        """
        self._keep_notes()
        self._stop_notes_timer()
        self._take(deal_id)
        if self.is_mounted:
            self._start()
            # Lay out before the first paint: the widgets' own requests may reach the
            # screen only after it has painted the new content in the old places.
            self.refresh(layout=True)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="deal-head")
        with Horizontal(id="deal-body"):
            with VerticalScroll(id="deal-left", can_focus=False):
                yield Checklist(id="deal-checklist")
                yield TaskTitleInput(id="deal-task-input")
                yield NextStage(id="deal-next")
                yield PastStages(id="deal-past")
            with VerticalScroll(id="deal-right", can_focus=False):
                yield DealDetails(id="deal-details")
                yield self._notes
                yield DealHistory(id="deal-history")
        yield QuietFooter()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Restyle only when the theme changed while away (a resize sets the breakpoint in `_take`).

        The styles are fresh when first shown, right after mounting, and a screen shown
        again for another deal has the same widgets and classes.
        """
        if self.app.theme == self._styled_theme:
            event.refresh_styles = False
        self._styled_theme = self.app.theme

    def on_mount(self) -> None:
        self.query_one("#deal-details").border_title = "Details (e edits)"
        self.query_one("#deal-notes").border_title = "Notes"
        self.query_one("#deal-history").border_title = "History"
        self._start()

    def _start(self) -> None:
        """Show the held deal from the top: first open task, notes as saved, boxes collapsed."""
        self._notes.load_text(self.detail.notes)
        field = self.query_one(TaskTitleInput)
        if field.display:
            field.close()
        for box in self.query_one(PastStages).query(Collapsible):
            box.collapsed = True
        for scrolled in ("#deal-body", "#deal-left", "#deal-right"):  # the body scrolls when narrow
            self.query_one(scrolled).scroll_home(animate=False, immediate=True)
        self._show(self.detail, select=first_open(self.detail.tasks_of(self.detail.stage)))
        self.query_one(Checklist).focus()

    def _show(self, detail: DealDetail, *, select: int | None = None) -> None:
        """Draw `detail` everywhere; unsaved notes stay in their field."""
        if detail.notes != self._notes_saved:
            if self._notes.text == self._notes_saved:
                self._notes.load_text(detail.notes)
            else:
                self.notify(
                    "The notes were changed elsewhere too. Your text stays in the field; "
                    "saving it (type on, or press Esc) replaces theirs.",
                    title="Notes changed elsewhere",
                    severity="warning",
                    timeout=10,
                )
            self._notes_saved = detail.notes
        tasks = detail.tasks_of(detail.stage)
        if detail.stage != self.detail.stage and select is None:
            select = first_open(tasks)  # a new stage: start on its first open task
        if (detail.stage, detail.outcome) != (self.detail.stage, self.detail.outcome):
            self.refresh_bindings()  # the keys that apply follow the stage and outcome
        self.detail = detail
        stage = domain.STAGE_BY_KEY[detail.stage]
        self.sub_title = f"Deal #{detail.id}"
        self.query_one("#deal-head", Static).update(
            headline(detail, stale=self.pipeline.is_stale(detail))
        )
        checklist = self.query_one(Checklist)
        checklist.show(tasks, select=select)
        checklist.border_title = f"{stage.label} checklist"
        checklist.border_subtitle = f"{sum(t.done for t in tasks)}/{len(tasks)}"
        self.query_one(DealDetails).show(detail)
        self.query_one(NextStage).show(detail, self._templates)
        self.query_one(PastStages).show(detail)
        self.query_one(DealHistory).show(detail, self.pipeline.now())

    def _reload(self) -> None:
        """Read the deal again (after a conflict, or when a dialog gave nothing back)."""
        try:
            self._show(self.pipeline.get(self.deal_id))
        except NotFound:
            self.notify("This deal was deleted elsewhere.", title="Deleted", severity="error")
            if self.is_current:
                self.dismiss(None)

    # ------------------------------------------------------------------ writes

    def _apply(self, write: Write, *, select: int | None = None) -> str | None:
        """Run `write` with the held version; None when it worked, else a message for people.

        On a conflict the deal is reloaded, so a second attempt applies knowingly.
        """
        try:
            fresh = write(self.detail.version)
        except ConflictError:
            self._reload()
            return CHANGED_ELSEWHERE
        except NotFound as error:
            self._reload()
            return str(error)
        except DomainError as error:
            return str(error)
        self._show(fresh, select=select)
        return None

    def _run(self, write: Write, *, select: int | None = None) -> bool:
        """`_apply`, telling the user when it did not work."""
        problem = self._apply(write, select=select)
        if problem is not None:
            self._refused(problem)
        return problem is None

    def _refused(self, problem: str) -> None:
        self.notify(f"{problem}.", title="Not saved", severity="warning", timeout=8, markup=False)

    def _run_or_confirm(self, write: Write, question: str) -> None:
        """`_apply`; after a conflict, show the fresh deal and ask before applying again."""
        problem = self._apply(write)
        if problem == CHANGED_ELSEWHERE and self.is_attached:

            def again(yes: bool | None) -> None:
                if yes:
                    self._run(write)

            self.app.push_screen(ConfirmDialog(f"{CHANGED_ELSEWHERE}. {question}"), again)
        elif problem is not None:
            self._refused(problem)

    # ------------------------------------------------------------------ checklist

    @on(Checklist.Toggled, "#deal-checklist")
    def _toggle(self, event: Checklist.Toggled) -> None:
        task_id = event.item_id
        self._run(
            lambda v: self.pipeline.toggle_task(self.deal_id, task_id, version=v), select=task_id
        )

    @on(Checklist.Edit, "#deal-checklist")
    def _edit_task(self, event: Checklist.Edit) -> None:
        task = next((t for t in self.detail.tasks if t.id == event.item_id), None)
        field = self.query_one(TaskTitleInput)
        if event.action == "add":
            field.open()
        elif task is None:
            return
        elif event.action == "rename":
            field.open(task.title, task.id)
        elif event.action == "required":
            self._run(
                lambda v: self.pipeline.set_task_required(
                    self.deal_id, task.id, not task.required, version=v
                ),
                select=task.id,
            )
        elif event.action in ("up", "down"):
            delta = -1 if event.action == "up" else 1
            self._run(
                lambda v: self.pipeline.move_task(self.deal_id, task.id, delta, version=v),
                select=task.id,
            )
        elif event.action == "delete":
            self._flush_notes()

            def delete(yes: bool | None) -> None:
                if yes:
                    self._run(lambda v: self.pipeline.delete_task(self.deal_id, task.id, version=v))

            self.app.push_screen(ConfirmDialog(f"Delete the task “{task.title}”?"), delete)

    @on(TaskTitleInput.Submitted)
    def _save_task_title(self, event: TaskTitleInput.Submitted) -> None:
        title, task_id = event.title, event.task_id
        before = {t.id for t in self.detail.tasks}
        if task_id is None:
            problem = self._apply(lambda v: self.pipeline.add_task(self.deal_id, title, version=v))
        else:
            problem = self._apply(
                lambda v: self.pipeline.rename_task(self.deal_id, task_id, title, version=v),
                select=task_id,
            )
        if problem == CHANGED_ELSEWHERE:
            problem += "; press Enter to save your text anyway"
        if problem is not None:
            event.field.error(f"{problem}.")
            return
        added = [t.id for t in self.detail.tasks_of(self.detail.stage) if t.id not in before]
        event.field.close()
        if added:
            self.query_one(Checklist).show(
                self.detail.tasks_of(self.detail.stage), select=added[-1]
            )

    @on(TaskTitleInput.Closed)
    def _task_title_closed(self) -> None:
        self.query_one(Checklist).focus()

    # ------------------------------------------------------------------ notes

    @on(TextArea.Changed, "#deal-notes")
    def _notes_changed(self) -> None:
        self._stop_notes_timer()
        if self._notes.text != self._notes_saved:
            self._notes_timer = self.set_timer(NOTES_DEBOUNCE, self._flush_notes)

    def _stop_notes_timer(self) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None

    def _flush_notes(self) -> bool:
        """Save the notes if they changed; False when they could not be saved.

        On a conflict where nobody else touched the notes, they are saved on the fresh
        version at once; when the notes changed elsewhere too, ours stay in the field
        (the user is told) and the next save replaces theirs knowingly.
        """
        self._stop_notes_timer()
        text, base = self._notes.text, self._notes_saved
        if text == base:
            return True

        def save(version: int) -> DealDetail:
            saved = self.pipeline.set_notes(self.deal_id, text, version=version)
            self._notes_saved = text
            return saved

        problem = self._apply(save)
        if problem == CHANGED_ELSEWHERE and self.detail.notes == base:
            problem = self._apply(save)
            if problem is None:
                self.notify(
                    "This deal was changed elsewhere; it was reloaded and your notes saved on it.",
                    title="Changed elsewhere",
                    timeout=8,
                )
        if problem is not None and problem != CHANGED_ELSEWHERE:
            self.notify(f"Notes not saved: {problem}.", severity="error", timeout=10, markup=False)
        return problem is None

    def action_notes(self) -> None:
        self._notes.focus()

    def on_unmount(self) -> None:
        """The app is quitting: keep every character of the notes."""
        self._keep_notes()

    def _keep_notes(self) -> None:
        """Save the notes of the held deal if they changed, on the freshest version."""
        text = self._notes.text
        if text == self._notes_saved:
            return
        try:
            try:
                self.pipeline.set_notes(self.deal_id, text, version=self.detail.version)
            except ConflictError:
                fresh = self.pipeline.get(self.deal_id)
                self.pipeline.set_notes(self.deal_id, text, version=fresh.version)
        except DomainError as error:
            self.app.log.error(f"notes of deal #{self.deal_id} not saved: {error}")

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        detail = self.detail
        closed = detail.stage == domain.CLOSED
        if action == "forward":
            return not closed and detail.outcome == domain.OPEN
        if action == "backward":
            return not closed and domain.stage_index(detail.stage) > 0
        if action == "lose":
            return detail.outcome == domain.OPEN
        if action == "reopen":
            return closed
        if action == "satisfaction":
            return closed and detail.outcome == domain.WON
        return True

    def action_back(self) -> None:
        if self._flush_notes():
            self.dismiss(None)

    def action_edit(self) -> None:
        self._flush_notes()
        held = [self.detail.version]

        def save(raw: dict[str, str]) -> DealDetail:
            try:
                saved = self.pipeline.edit(self.deal_id, raw, version=held[0])
            except ConflictError:
                self._reload()
                held[0] = self.detail.version
                raise
            held[0] = saved.version
            return saved

        def done(saved: DealDetail | None) -> None:
            self._reload()

        self.app.push_screen(DealForm(save, initial=self.detail, heading="Edit deal"), done)

    @on(DealDetails.EditRequested)
    def _details_clicked(self) -> None:
        self.action_edit()

    def _move(self, to_stage: str) -> None:
        self._flush_notes()

        def done(moved: DealCard | None) -> None:
            self._reload()  # moved or not, the deal as it is now, whole

        move_deal(self, self.pipeline, self.deal_id, self.detail.version, to_stage, done)

    def action_forward(self) -> None:
        self._move(domain.STAGE_KEYS[domain.stage_index(self.detail.stage) + 1])

    def action_backward(self) -> None:
        self._move(domain.STAGE_KEYS[domain.stage_index(self.detail.stage) - 1])

    def action_lose(self) -> None:
        self._flush_notes()

        def lose(reason: str | None) -> None:
            if reason:
                self._run_or_confirm(
                    lambda v: self.pipeline.lose(self.deal_id, reason, version=v),
                    "Mark it lost anyway, with the reason you gave?",
                )

        self.app.push_screen(LostDialog(self.detail.title), lose)

    def action_reopen(self) -> None:
        """Reopen the closed deal: a lost one where it was lost, a won one in Proposed."""
        self._flush_notes()

        def reopen(yes: bool | None) -> None:
            if yes:
                self._run_or_confirm(
                    lambda v: self.pipeline.reopen(self.deal_id, version=v), "Reopen it anyway?"
                )

        self.app.push_screen(ConfirmDialog("Reopen this closed deal?"), reopen)

    def action_satisfaction(self) -> None:
        from salestui.screens.satisfaction import SatisfactionDialog  # rare: not at start

        self._flush_notes()
        held = [self.detail.version]

        def save(score: int, verdict: str, comment: str) -> DealDetail:
            try:
                saved = self.pipeline.record_satisfaction(
                    self.deal_id, score, verdict, comment, version=held[0]
                )
            except ConflictError:
                self._reload()
                held[0] = self.detail.version
                raise
            return saved

        def done(saved: DealDetail | None) -> None:
            if saved is not None:
                self._show(saved)

        self.app.push_screen(SatisfactionDialog(save, self.detail), done)
