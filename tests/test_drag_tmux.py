"""End to end: the real app in tmux, cards dragged with the SGR mouse sequences of a terminal."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from salestui.store import Pipeline, open_pipeline

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

COLUMNS, ROWS = 160, 48
SALESTUI = str(Path(sys.executable).with_name("salestui"))
"""The installed console script, as a user starts it."""
TITLE = "Dragged across"
GATED = "Awaiting agendas"


def tmux(socket: Path, *args: str, check: bool = True) -> str:
    """Run a tmux command on the test's own server (socket `socket`, no user tmux.conf).

    The environment is passed explicitly: GNU readline, once loaded in this process,
    sets COLUMNS=80 and LINES=24 in the C environment, which a plain child would inherit
    and Textual would take for the terminal's size.
    """
    assert TMUX is not None
    done = subprocess.run(
        [TMUX, "-S", str(socket), "-f", os.devnull, *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=10,
        env={k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")},
    )
    return done.stdout


def wait_for(check: Callable[[], bool], what: str, screen: Callable[[], list[str]]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; the screen:\n" + "\n".join(screen()))


def find(screen: list[str], text: str) -> tuple[int, int]:
    """1-based (x, y) of the first cell of `text` on the captured screen."""
    for y, line in enumerate(screen, start=1):
        if text in line:
            return line.index(text) + 1, y
    raise AssertionError(f"{text!r} is not on screen:\n" + "\n".join(screen))


def show(db: Path, deal_id: int) -> dict[str, object]:
    out = subprocess.run(
        [SALESTUI, "--db", str(db), "deal", "show", str(deal_id), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, int, int]:
    """Two Qualified deals: one with its Qualified tasks done, one with them open."""
    db = tmp_path / "drag.db"
    pipeline: Pipeline = open_pipeline(f"sqlite:///{db}", author="tester")
    gated = pipeline.create({"title": GATED, "value": "900"}, stage="qualified")
    deal = pipeline.create({"title": TITLE, "company": "Acme", "value": "5000"}, stage="qualified")
    for task in deal.tasks_of("qualified"):
        pipeline.set_task_done(deal.id, task.id, True)
    return db, deal.id, gated.id


def test_dragging_a_card_to_the_next_column_in_tmux(
    seeded: tuple[Path, int, int], tmp_path: Path
) -> None:
    db, deal_id, gated_id = seeded
    socket, session = tmp_path / "tmux", "board-drag"
    command = f"{shlex.quote(SALESTUI)} --db {shlex.quote(str(db))}"
    tmux(socket, "new-session", "-d", "-s", session, "-x", str(COLUMNS), "-y", str(ROWS), command)
    try:

        def screen() -> list[str]:
            return tmux(socket, "capture-pane", "-p", "-t", session).splitlines()

        def shows(*parts: str) -> bool:
            text = "\n".join(screen())
            return all(part in text for part in parts)

        def send(*keys: str) -> None:
            tmux(socket, "send-keys", "-t", session, *keys)

        def drag_to_discovery(title: str) -> None:
            """Press on the card titled `title`, move in steps, release over Discovery."""
            lines = screen()
            x, y = find(lines, title)
            qualified_x, _ = find(lines, "Qualified")
            target_x, _ = find(lines, "Discovery")
            assert qualified_x <= x < target_x, "the card is in the Qualified column"
            press, release = f"\x1b[<0;{x + 2};{y}M", f"\x1b[<0;{target_x + 2};{y + 4}m"
            steps = [f"\x1b[<32;{x + 2 + (target_x - x) * n // 4};{y + n}M" for n in range(1, 5)]
            for sequence in (press, *steps):
                send("-l", sequence)
                time.sleep(0.05)
            send("-l", release)

        board = ("Discovery", "Closed", "Filter")
        wait_for(lambda: shows(TITLE, GATED, *board), "the whole board", screen)
        drag_to_discovery(TITLE)
        wait_for(lambda: show(db, deal_id)["stage"] == "discovery", "the deal to move", screen)
        assert show(db, deal_id)["outcome"] == "open"

        drag_to_discovery(GATED)
        wait_for(lambda: shows("Move to Discovery", "tasks still open"), "the gate", screen)
        send("Escape")
        wait_for(lambda: shows(*board) and not shows("still open"), "the board again", screen)
        assert show(db, gated_id)["stage"] == "qualified"
    finally:
        tmux(socket, "kill-server", check=False)
