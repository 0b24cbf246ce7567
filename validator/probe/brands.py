"""Which family an ISO base media file belongs to, from the brands of its ``ftyp`` box.

Cameras write their maker's own major brand (Sony ``XAVC``, Canon ``CAEP``...) and list the
standard ones they conform to among the compatible brands, so the major brand decides only when it
is a known one; otherwise the first known compatible brand does. QuickTime is recognised only by
``qt  `` (or by having no ``ftyp`` at all, as files older than the brand do), never by elimination.
"""

from __future__ import annotations

MP4_BRANDS = frozenset(
    {
        "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
        "mp41", "mp42", "mp71", "avc1", "hvc1", "hev1", "av01", "dash", "msnv", "MSNV",
        "cmfc", "cmf2", "f4v ", "mmp4",
    }
)  # fmt: skip
"""Brands that make a file an MP4 for ICE's purposes."""
FAMILY_BY_BRAND = {"qt  ": "mov", "M4V ": "m4v", "M4VH": "m4v", "M4VP": "m4v", "M4A ": "m4a", "M4B ": "m4a",
                   "M4P ": "m4a", "mjp2": "mj2", "mj2s": "mj2"}  # fmt: skip
ISOBMFF = "isobmff"
"""The family of an ISO base media file none of whose brands is known."""


def family(brand: str) -> str | None:
    """``mp4``, ``mov``, ``3gp``, ``m4v``, ``m4a``, ``mj2`` for a known brand; ``None`` otherwise."""
    if brand in MP4_BRANDS:
        return "mp4"
    if brand.startswith(("3gp", "3g2", "3ge", "3gg", "3gr", "3gs")):
        return "3gp"
    return FAMILY_BY_BRAND.get(brand)


def container_name(major: str | None, compatible: tuple[str, ...]) -> str:
    """The file's family by its brands (see the module docstring); :data:`ISOBMFF` when none is known."""
    if major is None:
        return "mov"  # no ftyp: a QuickTime file from before brands
    for brand in (major, *compatible):
        known = family(brand)
        if known is not None:
            return known
    return ISOBMFF
