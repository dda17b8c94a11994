"""End to end: a dropped terminal (SIGHUP) or a shutdown (SIGTERM) closes the app as `q`
does, keeping the notes typed in the last moments."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from salestui.store import Pipeline, open_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from _pty import Terminal

TYPED = "Typed just before the line dropped. "


def child_env() -> dict[str, str]:
    """This environment without what would fix the terminal's size or colours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLUMNS", "LINES", "NO_COLOR") and not key.startswith("TEXTUAL")
    }
    env["TERM"] = "xterm-256color"
    return env


@pytest.mark.parametrize(
    ("sent", "terminal_closed"),
    [(signal.SIGHUP, True), (signal.SIGHUP, False), (signal.SIGTERM, False)],
    ids=["hang-up, terminal gone", "hang-up", "terminate"],
)
def test_notes_typed_just_before_a_hang_up_are_saved(
    tmp_path: Path, sent: signal.Signals, terminal_closed: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'hang-up.db'}"
    pipeline: Pipeline = open_pipeline(url, author="tester")
    deal = pipeline.create({"title": "Fleet", "notes": "Call back."}, stage="prospect")
    term = Terminal(
        [sys.executable, "-m", "salestui", "--db", url],
        columns=120,
        rows=40,
        env=child_env(),
    )
    try:
        term.wait_for(lambda screen: screen.contains("Fleet"), timeout=60)
        term.settle(0.3)
        term.press(b"\r", quiet=0.3)  # open the deal
        term.press(b"n", quiet=0.3)  # into the notes
        os.write(term.master, TYPED.encode())
        # On screen, so in the field, and well inside the notes' pause before saving.
        term.wait_for(lambda screen: screen.contains(TYPED.strip()), timeout=10)
        if terminal_closed:
            os.close(term.master)
        os.killpg(term.process.pid, sent)
        assert term.process.wait(timeout=20) == 0, "closed as q closes, not killed"
    finally:
        if term.process.poll() is None:
            term.process.kill()
    assert pipeline.get(deal.id).notes == TYPED + "Call back."
