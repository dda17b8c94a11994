"""Benchmark: is the board instant at N deals, and light over SSH?

    python benchmarks/board.py --deals 100000

1. Builds a database of N demo deals (10% open over the five open stages, 90% closed)
   through `Pipeline.bulk_add`. A "row" is any row written: deals + tasks + history
   events. `build_rows_per_s` divides them by the time spent in the store (the demo
   generator's own time is timed apart and reported beside it).
2. Baseline: `benchmarks/_baseline.py`, a Textual app importing textual and sqlmodel
   that draws one line; time from process start to the frame showing that line. Its
   starts alternate with salestui's, so that both meet the same load on the machine.
   salestui's own modules are byte-compiled first, as pip does for an installed
   package and as Python does on a first run (an editable install on a machine with
   PYTHONDONTWRITEBYTECODE set would otherwise compile them again at every start,
   while the libraries the baseline imports were compiled when installed).
3. salestui (`python -m salestui --db FILE`) in a real pty of 160x48 with
   TERM=xterm-256color. A reader thread timestamps every chunk the app writes; the
   chunks are replayed into a small screen model (`_pty.Screen`).
   - First frame: process start until the chunk after which the last column (the
     rightmost sixth of the screen) shows both its header, "Closed", and the start of
     one of its first cards' titles (which the store gives in board order).
   - Key latency: key written to the pty until the last byte of the repaint burst (the
     burst ends once the app has written nothing for `QUIET` = 200 ms; every later
     write within that window counts, e.g. a footer redrawn after the cards). Cursor
     moves: down/up arrows in the first column; `l`/`h` sweeping across all six
     columns and back. A deal: Enter then Escape (Escape includes Textual's 100 ms
     wait for a lone ESC byte). A move: the top
     deal of Qualified goes `<` to Prospect and `>` back through the gate, whose
     Prospect tasks stay ticked; the store checks every move happened.
   - Bytes per key: mean bytes written per cursor move.
   - Peak memory: the app's VmHWM from /proc before it quits.
4. Prints a table, then as its very last line one JSON object with `KEYS`.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from _pty import Burst, Screen, Terminal

import salestui
from salestui import domain
from salestui.demo import demo_deals
from salestui.store import NewDeal, Pipeline, open_pipeline

KEYS = (
    "deals",
    "build_rows_per_s",
    "first_frame_s",
    "baseline_first_frame_s",
    "first_frame_ratio",
    "key_p50_ms",
    "key_p95_ms",
    "move_p95_ms",
    "open_deal_p95_ms",
    "bytes_per_key",
    "peak_rss_mb",
)
TARGETS = {  # at 100,000 deals: (bound, "max" or "min")
    "build_rows_per_s": (50_000, "min"),
    "first_frame_ratio": (1.5, "max"),
    "key_p95_ms": (16, "max"),
    "move_p95_ms": (33, "max"),
    "open_deal_p95_ms": (50, "max"),
    "bytes_per_key": (3000, "max"),
    "peak_rss_mb": (150, "max"),
}
COLUMNS, ROWS = 160, 48
DOWN, UP, ENTER, ESCAPE = b"\x1b[B", b"\x1b[A", b"\r", b"\x1b"
QUIET = 0.2
"""Seconds without output that end a repaint burst."""
HERE = Path(__file__).resolve().parent


@dataclass
class Build:
    deals: int = 0
    tasks: int = 0
    events: int = 0
    generate_s: float = 0.0
    total_s: float = 0.0

    @property
    def rows(self) -> int:
        return self.deals + self.tasks + self.events

    @property
    def store_s(self) -> float:
        return self.total_s - self.generate_s


def build(pipeline: Pipeline, count: int) -> Build:
    """Bulk-add `count` demo deals, timing the generator apart from the store."""
    result = Build()

    def timed(deals: Iterator[NewDeal]) -> Iterator[NewDeal]:
        while True:
            started = time.perf_counter()
            new = next(deals, None)
            result.generate_s += time.perf_counter() - started
            if new is None:
                return
            result.deals += 1
            result.tasks += len(new.tasks or ())
            result.events += len(new.history or ())
            yield new

    started = time.perf_counter()
    pipeline.bulk_add(timed(demo_deals(pipeline.now(), count, closed_share=0.9)))
    result.total_s = time.perf_counter() - started
    return result


def child_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLORTERM", "NO_COLOR", "COLUMNS", "LINES") and not k.startswith("TEXTUAL")
    }
    env["TERM"] = "xterm-256color"
    return env


def spawn(argv: list[str]) -> Terminal:
    return Terminal([sys.executable, *argv], columns=COLUMNS, rows=ROWS, env=child_env())


def board_ready(pipeline: Pipeline) -> Callable[[Screen], bool]:
    """The first complete board frame: the last column's header and one of its cards."""
    last = domain.STAGES[-1]
    titles = [card.title[:12] for card in pipeline.page(last.key, 0, 5)]
    left = COLUMNS * 5 // 6 - 2

    def ready(screen: Screen) -> bool:
        return screen.contains(last.label, left) and any(screen.contains(t, left) for t in titles)

    return ready


def baseline_first_frame(starts: int) -> list[float]:
    from _baseline import READY

    times = []
    for _ in range(starts):
        term = spawn([str(HERE / "_baseline.py")])
        try:
            times.append(term.wait_for(lambda s: s.contains(READY), timeout=60))
        finally:
            term.close(b"q")
    return times


def salestui_first_frame(db: Path, ready: Callable[[Screen], bool]) -> tuple[Terminal, float]:
    term = spawn(["-m", "salestui", "--db", str(db)])
    try:
        return term, term.wait_for(ready, timeout=120)
    except BaseException:
        term.close()
        raise


def measure_keys(term: Terminal, pipeline: Pipeline, reps: int) -> dict[str, list[Burst]]:
    """Each kind of key `reps` times, alternating so that the board ends where it began."""
    term.settle(quiet=1.0)
    out: dict[str, list[Burst]] = {"within": [], "across": [], "open": [], "close": []}
    for i in range(reps):
        out["within"].append(term.press(DOWN if i % 2 == 0 else UP, quiet=QUIET))
    column, last = 0, len(domain.STAGES) - 1
    for i in range(reps):  # sweeps to the last column and back
        step = 1 if (i // last) % 2 == 0 else -1
        out["across"].append(term.press(b"l" if step == 1 else b"h", quiet=QUIET))
        column += step
    for _ in range(column):  # back to the first column for the deal screen
        term.press(b"h", quiet=QUIET)
    for _ in range(reps):
        out["open"].append(term.press(ENTER, quiet=QUIET))
        out["close"].append(term.press(ESCAPE, quiet=QUIET))
    out |= measure_moves(term, pipeline, reps)
    return out


def measure_moves(term: Terminal, pipeline: Pipeline, reps: int) -> dict[str, list[Burst]]:
    """`<` then `>` on the top deal of the second column; the store must agree."""
    stage, back = domain.STAGES[1].key, domain.STAGES[0].key
    deal = pipeline.page(stage, 0, 1)[0]
    term.press(b"l", quiet=QUIET)
    moves: dict[str, list[Burst]] = {"back": [], "forward": []}
    for _ in range(reps):
        moves["back"].append(term.press(b"<", quiet=QUIET))
        moves["forward"].append(term.press(b">", quiet=QUIET))
    term.press(b"h", quiet=QUIET)
    detail = pipeline.get(deal.id)
    moved = [e for e in detail.history if e.kind == "moved" and e.at > deal.last_activity_at]
    if detail.stage != stage or len(moved) != 2 * reps:
        raise RuntimeError(
            f"deal #{deal.id} made {len(moved)} moves and is in {detail.stage};"
            f" expected {2 * reps} moves back to {stage} (via {back})"
        )
    return moves


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ms(bursts: list[Burst]) -> list[float]:
    return [b.latency_s * 1000 for b in bursts]


def report(
    count: int,
    made: Build,
    base: list[float],
    starts: list[float],
    keys: dict[str, list[Burst]],
    rss: float,
) -> dict[str, float | int]:
    """Print the table; return the JSON figures."""
    cursor = keys["within"] + keys["across"]
    moves = keys["back"] + keys["forward"]
    figures: dict[str, float | int] = {
        "deals": count,
        "build_rows_per_s": round(made.rows / made.store_s),
        "first_frame_s": round(median(starts), 3),
        "baseline_first_frame_s": round(median(base), 3),
        "first_frame_ratio": round(median(starts) / median(base), 2),
        "key_p50_ms": round(median(ms(cursor)), 1),
        "key_p95_ms": round(p95(ms(cursor)), 1),
        "move_p95_ms": round(p95(ms(moves)), 1),
        "open_deal_p95_ms": round(p95(ms(keys["open"])), 1),
        "bytes_per_key": round(statistics.mean(b.size for b in cursor)),
        "peak_rss_mb": round(rss, 1),
    }
    print(
        f"salestui board benchmark: {count:,} deals, pty {COLUMNS}x{ROWS}, TERM=xterm-256color,"
        f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"build: {made.deals:,} deals + {made.tasks:,} tasks + {made.events:,} events"
        f" = {made.rows:,} rows"
    )
    print(
        f"  store {made.store_s:.2f} s: {made.rows / made.store_s:,.0f} rows/s,"
        f" {made.deals / made.store_s:,.0f} deals/s;"
        f" demo generator {made.generate_s:.2f} s; end to end"
        f" {made.rows / made.total_s:,.0f} rows/s, {made.deals / made.total_s:,.0f} deals/s"
    )
    print(
        f"first frame: salestui {median(starts):.3f} s (runs: "
        + ", ".join(f"{s:.3f}" for s in starts)
        + f"), baseline {median(base):.3f} s (runs: "
        + ", ".join(f"{s:.3f}" for s in base)
        + ")"
    )
    print()
    print(f"{'latency (ms)':<34}{'n':>4}{'median':>9}{'p95':>9}{'max':>9}{'bytes':>8}")
    rows = (
        ("cursor, within a column (↓/↑)", keys["within"]),
        ("cursor, across columns (l/h)", keys["across"]),
        ("open a deal (Enter)", keys["open"]),
        ("close a deal (Escape)", keys["close"]),
        ("move a deal back (<)", keys["back"]),
        ("move a deal forward (>)", keys["forward"]),
    )
    for label, bursts in rows:
        values = ms(bursts)
        print(
            f"{label:<34}{len(values):>4}{median(values):>9.1f}{p95(values):>9.1f}"
            f"{max(values):>9.1f}{statistics.mean(b.size for b in bursts):>8.0f}"
        )
    print()
    print(f"{'figure':<24}{'value':>12}  target")
    for key in KEYS:
        target = TARGETS.get(key)
        verdict = ""
        if target:
            bound, kind = target
            ok = figures[key] >= bound if kind == "min" else figures[key] <= bound
            verdict = f"{'>=' if kind == 'min' else '<='} {bound:<8} {'ok' if ok else 'MISSED'}"
        print(f"{key:<24}{figures[key]:>12}  {verdict}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=40, help="samples per kind of key")
    parser.add_argument("--starts", type=int, default=5, help="starts of each app to time")
    parser.add_argument("--keep", type=Path, help="keep the database at this path")
    args = parser.parse_args(argv)
    if args.keep and args.keep.exists():
        parser.error(f"{args.keep} exists; --keep needs a new file")
    folder = Path(tempfile.mkdtemp(prefix="salestui-bench-"))
    db = args.keep or folder / "bench.db"
    try:
        pipeline = open_pipeline(f"sqlite:///{db.resolve()}", author="bench")
        made = build(pipeline, args.deals)
        compileall.compile_dir(Path(salestui.__file__).parent, quiet=1)
        ready = board_ready(pipeline)
        base: list[float] = []
        starts: list[float] = []
        for run in range(args.starts):  # alternating, so both meet the same machine load
            base += baseline_first_frame(1)
            term, seconds = salestui_first_frame(db, ready)
            starts.append(seconds)
            if run < args.starts - 1:
                term.close(b"q")
        try:
            keys = measure_keys(term, pipeline, args.reps)
            rss = term.peak_rss_mb()
        finally:
            term.close(b"q")
        figures = report(args.deals, made, base, starts, keys, rss)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
