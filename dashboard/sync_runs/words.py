"""How a sync run and its events are said on screen (history, run page, flashes, CSV)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..models import EventOutcome, RunState, RunTrigger, SyncRun, utcnow
from ..plurals import count
from ..runs.progress import STATES as STATES  # a run's state in words, said once for all screens

QUEUED_LONG = timedelta(seconds=30)
PAUSED = "Paused for approval"
MINUS = "\N{MINUS SIGN}"
TRIGGERS = {
    RunTrigger.MANUAL: "Manual",
    RunTrigger.SCHEDULE: "Schedule",
    RunTrigger.WEBHOOK: "Webhook",
    RunTrigger.CLI: "Command line",
    RunTrigger.UNDO: "Undo",
}
STATE_BADGES = {  # the badge colours of DESIGN §3, reused for runs
    RunState.QUEUED: "queued",
    RunState.RUNNING: "syncing",
    RunState.SUCCEEDED: "full",
    RunState.PARTIAL: "active",
    RunState.FAILED: "error",
}
ACTIONS = {  # every action a run records (sync.planner, sync.discovery, sync.group_sync)
    "add_remote": "Add in Thinkific",
    "remove_remote": "Remove in Thinkific",
    "manual_removal": "Manual removal in Thinkific",
    "add_local": "Add in the dashboard",
    "remove_local": "Remove in the dashboard",
    "close_manual": "Close a manual action",
    "import_group": "Import group",
    "create_group": "Create group in Thinkific",
    "link_group": "Link group by name",
    "rename_group": "Rename group",
    "group_deleted": "Group deleted in Thinkific",
    "group_restored": "Group back in Thinkific",
    "group_conflict": "Group name conflict",
    "sync_group": "Sync group",
    "restore_access": "Restore course access",
}
OUTCOMES = {
    EventOutcome.APPLIED: "Applied",
    EventOutcome.PLANNED: "Planned",
    EventOutcome.PENDING: "Waiting",
    EventOutcome.SKIPPED: "Skipped",
    EventOutcome.FAILED: "Failed",
}


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


def started_by(run: SyncRun, email: str | None) -> str:
    """Who started a run: the account, or what started it on its own."""
    if email:
        return email
    if run.trigger == RunTrigger.SCHEDULE:
        return "the schedule"
    if run.trigger == RunTrigger.CLI or (run.trigger == RunTrigger.UNDO and not run.started_by_id):
        return "the command line"
    if run.trigger == RunTrigger.WEBHOOK:
        return "a webhook"
    return "an account since deleted" if run.started_by_id is None else "an admin"


def duration(run: SyncRun, now: datetime | None = None) -> timedelta | None:
    """How long the run took (so far, while it runs); None before it started."""
    start = run.started_at
    if start is None:
        return None
    return (run.finished_at or now or utcnow()) - start


def short_duration(span: timedelta | None) -> str:
    if span is None:
        return "—"
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def paused(run: SyncRun) -> bool:
    """The run ended holding at least one group's plan for an admin's approval."""
    return bool(run.groups_paused) and run.state in (RunState.SUCCEEDED, RunState.PARTIAL)


def time_left(seconds: int) -> str:
    """An estimate of time left, rounded as an estimate should be."""
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"about {count(minutes, 'minute')} left"
    return f"about {seconds / 3600:.1f} hours left"


def waiting_words(waiting) -> str:
    """What a run waits for on Thinkific, and until when ("… until 14:03:12 UTC, 12 s")."""
    until = datetime.fromtimestamp(waiting.until, UTC)
    return f"{waiting.why}, until {until:%H:%M:%S} UTC ({waiting.seconds_left} s)"


def waiting_long(run: SyncRun) -> bool:
    """Queued for longer than a worker normally takes to pick a run up."""
    return run.state == RunState.QUEUED and utcnow() - run.created_at > QUEUED_LONG


def changes_in_words(run: SyncRun) -> str:
    """The run's counts in one sentence, for a flash or a summary line."""
    parts = [] if run.access_only else _member_changes(run)
    if run.access_only or run.access_granted or run.access_changed or run.access_ended:
        parts.append(
            f"course access +{run.access_granted} ~{run.access_changed} {MINUS}{run.access_ended}"
        )
    if run.manual_actions:
        parts.append(count(run.manual_actions, "manual action") + " to do")
    if run.failures:
        parts.append(count(run.failures, "failure"))
    return ", ".join(parts)


def _member_changes(run: SyncRun) -> list[str]:
    parts = [count(run.groups_done, "group") + " synced"]
    if run.groups_imported or run.groups_created:
        parts.append(f"{run.groups_imported} imported, {run.groups_created} created")
    parts.append(f"Thinkific +{run.added_remote} {MINUS}{run.removed_remote}")
    parts.append(f"dashboard +{run.added_local} {MINUS}{run.removed_local}")
    return parts
