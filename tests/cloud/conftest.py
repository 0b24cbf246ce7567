"""Fixtures for the cloud commands. The sandboxes (``sandbox``, ``slow``) and the ``videos`` are
fixtures of ``tests/conftest.py``; services built the way the command line builds them, with fast
retries and small upload parts, come from ``tests/helpers.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"
