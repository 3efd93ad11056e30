"""The data model of DESIGN §2, one module per area."""

from .access import AccessEnrollment
from .account import Account, AccountSession
from .activity import Activity
from .courses import Course
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
from .notifications import (
    Notification,
    NotificationDelivery,
    NotificationDigest,
    NotificationPreference,
    NotificationSettings,
)
from .sync import ManualAction, SyncBaseMember, SyncEvent, SyncRun, SyncRunGroup
from .teams import Team, team_courses
from .types import utcnow
from .users import User
from .versions import DataVersion
from .webhooks import WebhookDelivery

__all__ = [
    "AccessEnrollment",
    "Account",
    "AccountSession",
    "Activity",
    "Assignment",
    "Course",
    "DataVersion",
    "Direction",
    "EventOutcome",
    "Group",
    "ManualAction",
    "MemberSource",
    "Membership",
    "Notification",
    "NotificationDelivery",
    "NotificationDigest",
    "NotificationPreference",
    "NotificationSettings",
    "Role",
    "RunState",
    "RunTrigger",
    "SyncBaseMember",
    "SyncEvent",
    "SyncMode",
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
