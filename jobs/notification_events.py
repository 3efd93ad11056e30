"""Recording what admins should hear about: each event once (its dedupe key is unique), then
its kind's digest is scheduled. Nothing here raises into the sync that calls it.

Runs and engines do not import this: they send `dashboard.runs.signals` (a run ended, a group
paused), which `listen()` connects here in every process the app runs in."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from contextlib import suppress
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dashboard.access.planner import AccessAction
from dashboard.database import end_transaction
from dashboard.extensions import db
from dashboard.models import (
    EventOutcome,
    Group,
    ManualAction,
    Notification,
    RunState,
    SyncEvent,
    utcnow,
)
from dashboard.notifications import channels, digests
from dashboard.notifications.kinds import Kind
from dashboard.plurals import count
from dashboard.runs import signals
from dashboard.sync.planner import Action

from .notifications import enqueue_delivery, schedule_digest

log = logging.getLogger(__name__)
PLAN_ACTIONS = tuple(action.value for action in Action)
REMOVALS = (Action.REMOVE_REMOTE.value, Action.REMOVE_LOCAL.value)
ENDING = AccessAction.END.value
GROUP_DELETED = "group_deleted"  # the discovery step's event action
REJECTED_CREDENTIALS = "(401 on "  # in the words of every 401 the Thinkific client raises


def record(kind: Kind, key: str, text: str, link: str) -> bool:
    """Store one event (committing the session) and schedule its digest; False when the event
    was already recorded, or could not be (that is logged, never raised)."""
    try:
        added = store(kind, key, text, link)
        end_transaction()
        if added:
            schedule(kind)
        return added
    except Exception:
        _forget("recording a notification failed")
        return False


def listen() -> None:
    """Hear the runs' signals in this process (connecting twice changes nothing)."""
    signals.run_ended.connect(run_ended, weak=False)
    signals.group_paused.connect(group_paused, weak=False)


def check_manual_actions() -> str:
    """The clock's daily job: manual actions open too long, and any digest or delivery left
    unqueued (e.g. Redis was down when its event was recorded or its digest made)."""
    try:
        added = open_manual_actions()
        for kind in digests.kinds_waiting():
            schedule_digest(kind)
        stranded = digests.stranded_deliveries()
        end_transaction()
        for delivery_id in stranded:
            enqueue_delivery(delivery_id)
        return f"{added} manual actions open too long"
    finally:
        db.session.remove()


def run_ended(run) -> None:
    """Tell admins what a finished run left for them: plans waiting for approval, a failure,
    groups deleted in Thinkific, credentials Thinkific rejected. Never raises."""
    try:
        if run.dry_run or run.state in (RunState.QUEUED, RunState.RUNNING):
            return
        found = run_events(run)
        kinds = {event[0] for event in found if store(*event)}
        end_transaction()
        for kind in sorted(kinds):
            schedule(kind)
    except Exception:
        _forget(f"notifications of run {getattr(run, 'id', '?')} failed")


def group_paused(run, group_id: int) -> None:
    """Tell at once that a group's plan waits (the run may go on for long); the run's end
    finds the same event recorded and adds nothing. Never raises."""
    try:
        events = db.session.scalars(
            select(SyncEvent).where(
                SyncEvent.run_id == run.id,
                SyncEvent.group_id == group_id,
                SyncEvent.outcome == EventOutcome.PENDING,
            )
        ).all()
        kinds = {event[0] for event in waiting_plans(run, events) if store(*event)}
        end_transaction()
        for kind in kinds:
            schedule(kind)
    except Exception:
        _forget(f"notifications of run {getattr(run, 'id', '?')} failed")


def open_manual_actions() -> int:
    """The clock's daily check: a manual action open for longer than the threshold set in
    Settings is told once. Returns how many were newly recorded."""
    days = channels.current().manual_action_days
    before = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(ManualAction.id, ManualAction.group_id, ManualAction.opened_at, Group.name)
        .join(Group, Group.id == ManualAction.group_id)
        .where(ManualAction.resolved_at.is_(None), ManualAction.opened_at < before)
        .order_by(ManualAction.opened_at)
    ).all()
    added = 0
    for action_id, group_id, opened_at, name in rows:
        who = db.session.get(ManualAction, action_id).user.email
        text = (
            f"“{name}”: remove {who} from the group in Thinkific's admin (open since "
            f"{opened_at:%Y-%m-%d}, more than {days} days)."
        )
        added += store(
            Kind.MANUAL_ACTIONS_OPEN,
            f"manual_action_open:{action_id}",
            text,
            path_for("groups.detail", group_id=group_id),
        )
    end_transaction()
    if added:
        schedule(Kind.MANUAL_ACTIONS_OPEN)
    return added


def store(kind: Kind, key: str, text: str, link: str) -> bool:
    """Insert the event unless its key is known; commits. True when it is new."""
    known = db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key))
    if known is not None:
        return False
    db.session.add(Notification(kind=kind.value, dedupe_key=key, text=text, link=link))
    try:
        db.session.commit()
    except IntegrityError:  # recorded by another process a moment ago
        db.session.rollback()
        return False
    return True


def schedule(kind: Kind) -> None:
    schedule_digest(kind)


def run_events(run) -> list[tuple[Kind, str, str, str]]:
    """What the run's outcome and events say admins should hear about."""
    events = db.session.scalars(
        select(SyncEvent).where(
            SyncEvent.run_id == run.id,
            (SyncEvent.outcome == EventOutcome.PENDING)
            | (SyncEvent.action == GROUP_DELETED)
            | (SyncEvent.outcome == EventOutcome.FAILED),
        )
    ).all()
    found = waiting_plans(run, events) + deleted_groups(run, events)
    if run.state in (RunState.FAILED, RunState.PARTIAL):
        found.append(failed_run(run))
    errors = [run.error or ""] + [event.error or "" for event in events]
    if any(REJECTED_CREDENTIALS in error for error in errors):
        found.append(rejected_credentials(run))
    return found


def waiting_plans(run, events: list[SyncEvent]) -> list[tuple[Kind, str, str, str]]:
    pending = [e for e in events if e.outcome == EventOutcome.PENDING]
    by_group: dict[int, list[SyncEvent]] = defaultdict(list)
    for event in pending:
        if event.action in PLAN_ACTIONS and event.group_id is not None:
            by_group[event.group_id].append(event)
    found = []
    for group_id, changes in sorted(by_group.items()):
        name = db.session.get(Group, group_id).name
        removals = sum(1 for change in changes if change.action in REMOVALS)
        text = (
            f"“{name}”: a sync plan with {count(removals, 'removal')} waits for your "
            f"approval (run #{run.id})."
        )
        found.append(
            (
                Kind.PLAN_WAITING,
                f"plan_waiting:group:{group_id}:run:{run.id}",
                text,
                path_for("groups.detail", group_id=group_id),
            )
        )
    endings = sorted(f"{e.user_id}:{e.course_id}" for e in pending if e.action == ENDING)
    if endings:
        digest = hashlib.sha256(",".join(endings).encode()).hexdigest()[:24]
        text = (
            f"{count(len(endings), 'course access ending')} wait for your approval (run #{run.id})."
        )
        found.append(
            (Kind.PLAN_WAITING, f"plan_waiting:access:{digest}", text, path_for("access.index"))
        )
    return found


def deleted_groups(run, events: list[SyncEvent]) -> list[tuple[Kind, str, str, str]]:
    found = []
    for event in events:
        if event.action != GROUP_DELETED or event.group_id is None:
            continue
        name = db.session.get(Group, event.group_id).name
        text = f"“{name}” is no longer listed by Thinkific: its team links are paused."
        found.append(
            (
                Kind.GROUP_DELETED,
                f"group_deleted:{event.group_id}:run:{run.id}",
                text,
                path_for("groups.detail", group_id=event.group_id),
            )
        )
    return found


def failed_run(run) -> tuple[Kind, str, str, str]:
    how = "failed" if run.state == RunState.FAILED else "partly failed"
    scope = "course access" if run.access_only else (run.group.name if run.group else "all groups")
    text = f"Sync run #{run.id} ({scope}) {how}: {run.error or 'see the run for the errors'}"
    return (
        Kind.RUN_FAILED,
        f"run_failed:{run.id}",
        text,
        path_for("sync_runs.detail", run_id=run.id),
    )


def rejected_credentials(run) -> tuple[Kind, str, str, str]:
    """Told once a day at most, while the credentials stay wrong."""
    text = (
        f"Thinkific refused the dashboard's credentials (401) in sync run #{run.id}: no "
        "sync can read or change anything until the API key or access token is fixed."
    )
    return (
        Kind.CREDENTIALS_REJECTED,
        f"credentials_rejected:{utcnow():%Y-%m-%d}",
        text,
        path_for("settings.index"),
    )


def path_for(endpoint: str, **values) -> str:
    """A page's path, built without a request (workers have none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _forget(what: str) -> None:
    log.warning("%s; the sync goes on", what, exc_info=True)
    with suppress(Exception):
        db.session.rollback()
