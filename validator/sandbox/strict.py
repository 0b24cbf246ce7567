"""Strict readings of what a client sends: numbers in ASCII digits only, secrets compared as bytes.

Python's own readers are generous in ways a wire format is not: ``int()`` accepts ``" 12"``, ``"+12"``,
``"1_2"`` and digits of any script (``"١٢"``), ``str.isdigit()`` is true for ``"²"`` (which ``int()``
then refuses), and ``hmac.compare_digest`` raises ``TypeError`` for a ``str`` holding a non-ASCII
character. Each of these turned a client's bad input into a 500; every number and secret the sandbox
reads from a request goes through here instead, so bad input is the caller's 4xx.
"""

from __future__ import annotations

import hmac
import re

_DECIMAL = re.compile(r"[0-9]{1,19}")
"""Up to 19 ASCII digits: enough for any 63-bit count, and a bound on the work ``int()`` does."""


def decimal(text: str, high: int) -> int | None:
    """``text`` as a number from 0 to ``high``, or ``None`` if it is anything else (another script's
    digits, a sign, spaces, underscores, too large)."""
    if _DECIMAL.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value <= high else None


def same_secret(sent: str, known: str) -> bool:
    """Whether a signature or token equals the expected one, in constant time, whatever it holds."""
    return hmac.compare_digest(_bytes(sent), _bytes(known))


def _bytes(text: str) -> bytes:
    # Header values arrive decoded as Latin-1 and query values as UTF-8 with replacement, so any
    # str is encodable; surrogatepass covers a lone surrogate from anywhere else.
    return text.encode("utf-8", "surrogatepass")
