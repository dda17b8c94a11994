"""Customer satisfaction of a won deal: a score from 1 to 5, success or failure, a comment."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, RadioButton, RadioSet, Static, TextArea

from salestui.domain import VERDICTS, ConflictError, DomainError
from salestui.render import literal
from salestui.store.views import DealDetail

Save = Callable[[int, str, str], DealDetail]
"""Records (score, verdict, comment) and returns the saved deal; raises DomainError."""


class SatisfactionDialog(ModalScreen[DealDetail | None]):
    """Asks how the customer feels about a won deal; dismisses with the saved deal or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="satisfaction.save"),
        Binding("escape", "cancel", "Cancel", id="satisfaction.cancel"),
        *(
            Binding(str(n), f"score({n})", f"Score {n}", show=False, id=f"satisfaction.score-{n}")
            for n in range(1, 6)
        ),
    ]

    def __init__(self, save: Save, initial: DealDetail) -> None:
        super().__init__()
        self._save = save
        self._initial = initial

    def compose(self) -> ComposeResult:
        initial = self._initial
        with Vertical(id="satisfaction", classes="dialog") as box:
            box.border_title = "Customer satisfaction"
            yield Static(literal(initial.title, "bold"), classes="satisfaction-deal")
            yield Label("Score (1 poor … 5 excellent)")
            with RadioSet(id="satisfaction-score"):
                for n in range(1, 6):
                    yield RadioButton(
                        str(n), value=initial.satisfaction_score == n, id=f"score-{n}"
                    )
            yield Label("Verdict")
            with RadioSet(id="satisfaction-verdict"):
                for verdict in VERDICTS:
                    yield RadioButton(
                        verdict.capitalize(),
                        value=initial.satisfaction_verdict == verdict,
                        id=f"verdict-{verdict}",
                    )
            yield Label("Comment")
            yield TextArea(initial.satisfaction_comment, id="satisfaction-comment", soft_wrap=True)
            yield Static(id="satisfaction-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="satisfaction-save")
                yield Button("Cancel", id="satisfaction-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#satisfaction-error", Static).display = False

    def action_score(self, score: int) -> None:
        self.query_one(f"#score-{score}", RadioButton).value = True

    @on(Button.Pressed, "#satisfaction-save")
    def action_save(self) -> None:
        score = self.query_one("#satisfaction-score", RadioSet).pressed_index
        verdict = self.query_one("#satisfaction-verdict", RadioSet).pressed_index
        if score < 0:
            self._error("Choose a score from 1 to 5.")
            return
        if verdict < 0:
            self._error("Choose success or failure.")
            return
        comment = self.query_one("#satisfaction-comment", TextArea).text
        try:
            saved = self._save(score + 1, VERDICTS[verdict], comment)
        except ConflictError as error:
            self._error(
                f"{error}. The deal has been reloaded; press Save again to record this anyway."
            )
            return
        except DomainError as error:
            self._error(str(error))
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#satisfaction-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, message: str) -> None:
        line = self.query_one("#satisfaction-error", Static)
        line.update(literal(message))
        line.display = True
