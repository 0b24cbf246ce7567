"""Fixtures for the sandbox tests: the official clients on the session's sandbox.

The sandbox itself (``sandbox``, ``running_sandbox``) and the ``videos`` are fixtures of
``tests/conftest.py``, shared with ``tests/cloud`` and ``tests/reliability``; the helpers the tests
import are in ``tests/helpers.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import ice_client, oss_bucket
from validator.sandbox import Sandbox


@pytest.fixture
def ice(sandbox: Sandbox) -> Any:
    return ice_client(sandbox)


@pytest.fixture
def bucket(sandbox: Sandbox) -> Any:
    return oss_bucket(sandbox)
