"""The group sync engine of DESIGN §4: discovery, the three-way merge, applying one group.

`planner` is pure (no Flask, no HTTP, no database). The other modules read and write the
database and talk to Thinkific through the client they are handed; none of them handles a web
request, and none imports the course access engine (`dashboard.access`): a run drives both
(`jobs.runner`).

What the rest of the dashboard calls:

- background runs, through the one door to the queues, `jobs.enqueue`:
  `begin_sync_all(trigger, by)`, `begin_group_sync(group, trigger, by)` — each says whether
  it started a new run or found the one already running for that scope;
  `begin_decision(group, by, approve=...)` (an admin's answer to a paused plan).
- a run's progress and liveness: `dashboard.runs.progress` (`current_run`, `live_progress`).
- dry runs: `jobs.preview` (`preview_group(group)`, `preview_all()`: the plan with every
  change's reason, course access included; nothing is written anywhere).
- here, `dashboard.sync.service`: `latest_run(group)`, `paused_plan(group)` (the changes
  waiting for approval) and the admin's answer to it.
- the group's status fields, kept true by every run: `sync_state` (queued, syncing, idle,
  error, paused), `pending_changes`, `last_synced_at`, `last_attempt_at`, `last_read_at`,
  `last_error`, `open_manual_actions`.
"""
