"""``check --preview DIR``: one contact sheet per checked file, named after it, never overwriting another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from validator.errors import ProbeError
from validator.preview.sheet import Layout, contact_sheet


@dataclass(frozen=True, slots=True)
class SheetOutcome:
    """What became of one file's sheet."""

    source: str
    """The video."""
    sheet: Path | None
    """The PNG written; ``None`` when none could be made."""
    problem: str | None = None
    """Why not, for people."""


def sheet_names(paths: Sequence[str]) -> list[str]:
    """``NAME.png`` for each video, with ``-2``, ``-3``... when two videos share a name."""
    seen: dict[str, int] = {}
    names = []
    for path in paths:
        stem = Path(path).stem or "video"
        seen[stem] = seen.get(stem, 0) + 1
        names.append(f"{stem}.png" if seen[stem] == 1 else f"{stem}-{seen[stem]}.png")
    return names


def write_sheets(
    paths: Sequence[str], folder: Path, *, layout: Layout | None = None, opaque_alpha: int = 250
) -> list[SheetOutcome]:
    """Write a sheet for every path into ``folder`` (created if missing). Raises ``OSError`` on writing."""
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for path, name in zip(paths, sheet_names(paths), strict=True):
        try:
            sheet = contact_sheet(path, layout=layout, opaque_alpha=opaque_alpha)
        except ProbeError as exc:
            outcomes.append(SheetOutcome(path, None, exc.reason))
            continue
        except OSError as exc:
            outcomes.append(SheetOutcome(path, None, exc.strerror or str(exc)))
            continue
        (folder / name).write_bytes(sheet.png)
        outcomes.append(SheetOutcome(path, folder / name))
    return outcomes
