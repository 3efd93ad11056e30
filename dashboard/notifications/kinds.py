"""The kinds of notification an admin can choose, in their words."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    PLAN_WAITING = "plan_waiting"
    RUN_FAILED = "run_failed"
    GROUP_DELETED = "group_deleted"
    MANUAL_ACTIONS_OPEN = "manual_actions_open"
    CREDENTIALS_REJECTED = "credentials_rejected"

    @property
    def label(self) -> str:
        return LABELS[self][0]

    @property
    def description(self) -> str:
        return LABELS[self][1]


LABELS = {
    Kind.PLAN_WAITING: (
        "A plan waits for approval",
        "A group's sync or an access sync would remove more than the limit allows, and waits "
        "for an admin to approve or reject it.",
    ),
    Kind.RUN_FAILED: (
        "A sync failed or partly failed",
        "A sync run ended Failed or Partly failed.",
    ),
    Kind.GROUP_DELETED: (
        "A group was deleted in Thinkific",
        "A linked group is no longer listed by Thinkific; its links pause.",
    ),
    Kind.MANUAL_ACTIONS_OPEN: (
        "Manual actions stay open",
        "A removal someone has to make in Thinkific's admin is still open after the number of "
        "days set in Settings (checked once a day).",
    ),
    Kind.CREDENTIALS_REJECTED: (
        "Thinkific rejects the credentials",
        "Thinkific answered 401 to a sync: the API key or token is wrong or expired (told at "
        "most once a day).",
    ),
}
