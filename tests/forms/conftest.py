"""Fixtures for the questionnaire language tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.forms.catalogue_root import Root


@pytest.fixture
def root(tmp_path: Path) -> Root:
    """A fresh minimal catalogue root."""
    return Root(tmp_path / "questionnaires")
