"""Views of the indicators app, one module per area (home, workspace, dashboard, health)."""

from indicators.views.health import healthz

__all__ = ["healthz"]
