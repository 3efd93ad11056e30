"""The demo: a realistic, deterministic dataset for `make run` and `flask --app wsgi seed-demo`."""

from .dataset import DemoCourse, DemoData, DemoGroup, DemoTeam, DemoUser, demo_data

__all__ = ["DemoCourse", "DemoData", "DemoGroup", "DemoTeam", "DemoUser", "demo_data"]
