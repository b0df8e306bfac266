"""The project's own questionnaires/ folder loads without errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from forms import load_catalogue

CATALOGUE = Path(__file__).resolve().parents[2] / "questionnaires"


@pytest.mark.skipif(not (CATALOGUE / "scales.yaml").is_file(),
                    reason="questionnaires/scales.yaml is not in this checkout")
def test_project_catalogue_loads_without_errors():
    catalogue = load_catalogue(root=CATALOGUE)
    assert catalogue.questionnaires
    assert len(catalogue.municipalities) == 11
