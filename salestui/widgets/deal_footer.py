"""A footer that redraws its keys only when they change, without restyling each one.

Textual's `Footer` recomposes on every bindings signal (several per screen change),
and each new `FooterKey` starts compact and is then bound to the footer's setting:
one or two restyles per key. This footer builds its keys in the footer's state from
the start and recomposes once per refresh, only when the keys shown differ; a key
that only turns on or off is lit or dimmed where it is.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

Shown = tuple[tuple[str, str, str, bool, str], ...]
"""What the footer shows: (action, key, description, enabled, tooltip) of each binding."""


class QuietFooter(Footer):
    """`Footer` with one recompose per change of the keys shown and no per-key restyle."""

    _pending = False
    _shown: Shown | None = None

    def _current(self) -> Shown:
        return tuple(
            (binding.action, binding.key, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Textual binds every key to the footer's setting but the palette's,
                # which stays compact.
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._pending:
            return
        if self.is_attached and screen is self.screen:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown, before = self._current(), self._shown
        if shown == before:
            return
        self._shown = shown
        if before is not None and _layout(shown) == _layout(before):
            # Only keys turning on or off: dim or light them where they are, no recompose.
            enabled: dict[str, bool] = {}
            for action, _key, _description, on, _tooltip in shown:
                enabled.setdefault(action, on)  # the footer shows an action's first binding
            for key in self.query(FooterKey):
                if key.action in enabled and key._disabled == enabled[key.action]:
                    key._disabled = not enabled[key.action]  # a click on it only rings
                    key.set_class(key._disabled, "-disabled")
            return
        await self.recompose()


def _layout(shown: Shown) -> Shown:
    """What decides the footer's widgets: every part of a key but whether it is on."""
    return tuple((action, key, text, False, tip) for action, key, text, _, tip in shown)
