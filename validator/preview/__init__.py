"""Contact sheets of videos (``preview``, ``check --preview``): is the alpha what was meant?"""

from validator.preview.batch import SheetOutcome, sheet_names, write_sheets
from validator.preview.sheet import (
    CHECKER,
    ContactSheet,
    Frames,
    Layout,
    Tile,
    assemble,
    contact_sheet,
    sample,
)

__all__ = [
    "CHECKER",
    "ContactSheet",
    "Frames",
    "Layout",
    "SheetOutcome",
    "Tile",
    "assemble",
    "contact_sheet",
    "sample",
    "sheet_names",
    "write_sheets",
]
