"""File names as every report can carry them: a name is whatever bytes the file system allows, and a
report must neither break its own syntax on them nor let them steer a terminal.

:func:`visible` spells out everything that does not print (control characters such as ESC, backspace
or a carriage return, bidirectional overrides, bytes that are not UTF-8, which Python holds as
lone surrogates) as a backslash escape: ``\\x1b``, ``\\r``, ``\\u202e``, ``\\xff``. Text, JUnit XML
and GitHub annotations show names through it (XML 1.0 cannot hold most control characters at all,
not even as references); JSON escapes control characters itself and only needs the bytes that are
not UTF-8 spelled out (:func:`json_text`).
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED:
        return _NAMED[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every character that does not print (but those in ``keep``) escaped."""
    if text.isprintable():
        return text  # nearly every name: no copy
    return "".join(c if c.isprintable() or c in keep else _escape(c) for c in text)


def json_text(document: str) -> str:
    """A JSON document's text with any lone surrogate (a byte of a name that was not UTF-8) spelled
    out as ``\\xHH`` inside its string, so the document is valid UTF-8 that every parser reads.
    ``json.dumps`` has escaped control characters already; a surrogate only ever stands in a string."""
    if not _SURROGATE.search(document):
        return document
    return _SURROGATE.sub(lambda m: "\\" + _escape(m.group()), document)
