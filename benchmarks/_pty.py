"""A program in a real pseudo-terminal, its output timestamped, and a small screen model.

`Terminal` starts a command on a new pty of a given size; a reader thread stamps every
chunk the program writes with `time.perf_counter()`. `Screen` replays those chunks
into a grid of characters (cursor moves and text; colours and modes are ignored),
enough to tell where text landed.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import get_character_cell_size

ESCAPE = re.compile(
    r"\x1b\[([0-9;?<>=:]*)[ -/]*([@-~])"  # CSI: cursor moves, colours, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, clipboard
    r"|\x1b[()#][0-9A-Za-z]|\x1b[^\[\]]"  # charsets and other two-byte escapes
)


class Screen:
    """The characters a terminal of `columns` x `rows` would show."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.x = self.y = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        # An escape sequence cut at the end of a chunk waits for the next one.
        cut = text.rfind("\x1b")
        if cut != -1 and not ESCAPE.match(text, cut):
            text, self._pending = text[:cut], text[cut:]
        else:
            self._pending = ""
        position = 0
        for match in ESCAPE.finditer(text):
            self._text(text[position : match.start()])
            if match.group(2) in ("H", "f"):
                parts = [int(p) if p.isdigit() else 1 for p in (match.group(1) or "").split(";")]
                row, column = [*parts, 1, 1][:2]
                self.y, self.x = min(row, self.rows) - 1, min(column, self.columns) - 1
            position = match.end()
        self._text(text[position:])

    def _text(self, text: str) -> None:
        if text.isascii() and text.isprintable():  # most runs: one cell per character
            end = min(self.x + len(text), self.columns)
            self.grid[self.y][self.x : end] = text[: end - self.x]
            self.x = end
            return
        for char in text:
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif char >= " ":
                width = get_character_cell_size(char)
                if width and self.x < self.columns:
                    self.grid[self.y][self.x] = char
                    if width == 2 and self.x + 1 < self.columns:
                        self.grid[self.y][self.x + 1] = ""
                self.x = min(self.x + width, self.columns)

    def lines(self, left: int = 0, right: int | None = None) -> list[str]:
        """The rows of the screen between two columns."""
        return ["".join(row[left:right]) for row in self.grid]

    def contains(self, text: str, left: int = 0, right: int | None = None) -> bool:
        return any(text in line for line in self.lines(left, right))


@dataclass(frozen=True)
class Burst:
    """What the program wrote after one input: when it stopped, and how much."""

    latency_s: float
    size: int


class Terminal:
    """`argv` running on a pty of `columns` x `rows` with its output timestamped."""

    def __init__(
        self, argv: Sequence[str], *, columns: int, rows: int, env: dict[str, str]
    ) -> None:
        self._screen = Screen(columns, rows)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.chunks: list[tuple[float, bytes]] = []
        self._seen = self._fed = 0
        self._arrived = threading.Condition()
        self.started = self.last = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # the program closed its side
                data = b""
            stamp = time.perf_counter()
            with self._arrived:
                self.chunks.append((stamp, data))  # b"" marks the end
                self._arrived.notify_all()
            if not data:
                return

    def _next(self, deadline: float) -> tuple[float, bytes] | None:
        """The next chunk not yet taken, waiting until `deadline` at most."""
        with self._arrived:
            while self._seen >= len(self.chunks):
                left = deadline - time.perf_counter()
                if left <= 0 or not self._arrived.wait(left):
                    return None
            chunk = self.chunks[self._seen]
            self._seen += 1
        if not chunk[1]:
            raise RuntimeError(f"the program exited (status {self.process.poll()})")
        self.last = chunk[0]
        return chunk

    def _dump(self) -> str:
        """The screen after every chunk taken so far, for error messages."""
        for _, data in self.chunks[self._fed : self._seen]:
            self._screen.feed(data)
        self._fed = self._seen
        return "\n".join(self._screen.lines())

    def wait_for(self, ready: Callable[[Screen], bool], timeout: float) -> float:
        """Seconds from process start until the screen first satisfies `ready`.

        The screen model is fed only once the program pauses for 50 ms, so that the
        harness's own work does not slow the program down on a small machine.
        """
        deadline = time.perf_counter() + timeout
        while self._next(deadline) is not None:
            while self._next(min(deadline, self.last + 0.05)) is not None:
                pass
            for stamp, data in self.chunks[self._fed : self._seen]:
                self._screen.feed(data)
                self._fed += 1
                if ready(self._screen):
                    return stamp - self.started
        raise TimeoutError("the expected screen did not appear:\n" + self._dump())

    def settle(self, quiet: float, timeout: float = 10.0) -> None:
        """Wait until the program has written nothing for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while self._next(min(deadline, self.last + quiet)) is not None:
            pass
        if time.perf_counter() >= deadline:
            raise TimeoutError("the program never went quiet")

    def press(self, key: bytes, *, quiet: float, timeout: float = 5.0) -> Burst:
        """Send `key`; its repaint burst ends when the program is quiet for `quiet` seconds."""
        self.settle(quiet)
        sent = time.perf_counter()
        os.write(self.master, key)
        first = self._next(sent + timeout)
        if first is None:
            raise TimeoutError(f"no repaint after {key!r}:\n" + self._dump())
        size = len(first[1])
        while (chunk := self._next(min(sent + timeout, self.last + quiet))) is not None:
            size += len(chunk[1])
        if time.perf_counter() >= sent + timeout:
            raise TimeoutError(f"the repaint after {key!r} never ended")
        return Burst(self.last - sent, size)

    def peak_rss_mb(self) -> float:
        """The program's peak resident memory (VmHWM) in MiB."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc")

    def close(self, quit_key: bytes | None = None, timeout: float = 5.0) -> None:
        """Quit with `quit_key` if given, else (or if that fails) terminate the program."""
        if quit_key is not None and self.process.poll() is None:
            os.write(self.master, quit_key)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        self._reader.join(timeout)
        os.close(self.master)
