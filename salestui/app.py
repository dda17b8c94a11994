"""The Textual application: a thin shell around the pipeline and its screens."""

from __future__ import annotations

import gc
from collections.abc import Mapping

from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from salestui.commands import SalesCommands
from salestui.store import Pipeline


class SalesApp(App[None]):
    """salestui: the sales checklist as a kanban board."""

    TITLE = "salestui"
    CSS_PATH = "styles.tcss"
    COMMANDS = App.COMMANDS | {SalesCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(self, pipeline: Pipeline, *, database: str = "") -> None:
        super().__init__()
        self.pipeline = pipeline
        self.sub_title = database

    def on_ready(self) -> None:
        """The board is on screen: set what start-up built aside from the garbage collector.

        Start-up leaves some 130,000 long-lived objects (modules, styles, widgets). A
        full collection walked them all, 20 to 80 ms at a time, in the middle of a
        keypress; frozen, they are never walked again.
        """
        gc.freeze()

    def get_default_screen(self) -> Screen[None]:
        from salestui.screens.board import BoardScreen

        return BoardScreen(self.pipeline)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run an action, unless the app is already on its way out.

        Keys typed right after `q` are still queued when the app starts closing; opening
        a dialog then would meet a screen that is being torn down.
        """
        if self._exit:
            return False
        return await super().run_action(action, default_namespace, namespaces)

    def action_help(self) -> None:
        from salestui.screens.help import HelpScreen

        self.push_screen(HelpScreen())
