"""Which family a file belongs to, from its first bytes: enough to pick a parser without importing
the others."""

from __future__ import annotations

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
"""The first four bytes of every Matroska and WebM file."""
QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
"""First boxes of a classic QuickTime file, which has no ``ftyp``."""


def is_ebml(head: bytes) -> bool:
    """Matroska or WebM."""
    return head[:4] == EBML_MAGIC


def has_ftyp(head: bytes) -> bool:
    """An ISO base media file (MP4, MOV, 3GP...) that declares its brands."""
    return len(head) >= 16 and head[4:8] == b"ftyp"


def looks_like_quicktime(head: bytes) -> bool:
    """A QuickTime file with no ``ftyp``: its first box is one of the classic atoms."""
    return len(head) >= 8 and head[4:8] in QUICKTIME_ATOMS


def is_isobmff(head: bytes) -> bool:
    """MP4, MOV and their relatives, with or without an ``ftyp``."""
    return has_ftyp(head) or looks_like_quicktime(head)
