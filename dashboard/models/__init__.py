"""The data model of DESIGN §2, one module per area."""

from .access import AccessEnrollment
from .account import Account
from .catalog import Course, Team, User, team_courses
from .enums import (
    Direction,
    EventOutcome,
    MemberSource,
    Role,
    RunState,
    RunTrigger,
    SyncMode,
    SyncState,
)
from .groups import Assignment, Group, Membership, name_key
from .sync import ManualAction, SyncBaseMember, SyncEvent, SyncPush, SyncRun, SyncRunGroup
from .types import utcnow
from .webhooks import WebhookDelivery

__all__ = [
    "AccessEnrollment",
    "Account",
    "Assignment",
    "Course",
    "Direction",
    "EventOutcome",
    "Group",
    "ManualAction",
    "MemberSource",
    "Membership",
    "Role",
    "RunState",
    "RunTrigger",
    "SyncBaseMember",
    "SyncEvent",
    "SyncMode",
    "SyncPush",
    "SyncRun",
    "SyncRunGroup",
    "SyncState",
    "Team",
    "User",
    "WebhookDelivery",
    "name_key",
    "team_courses",
    "utcnow",
]
