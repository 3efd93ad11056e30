"""Team access (DESIGN §2, issue 5): a user in a group gets the Thinkific courses of the
group's teams, and the sync keeps Thinkific's enrollments matching.

- `planner` is pure (no Flask, no HTTP, no database), like `dashboard.sync.planner`: who
  should have which course (team courses, end dates, seats), and the changes with reasons.
- `loading` (the database side, per scope), `reading` (Thinkific's enrollments, read by course
  or by user, whichever takes fewer calls), `apply` (creating, extending and ending
  enrollments; records of what the dashboard created), `step` (inside a sync run),
  `courses` (the school's courses, pulled by the sync), `preview` (a dry run).
- For pages: `standing.user_report(user_id)` (a user's access and what the next sync will do)
  and `standing.team_seats` (a team's page of users), both with seats numbered in SQL for just
  the users shown, then the planner's decisions for them; `status.report_of` (the report of any
  loaded view), `seats` (the seat rule in SQL), `service.paused_access()`
  (endings waiting for an admin); approve/reject and access-only runs start through
  `jobs.enqueue`.
"""
