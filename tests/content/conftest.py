"""Content takes for the content tests: ``content_take(name)`` builds a variant of
``samples.generate.content.VARIANTS`` once per session, on first use, into the session's temporary
folder.

A run that selects a few tests pays only for the takes it uses; all fourteen take 20-40 s.
The generator's own tests (``tests/test_samples_generator.py``) use the same files through
:func:`take_factory`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def take_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``get(name)`` -> the take ``name``, written into ``<basetemp>/content-takes`` unless already
    there: every fixture built on it in one session shares the files."""
    from samples.generate.content import VARIANTS, make_take

    folder = tmp_path_factory.getbasetemp() / "content-takes"
    folder.mkdir(exist_ok=True)

    def get(name: str) -> Path:
        spec = VARIANTS[name]
        path = folder / f"{name}.{spec.container}"
        if not path.exists():
            partial = folder / f"{name}.partial.{spec.container}"
            make_take(partial, spec)
            partial.rename(path)  # a take interrupted halfway is never taken for a made one
        return path

    return get


@pytest.fixture(scope="session")
def content_take(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``content_take(name)`` -> the path of the generated take ``name`` (a key of ``VARIANTS``)."""
    return take_factory(tmp_path_factory)
