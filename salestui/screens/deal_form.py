"""The deal form: add a deal or edit its fields, with each problem shown under its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from salestui.domain import (
    ConflictError,
    DomainError,
    ValidationError,
    major_text,
    validation_errors,
)
from salestui.render import literal
from salestui.screens.confirm import ConfirmDialog
from salestui.store.views import DealDetail

Save = Callable[[dict[str, str]], DealDetail]
"""Saves the raw form text and returns the saved deal; raises DomainError when it cannot."""

FIELDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("title", "Title", "what is being sold, e.g. Fleet tracking rollout"),
    ("company", "Company", ""),
    ("contact", "Contact", "the person you talk to"),
    ("email", "Email", "name@example.com"),
    ("phone", "Phone", "+44 20 7946 0000"),
    ("value", "Value", "48000.00"),
    ("currency", "Currency", "EUR, USD, GBP…"),
    ("owner", "Owner", "who works the deal"),
    ("close_date", "Close date", "YYYY-MM-DD"),
    ("source", "Source", "referral, website, event…"),
)
"""(field, label, placeholder) in the order the form shows them."""

CHANGED_ELSEWHERE: Final = (
    "This deal was changed elsewhere while you edited it; the latest version has been loaded."
    " Your changes are still here: press Save to apply them."
)


def initial_values(initial: DealDetail | None) -> dict[str, str]:
    """The text each input starts with: the deal's fields, or a blank new deal."""
    if initial is None:
        return {name: "EUR" if name == "currency" else "" for name, _, _ in FIELDS}
    values = {name: str(getattr(initial, name)) for name, _, _ in FIELDS}
    values["value"] = major_text(initial.value, initial.currency)
    values["close_date"] = initial.close_date.isoformat() if initial.close_date else ""
    return values


class DealForm(ModalScreen[DealDetail | None]):
    """Asks for a deal's fields; dismisses the saved deal, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="deal_form.save"),
        Binding("escape", "cancel", "Cancel", id="deal_form.cancel"),
    ]

    def __init__(
        self, save: Save, initial: DealDetail | None = None, *, heading: str = "New deal"
    ) -> None:
        super().__init__()
        self._save = save
        self._heading = heading
        self._initial = initial_values(initial)

    def compose(self) -> ComposeResult:
        with Vertical(id="deal-form", classes="dialog") as box:
            box.border_title = self._heading
            yield Static(id="deal-form-error", classes="dialog-error")
            with VerticalScroll(id="deal-form-fields"):
                for name, label, placeholder in FIELDS:
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        with Vertical(classes="form-field"):
                            yield Input(
                                self._initial[name],
                                placeholder=placeholder,
                                id=f"field-{name}",
                                compact=True,
                            )
                            yield Label(id=f"error-{name}", classes="form-field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="deal-form-save")
                yield Button("Cancel", id="deal-form-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deal-form-error").display = False
        for label in self.query(".form-field-error"):
            label.display = False
        self.query_one("#field-title", Input).focus()

    def _raw(self) -> dict[str, str]:
        return {name: self.query_one(f"#field-{name}", Input).value for name, _, _ in FIELDS}

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter goes to the next field; in the last one it saves."""
        if event.input.id == f"field-{FIELDS[-1][0]}":
            self.action_save()
        else:
            self.focus_next(Input)

    @on(Button.Pressed, "#deal-form-save")
    def action_save(self) -> None:
        raw = self._raw()
        errors = [e for e in validation_errors(raw) if f"field-{e.field}" in self._input_ids]
        self._show_errors(errors)
        if errors:
            self.query_one(f"#field-{errors[0].field}", Input).focus()
            return
        try:
            saved = self._save(raw)
        except ConflictError:
            self._form_error(CHANGED_ELSEWHERE)
            return
        except ValidationError as error:
            if f"field-{error.field}" in self._input_ids:
                self._show_errors([error])
                self.query_one(f"#field-{error.field}", Input).focus()
            else:
                self._form_error(str(error))
            return
        except DomainError as error:
            self._form_error(str(error))
            return
        self.dismiss(saved)

    @property
    def _input_ids(self) -> set[str]:
        return {f"field-{name}" for name, _, _ in FIELDS}

    def _show_errors(self, errors: list[ValidationError]) -> None:
        """One message under each field that has a problem; the others cleared."""
        self.query_one("#deal-form-error").display = False
        by_field = {error.field: error.message for error in errors}
        for name, label, _ in FIELDS:
            message = by_field.get(name)
            line = self.query_one(f"#error-{name}", Label)
            self.query_one(f"#field-{name}", Input).set_class(message is not None, "-invalid")
            line.display = message is not None
            if message is not None:
                line.update(literal(f"{label} {message}"))

    def _form_error(self, message: str) -> None:
        line = self.query_one("#deal-form-error", Static)
        line.update(literal(message))
        line.display = True
        self.query_one("#deal-form-fields", VerticalScroll).scroll_home(animate=False)

    @on(Button.Pressed, "#deal-form-cancel")
    def action_cancel(self) -> None:
        """Close without saving; ask first when something was typed."""
        if self._raw() == self._initial:
            self.dismiss(None)
            return

        def discard(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Discard your changes?", yes="Discard", no="Keep editing"), discard
        )
