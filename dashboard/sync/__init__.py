"""The group sync engine of DESIGN §4: discovery, the three-way merge, applying, runs.

`planner` is pure (no Flask, no HTTP, no database). The other modules read and write the
database and talk to Thinkific through `remote`; none of them handles a web request.
"""
