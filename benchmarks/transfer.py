"""Benchmark: how long `salestui import` and `salestui export` take, and their peak memory.

    python benchmarks/transfer.py --rows 100000

1. Writes a Pipedrive deal export of N rows (70% open over the five open stages, 20%
   won, 10% lost; values like `48,000.50`) and imports it into a fresh database, then
   does the same with a tenth of the rows: the peak memory of both should be close,
   because the import streams.
2. Exports that database as salestui CSV and JSON, and imports each into a fresh
   database.
Every step runs `python -m salestui` in a child process, timed from start to exit;
peak memory is the child's maximum resident set size. Prints a table, then one JSON
object as its very last line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("Prospect", "Qualified", "Discovery", "Development", "Proposed")
HEADERS = (
    "Deal - Title",
    "Deal - Value",
    "Deal - Currency of value",
    "Deal - Stage",
    "Deal - Status",
    "Deal - Organization",
    "Deal - Contact person",
    "Deal - Owner",
    "Deal - Expected close date",
    "Deal - Lost reason",
    "Deal - Won time",
    "Deal - Lost time",
    "Deal - Deal created",
)


def pipedrive_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for n in range(rows):
            status = "won" if n % 10 < 2 else "lost" if n % 10 == 2 else "open"
            closed = f"2026-02-{n % 28 + 1:02d} 10:00:00"
            writer.writerow(
                (
                    f"Deal {n}: fleet rollout",
                    f"{n % 90 + 10},{n % 1000:03d}.50",
                    ("EUR", "USD", "GBP")[n % 3],
                    STAGES[n % 5],
                    status,
                    f"Company {n % 997}",
                    f"Contact {n % 113}",
                    ("sam", "alex", "robin")[n % 3],
                    "2026-06-30",
                    "Price" if status == "lost" else "",
                    closed if status == "won" else "",
                    closed if status == "lost" else "",
                    "2026-01-05 08:00:00",
                )
            )


def salestui(db: Path, *args: str) -> tuple[float, float]:
    """Run `salestui --db DB ARGS`; seconds taken and the child's peak memory in MB."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "salestui", "--db", str(db), *args], stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"salestui {' '.join(args)} failed ({child.returncode})")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    results: dict[str, float] = {"rows": rows}
    with tempfile.TemporaryDirectory(prefix="salestui-transfer-") as tmp:
        work = Path(tmp)
        small, big = work / "small.csv", work / "pipedrive.csv"
        pipedrive_csv(small, max(1, rows // 10))
        pipedrive_csv(big, rows)
        results["small_import_s"], results["small_import_mb"] = salestui(
            work / "small.db", "import", str(small)
        )
        results["pipedrive_import_s"], results["pipedrive_import_mb"] = salestui(
            work / "pipedrive.db", "import", str(big)
        )
        for fmt in ("csv", "json"):
            out = work / f"export.{fmt}"
            results[f"{fmt}_export_s"], results[f"{fmt}_export_mb"] = salestui(
                work / "pipedrive.db", "export", "-o", str(out)
            )
            results[f"{fmt}_import_s"], results[f"{fmt}_import_mb"] = salestui(
                work / f"{fmt}.db", "import", str(out)
            )
            results[f"{fmt}_file_mb"] = out.stat().st_size / 1e6
    print(f"{'step':<24}{'seconds':>10}{'peak MB':>10}")
    for step in (
        "small_import",
        "pipedrive_import",
        *(f"{f}_{d}" for f in ("csv", "json") for d in ("export", "import")),
    ):
        print(f"{step:<24}{results[step + '_s']:>10.2f}{results[step + '_mb']:>10.0f}")
    print(json.dumps({k: round(v, 2) for k, v in results.items()}))


if __name__ == "__main__":
    main()
