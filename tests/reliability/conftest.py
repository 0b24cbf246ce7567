"""Fixtures for the reliability tests: a loopback server that never answers. The sandboxes and the
``videos`` are fixtures of ``tests/conftest.py``; the command line run as a subprocess against them
comes from ``tests/helpers.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import SilentServer


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()
