"""The group sync engine of DESIGN §4: discovery, the three-way merge, applying, runs.

`planner` is pure (no Flask, no HTTP, no database). The other modules read and write the
database and talk to Thinkific through the real client; none of them handles a web request.

What the rest of the dashboard calls:

- background runs, through the one door to the queues, `jobs.enqueue`:
  `start_sync_all(trigger, by)`, `start_group_sync(group, trigger, by)` — each returns the
  SyncRun to show (the one already running for that scope, if any);
  `approve_paused_plan(group, by)`, `reject_paused_plan(group, by)`.
- in the calling process, `dashboard.sync.service`: `preview_group(group)` and
  `preview_all()` (the plan with every change's reason; nothing is written anywhere),
  `current_run(group=None)` (the live run; fails runs whose worker died), `latest_run(group)`,
  `run_progress(run)` (label, groups done/total, active), `paused_plan(group)` (the changes
  waiting for approval), `coverage()` (how the poll fits the request budget: the period in
  which every group is read), `run_in_foreground(...)` (the CLI).
- the group's status fields, kept true by every run: `sync_state` (queued, syncing, idle,
  error, paused), `pending_changes`, `last_synced_at`, `last_attempt_at`, `last_read_at`,
  `last_error`, `open_manual_actions`.
"""
