"""The demo: a realistic, deterministic dataset for `make run` and `flask --app wsgi seed-demo`."""

from .dataset import DemoCourse, DemoData, DemoGroup, DemoTeam, DemoUser, demo_data, thinkific_seed

__all__ = [
    "DemoCourse",
    "DemoData",
    "DemoGroup",
    "DemoTeam",
    "DemoUser",
    "demo_data",
    "thinkific_seed",
]
