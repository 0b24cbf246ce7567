"""Content readiness: what the footage itself shows (faces, cuts, speech, light, matte).

Imported only by ``check --content``: its analysis needs OpenCV, numpy and webrtcvad, the
``avatar-preflight[content]`` extra, which a plain ``check`` never loads. :func:`require` says so
before any work starts; :mod:`validator.content.run` is the entry point.
"""

from __future__ import annotations

from validator.errors import ToolMissingError

INSTALL = "pip install 'avatar-preflight[content]'"
"""The one line that installs what ``--content`` needs."""


def require() -> None:
    """Raise :class:`~validator.errors.ToolMissingError` (exit 3) naming :data:`INSTALL` when the
    content extra is not installed."""
    import importlib.util

    missing = []
    for module in ("numpy", "cv2", "webrtcvad"):
        try:
            # Found, not imported: the audio thread imports webrtcvad in parallel with the picture
            # (its import reads its own version from the package metadata: 35 ms), numpy and cv2
            # load when the first frame is measured.
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(
                {"cv2": "opencv-python-headless", "webrtcvad": "webrtcvad-wheels"}.get(module, module)
            )
    if missing:
        raise ToolMissingError(f"--content needs {', '.join(missing)}, which are not installed: {INSTALL}")
