"""Fixtures of the dashboard tests."""

from __future__ import annotations

import pytest
from dash_helpers import SMALL

from zswap_widgets.model.config import Config


@pytest.fixture
def small() -> Config:
    """A small scenario: each run takes about 0.1 s."""
    return SMALL
