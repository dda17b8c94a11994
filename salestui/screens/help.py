"""Keys and what they do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# salestui

A sales pipeline as a checklist in six stages: **Prospect, Qualified, Discovery,
Development, Proposed, Closed**. A deal leaves a stage only when the stage's
*required* tasks are done; when they are not, the gate lists them so you can tick
them on the spot or override with a written reason (kept in the history).

## The board

| Key | Does |
|---|---|
| ← → or h l | previous / next column |
| ↑ ↓ or k j | previous / next deal |
| PgUp PgDn | a screenful up / down |
| Home End or g G | first / last deal of the column |
| Enter (or double-click) | open the deal |
| n | new deal in the selected column's stage |
| e | edit the selected deal |
| < > or shift+← shift+→ | move the deal one stage back / forward |
| x | mark the deal lost (with a reason) |
| u | undo the last move or lost |
| / | filter by title, company or contact; Esc clears |
| ? | this help |
| q | quit |

Drag a card with the mouse onto another column to move it there (same rules as
the keys; Esc cancels a drag). The wheel scrolls the column under the pointer.
Columns are sorted by latest activity, newest first.

## A deal

| Key | Does |
|---|---|
| space or Enter | tick / untick the task |
| a, r, Delete | add, rename, delete a task |
| shift+↑ shift+↓ | reorder tasks |
| * | make a task required / optional |
| < > | move to the previous / next stage |
| l | mark lost; o reopens a closed deal |
| s | customer satisfaction (won deals) |
| e | edit the deal's fields |
| n | write in the notes (saved as you type) |
| Esc | back to the board |

Ctrl+P opens the command palette (themes, stage checklists for new deals).

Marks on cards: **3/5** tasks done in the stage, **12d** days in the stage,
**⚑stale** no activity for 14 days, **✓won** (with **★** the satisfaction score),
**✗lost**.

Press **Esc** to close this help.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close-help")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)
