"""The kinds of activity the trail records, and the words the Activity screen uses for them."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    PASSWORD_CHANGED = "password_changed"
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
    GROUP_CREATED = "group_created"
    GROUP_EDITED = "group_edited"
    GROUP_DELETED = "group_deleted"
    TEAM_ASSIGNED = "team_assigned"
    TEAM_UNASSIGNED = "team_unassigned"
    DIRECTION_CHANGED = "direction_changed"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    PLAN_APPROVED = "plan_approved"
    PLAN_REJECTED = "plan_rejected"
    ACCESS_APPROVED = "access_approved"
    ACCESS_REJECTED = "access_rejected"
    TEAM_CREATED = "team_created"
    TEAM_EDITED = "team_edited"
    USER_CREATED = "user_created"
    USER_EDITED = "user_edited"
    RUN_UNDO_STARTED = "run_undo_started"


KIND_WORDS = {
    Kind.SIGN_IN: "Signed in",
    Kind.SIGN_OUT: "Signed out",
    Kind.SIGN_IN_FAILED: "Failed sign-in",
    Kind.LOCKED_OUT: "Locked out",
    Kind.PASSWORD_CHANGED: "Password changed",
    Kind.SIGNED_OUT_ELSEWHERE: "Signed out everywhere else",
    Kind.GROUP_CREATED: "Group created",
    Kind.GROUP_EDITED: "Group edited",
    Kind.GROUP_DELETED: "Group deleted",
    Kind.TEAM_ASSIGNED: "Team assigned",
    Kind.TEAM_UNASSIGNED: "Team unassigned",
    Kind.DIRECTION_CHANGED: "Direction changed",
    Kind.MEMBER_ADDED: "Member added",
    Kind.MEMBER_REMOVED: "Member removed",
    Kind.PLAN_APPROVED: "Paused plan approved",
    Kind.PLAN_REJECTED: "Paused plan rejected",
    Kind.ACCESS_APPROVED: "Access endings approved",
    Kind.ACCESS_REJECTED: "Access endings rejected",
    Kind.TEAM_CREATED: "Team created",
    Kind.TEAM_EDITED: "Team edited",
    Kind.USER_CREATED: "User created",
    Kind.USER_EDITED: "User edited",
    Kind.RUN_UNDO_STARTED: "Sync run undone",
}

OBJECT_TYPES = {"group": "Group", "team": "Team", "user": "User", "account": "Account"}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())
