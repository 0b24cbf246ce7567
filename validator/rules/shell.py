"""Shell commands a person pastes: each argument quoted so the shell passes it unchanged, and each
file name written so the program reads it as a file.

``shlex.quote`` is right for printable names, but leaves a control character raw inside its quotes,
where a terminal acts on it instead of showing it; such a name is written in ANSI-C quoting
(``$'...'``, which bash, zsh, ksh and busybox sh read) with its bytes as ``\\xHH``, the file
system's own bytes for a name that is not UTF-8 among them. A relative name that starts with ``-``
would be read as an option, and one with ``:`` in its first part as an FFmpeg protocol (``concat:``,
``http:``): both are written from the current folder (``./-take.mp4``).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable

_SAFE_IN_ANSI_C = frozenset(range(0x20, 0x7F)) - {ord("'"), ord("\\")}


def quote(arg: str) -> str:
    """One argument, quoted for a POSIX shell (ANSI-C quoting when it holds what does not print)."""
    if arg.isprintable():
        return shlex.quote(arg)
    raw = os.fsencode(arg)  # the file system's bytes: a name that was not UTF-8 comes back as it was
    return "$'" + "".join(chr(b) if b in _SAFE_IN_ANSI_C else f"\\x{b:02x}" for b in raw) + "'"


def join(args: Iterable[str]) -> str:
    """The command line of ``args``, each one quoted by :func:`quote`."""
    return " ".join(quote(a) for a in args)


def file_arg(path: str) -> str:
    """``path`` as an argument no program reads as an option or a protocol: ``./-x.mp4``."""
    if os.path.isabs(path) or not path:
        return path
    first = path.replace("\\", "/").split("/", 1)[0]
    if path.startswith("-") or ":" in first:
        return "./" + path
    return path
