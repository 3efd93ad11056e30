"""`make run`: the whole product on one machine with nothing installed.

Starts an embedded Redis when REDIS_URL is unset and, without Thinkific credentials, the bundled
Thinkific emulator seeded with the demo; migrates the database (seeding the demo into an empty
one in demo mode), makes sure an admin can sign in, then runs the processes of `processes.py`
side by side, their output prefixed with their names, until Ctrl-C or SIGTERM stops them all.
"""

from .run import main

__all__ = ["main"]
