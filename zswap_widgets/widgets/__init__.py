"""The widget layer: `Dashboard` and the pieces it is built from (controls, charts, views)."""

from __future__ import annotations

from .dashboard import COVER_LETTER, DASHBOARD_DEFAULT, SCENARIOS, Dashboard

__all__ = ["COVER_LETTER", "DASHBOARD_DEFAULT", "SCENARIOS", "Dashboard"]
