"""A deal's history as a timeline, newest first, and the time it spent in each stage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from salestui import domain
from salestui.render import DrawnOnce, literal
from salestui.store.views import DealDetail, EventView

KIND_LABELS: Mapping[str, str] = {
    "created": "Created",
    "imported": "Imported",
    "moved": "Moved",
    "override": "Gate override",
    "won": "Won",
    "lost": "Lost",
    "reopened": "Reopened",
    "satisfaction": "Satisfaction",
    "task_done": "Ticked",
    "task_undone": "Unticked",
    "task_added": "Task added",
    "task_renamed": "Task renamed",
    "task_deleted": "Task deleted",
    "task_moved": "Task moved",
    "task_optional": "Made optional",
    "task_required": "Made required",
    "edited": "Edited",
    "notes": "Notes edited",
    "deleted": "Deleted",
    "restored": "Restored",
    "undo": "Undone",
}

KIND_COLOURS: Mapping[str, str] = {"override": "warning", "won": "success", "lost": "error"}
"""Theme colours of the kinds that matter most; other stage and outcome kinds are bold."""
BOLD_KINDS = frozenset({"created", "moved", "reopened", "satisfaction", *KIND_COLOURS})


def duration(span: timedelta) -> str:
    """`12d 4h`, `3h 20m`, `5m`: the two largest units."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m" if mins else "<1m"


def ago(at: datetime, now: datetime) -> str:
    """How long before `now`, as people say it: `just now`, `3 h ago`, `2 days ago`."""
    seconds = (now - at).total_seconds()
    if seconds < 0:
        return "in the future"
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if minutes < 1:
        return "just now"
    if hours < 1:
        return f"{int(minutes)} min ago"
    if days < 1:
        return f"{int(hours)} h ago"
    if days < 2:
        return "yesterday"
    if days < 60:
        return f"{int(days)} days ago"
    if days < 730:
        return f"{int(days // 30)} months ago"
    return f"{int(days // 365)} years ago"


def stamp(at: datetime) -> str:
    """An absolute time in the local time zone."""
    return f"{at.astimezone():%Y-%m-%d %H:%M}"


def stage_times(detail: DealDetail) -> Text:
    """`Prospect 5d 3h · Qualified 12d · Discovery 2d (now)` in stage order."""
    parts = Text(end="")
    for stage in domain.STAGES:
        spent = detail.time_in_stage.get(stage.key)
        if spent is None:
            continue
        if parts:
            parts.append(" · ", style="dim")
        current = stage.key == detail.stage
        parts.append(stage.label, style="bold" if current else "")
        parts.append(f" {duration(spent)}" + (" (now)" if current else ""))
    return parts


def event_line(event: EventView) -> Text:
    """What happened, with the user text of the event shown literally."""
    label = KIND_LABELS.get(event.kind, event.kind.replace("_", " ").capitalize())
    line = Text(label, end="")
    if event.detail and event.detail.casefold() not in (event.kind, label.casefold()):
        line.append("  ")
        line.append_text(literal(event.detail, multiline=True))
    return line


SHOWN_EVENTS = 200
"""The newest events drawn: drawing is linear in them and runs after every write."""


class DealHistory(Static):
    """The timeline of one deal."""

    def show(self, detail: DealDetail, now: datetime) -> None:
        self.update(DrawnOnce(self._timeline(detail, now)))

    def _timeline(self, detail: DealDetail, now: datetime) -> RenderableType:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column("ago", style="dim", no_wrap=True)
        table.add_column("at", style="dim", no_wrap=True)
        table.add_column("who", no_wrap=True, max_width=12, overflow="ellipsis")
        table.add_column("what", ratio=1, overflow="fold")
        newer: EventView | None = None
        shown = detail.history[-SHOWN_EVENTS:]
        for event in reversed(shown):
            if (
                event.kind == "notes"
                and newer
                and (newer.kind, newer.author) == ("notes", event.author)
            ):
                continue  # notes saved while typing: one line per burst, the latest
            newer = event
            what = event_line(event)
            if event.kind in BOLD_KINDS:
                colour = getattr(self.app.current_theme, KIND_COLOURS.get(event.kind, ""), None)
                what.stylize(f"bold {colour or ''}", 0, len(KIND_LABELS[event.kind]))
            table.add_row(ago(event.at, now), stamp(event.at), literal(event.author), what)
        heading = Text("Time in stage: ", style="bold", end="")
        parts: list[RenderableType] = [heading + stage_times(detail), Text(""), table]
        if len(detail.history) > len(shown):
            older = len(detail.history) - len(shown)
            parts.append(Text(f"… and {older:,} older events", style="dim italic"))
        return Group(*parts)
