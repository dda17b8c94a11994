"""Command palette providers."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from salestui.store import Pipeline


class SalesCommands(Provider):
    """Commands of the sales pipeline that have no key of their own."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        return [
            (
                "Edit stage checklists",
                "The template checklist each stage gives new deals",
                self._edit_templates,
            ),
        ]

    def _edit_templates(self) -> None:
        from salestui.screens.templates import TemplatesScreen  # only when chosen: not at start

        pipeline: Pipeline = self.app.pipeline  # type: ignore[attr-defined]
        self.app.push_screen(TemplatesScreen(pipeline))

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
