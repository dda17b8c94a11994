"""Mark a deal lost: a preset reason, with details in free text."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from salestui.domain import LOST_REASONS, ValidationError, check_text
from salestui.render import literal

OTHER = "Other"


class LostDialog(ModalScreen[str | None]):
    """Asks why a deal was lost; dismisses the reason ("Price", "Price: details") or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="lost.cancel"),
        Binding("ctrl+s", "confirm", "Mark lost", id="lost.confirm"),
        *(
            Binding(str(n), f"choose({n - 1})", reason, show=False, id=f"lost.reason-{n}")
            for n, reason in enumerate(LOST_REASONS, start=1)
        ),
    ]

    def __init__(self, deal_title: str) -> None:
        super().__init__()
        self._deal_title = deal_title

    def compose(self) -> ComposeResult:
        with Vertical(id="lost", classes="dialog") as box:
            box.border_title = "Mark lost"
            yield Static(literal(self._deal_title, "bold"), id="lost-deal")
            yield Label("Why was it lost?")
            with RadioSet(id="lost-reasons"):
                for n, reason in enumerate(LOST_REASONS, start=1):
                    yield RadioButton(f"{n} {reason}", id=f"lost-reason-{n - 1}")
            yield Label("Details (needed for Other)")
            yield Input(placeholder="e.g. chose a cheaper offer", id="lost-details", compact=True)
            yield Static(id="lost-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Mark lost", variant="error", id="lost-confirm")
                yield Button("Cancel", id="lost-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lost-error").display = False
        self.query_one("#lost-reasons").focus()

    def action_choose(self, index: int) -> None:
        self.query_one(f"#lost-reason-{index}", RadioButton).value = True

    @on(RadioSet.Changed)
    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.query_one("#lost-error").display = False
        self.query_one("#lost-details").remove_class("-invalid")

    @on(Button.Pressed, "#lost-confirm")
    @on(Input.Submitted, "#lost-details")
    def action_confirm(self) -> None:
        index = self.query_one("#lost-reasons", RadioSet).pressed_index
        details_input = self.query_one("#lost-details", Input)
        if index < 0:
            self._error("Choose a reason.", self.query_one("#lost-reasons", RadioSet))
            return
        preset = LOST_REASONS[index]
        try:
            details = check_text("reason", details_input.value).strip()
        except ValidationError as error:
            self._error(f"The details {error.message}.", details_input)
            return
        if preset == OTHER and not details:
            self._error("Say what the other reason was.", details_input)
            return
        self.dismiss(f"{preset}: {details}" if details else preset)

    def _error(self, message: str, culprit: Input | RadioSet) -> None:
        line = self.query_one("#lost-error", Static)
        line.update(literal(message))
        line.display = True
        culprit.set_class(isinstance(culprit, Input), "-invalid")
        culprit.focus()

    @on(Button.Pressed, "#lost-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
