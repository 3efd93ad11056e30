"""Team access (DESIGN §2, issue 5): a user in a group gets the Thinkific courses of the
group's teams, and the sync keeps Thinkific's enrollments matching.

`planner` is pure (no Flask, no HTTP, no database), like `dashboard.sync.planner`.
"""
