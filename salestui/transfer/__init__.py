"""Moving deals in and out: salestui's own CSV and JSON, Pipedrive exports, any CSV.

Used from the command line: imports no Textual (only `rich.progress`, and only when
a progress bar is shown).
"""

from __future__ import annotations

from salestui.transfer.export import FORMATS, deal_json, export_deals, export_file
from salestui.transfer.formats import parse_map, parse_stage_map
from salestui.transfer.importer import BadRows, ImportResult, import_file
from salestui.transfer.rows import Options

__all__ = [
    "FORMATS",
    "BadRows",
    "ImportResult",
    "Options",
    "deal_json",
    "export_deals",
    "export_file",
    "import_file",
    "parse_map",
    "parse_stage_map",
]
