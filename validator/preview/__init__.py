"""Contact sheets of videos (``preview``, ``check --preview``): is the alpha what was meant?"""

from validator.preview.batch import SheetOutcome, sheet_names, write_sheets
from validator.preview.sheet import CHECKER, ContactSheet, Layout, Tile, contact_sheet

__all__ = [
    "CHECKER",
    "ContactSheet",
    "Layout",
    "SheetOutcome",
    "Tile",
    "contact_sheet",
    "sheet_names",
    "write_sheets",
]
