"""The Textual application: a thin shell around the pipeline and its screens."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import time
from collections.abc import Mapping

from textual import events
from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from salestui.commands import SalesCommands
from salestui.store import Pipeline

IDLE_COLLECT = 1.0
"""Seconds without a key or mouse event before a full garbage collection may run."""
FULL_COLLECTION_NEVER = 1_000_000
"""A threshold no session reaches: full collections run only when idle."""


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
        self._last_input = 0.0

    def on_mount(self) -> None:
        if not self.is_headless:  # a person at a terminal (tests drive headless apps)
            self.close_on_hang_up()

    def close_on_hang_up(self) -> None:
        """Close as `q` does when the terminal goes away or the system asks us to stop.

        An SSH link that drops sends SIGHUP, a shutdown SIGTERM; either one killed the
        app on the spot, losing notes typed in the last moments (they are saved after
        a pause in typing, and on closing). Closing saves them.
        """
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is None:  # not on this system
                continue
            # NotImplementedError, RuntimeError: this event loop takes no signals.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, self.exit)

    def on_ready(self) -> None:
        if not self.is_headless:  # a person at the keys (tests drive headless apps)
            self.collect_garbage_when_idle()

    def collect_garbage_when_idle(self) -> None:
        """Keep the garbage collector's long pauses out of keypresses.

        Start-up leaves some 130,000 long-lived objects (modules, styles, widgets); a
        full collection walked them all, 20 to 80 ms at a time, in the middle of a key.
        They are frozen (never walked again), and full collections of what came later
        (10 to 15 ms) wait until the keys have been quiet for `IDLE_COLLECT` seconds.
        Young objects are still collected as usual.
        """
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_NEVER)
        self._last_input = time.monotonic()
        self.set_interval(IDLE_COLLECT, self._collect_if_idle, name="idle garbage collection")

    def _collect_if_idle(self) -> None:
        if gc.get_count()[2] and time.monotonic() - self._last_input >= IDLE_COLLECT:
            gc.collect()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()
        await super().on_event(event)

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
