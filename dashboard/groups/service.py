"""Business rules for groups, their team links and their members.

Every write that changes a group's members or links also updates the group's stored counts and
sync mode in the same transaction, so lists never count rows on the fly, and adds its record to
the activity trail in that transaction too. Callers commit.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from .. import activity, counts
from ..accounts import AccountError, normalize_email
from ..editing import FormError
from ..extensions import db
from ..models import (
    Account,
    Assignment,
    Direction,
    Group,
    Membership,
    MemberSource,
    SyncMode,
    Team,
    User,
    name_key,
)

NAME_MAX = 255


class GroupError(FormError):
    """A change to groups that the rules refuse; the message is for the admin."""


def clean_name(name: str | None, *, kind: str = "group", max_length: int = NAME_MAX) -> str:
    """Collapse whitespace and check length; raises GroupError."""
    name = " ".join((name or "").split())
    if not name:
        raise GroupError(f"Give the {kind} a name.")
    if len(name) > max_length:
        raise GroupError(f"A {kind} name can have at most {max_length} characters.")
    return name


def find_group_by_name(name: str) -> Group | None:
    return db.session.scalar(select(Group).filter_by(name_key=name_key(name)))


def find_team_by_name(name: str) -> Team | None:
    return db.session.scalar(select(Team).filter_by(name_key=name_key(name)))


def create_group(name: str, description: str = "") -> Group:
    name = clean_name(name)
    if find_group_by_name(name):
        raise GroupError(f"A group named “{name}” already exists (names ignore case).")
    group = Group(name=name, name_key=name_key(name), description=description.strip())
    db.session.add(group)
    db.session.flush()
    activity.record(activity.Kind.GROUP_CREATED, group, after=_fields(group))
    return group


RENAME_REFUSAL = (
    "This group exists in Thinkific, which cannot rename groups by API; "
    "its name follows Thinkific's."
)


def can_rename(group: Group) -> bool:
    return group.thinkific_id is None


def rename_group(group: Group, name: str, description: str | None = None) -> Group:
    name = clean_name(name)
    if not can_rename(group) and name_key(name) != group.name_key:
        raise GroupError(RENAME_REFUSAL)
    other = find_group_by_name(name)
    if other is not None and other.id != group.id:
        raise GroupError(f"A group named “{name}” already exists (names ignore case).")
    before = _fields(group)
    group.name, group.name_key = name, name_key(name)
    if description is not None:
        group.description = description.strip()
    activity.record(activity.Kind.GROUP_EDITED, group, before=before, after=_fields(group))
    return group


def _fields(group: Group) -> dict[str, str]:
    return {"name": group.name, "description": group.description or ""}


def deletion_blocker(group: Group) -> str | None:
    """Why the group cannot be deleted here, or None when it can."""
    if group.thinkific_id is not None and group.deleted_in_thinkific_at is None:
        return (
            "This group exists in Thinkific: delete it there first; the next "
            "sync marks it deleted and then it can be removed here."
        )
    return None


def delete_group(group: Group) -> None:
    reason = deletion_blocker(group)
    if reason:
        raise GroupError(reason)
    team_ids = [a.team_id for a in group.assignments]
    user_ids = counts.member_ids(group.id)
    activity.record(activity.Kind.GROUP_DELETED, group, before=_fields(group))
    db.session.delete(group)
    db.session.flush()
    _recount_teams(team_ids)
    counts.recount_users(user_ids)


# --- team links -------------------------------------------------------------------------------


def assign_team(group: Group, team: Team, direction: Direction, by: Account | None) -> Assignment:
    if find_assignment(group.id, team.id):
        raise GroupError(f"{group.name} is already assigned to {team.name}.")
    assignment = Assignment(group=group, team=team, direction=direction, created_by_id=_id(by))
    db.session.add(assignment)
    db.session.flush()
    _links_changed(group, [team.id])
    _record_link(activity.Kind.TEAM_ASSIGNED, assignment, after=_link(assignment))
    return assignment


def change_direction(assignment: Assignment, direction: Direction) -> Assignment:
    before = _link(assignment)
    assignment.direction = direction
    db.session.flush()
    _links_changed(assignment.group, [])
    _record_link(activity.Kind.DIRECTION_CHANGED, assignment, before, _link(assignment))
    return assignment


def unassign(assignment: Assignment) -> None:
    group, team_id = assignment.group, assignment.team_id
    _record_link(activity.Kind.TEAM_UNASSIGNED, assignment, before=_link(assignment))
    group.assignments.remove(assignment)
    db.session.flush()
    _links_changed(group, [team_id])


def _link(assignment: Assignment) -> dict[str, str]:
    return {"team": assignment.team.name, "direction": assignment.direction.value}


def _record_link(kind: activity.Kind, assignment: Assignment, before=None, after=None) -> None:
    activity.record(kind, assignment.group, before, after, also=assignment.team)


def find_assignment(group_id: int, team_id: int) -> Assignment | None:
    return db.session.scalar(select(Assignment).filter_by(group_id=group_id, team_id=team_id))


def effective_mode(group: Group) -> SyncMode:
    return SyncMode.of([a.direction for a in group.assignments])


def describe_mode(group: Group) -> str:
    """The effective direction in words, and why (DESIGN §4.2)."""
    links = group.assignments
    if not links:
        return "Not synced: the group is not assigned to any team."
    pushing = [a.team.name for a in links if a.direction.pushes]
    pulling = [a.team.name for a in links if a.direction.pulls]
    if not pushing and not pulling:
        return "Not synced: every team link is Disabled (the teams still give access)."
    parts = []
    if pushing:
        parts.append(f"pushes dashboard changes to Thinkific (because of {', '.join(pushing)})")
    if pulling:
        parts.append(
            f"pulls Thinkific changes into the dashboard (because of {', '.join(pulling)})"
        )
    return "This group " + " and ".join(parts) + "."


def _links_changed(group: Group, team_ids: list[int]) -> None:
    """Counts and mode follow the links; the next sync pauses before any removal (§4.5)."""
    db.session.refresh(group, ["assignments"])
    group.removals_need_approval = True
    group.teams_count = len(group.assignments)
    mode = effective_mode(group)
    if mode != SyncMode.NONE:
        group.pending_changes = True
    group.sync_mode = mode
    _recount_teams(team_ids)
    db.session.flush()


def _recount_teams(team_ids: list[int]) -> None:
    for team_id in set(team_ids):
        count = select(func.count()).where(Assignment.team_id == team_id).scalar_subquery()
        db.session.execute(update(Team).where(Team.id == team_id).values(groups_count=count))
    counts.recount_teams(team_ids)  # a link brings or takes its group's members


# --- members ----------------------------------------------------------------------------------


def find_or_create_user(email: str, first_name: str = "", last_name: str = "") -> User:
    try:
        email = normalize_email(email)
    except AccountError as error:
        raise GroupError(str(error)) from None
    user = db.session.scalar(select(User).filter_by(email=email))
    if user is None:
        user = User(
            email=email, first_name=first_name.strip()[:100], last_name=last_name.strip()[:100]
        )
        db.session.add(user)
        db.session.flush()
    return user


def member_editing_blocker(group: Group) -> str | None:
    """Why admins may not edit the group's members here (it only pulls), or None."""
    if group.sync_mode != SyncMode.PULL:
        return None
    return (
        "Thinkific is the source of truth for this group's members: every syncing team link "
        "pulls from Thinkific, so an edit here would be undone by the next sync. Add or remove "
        f"members in your Thinkific admin (Groups, then “{group.name}”); the next sync brings "
        "the change here."
    )


def find_membership(group_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).filter_by(group_id=group_id, user_id=user_id))


def add_member(group: Group, user: User, source: MemberSource, by: Account | None) -> Membership:
    if find_membership(group.id, user.id):
        raise GroupError(f"{user.email} is already a member of {group.name}.")
    membership = Membership(group_id=group.id, user_id=user.id, source=source, added_by_id=_id(by))
    db.session.add(membership)
    group.users_count = Group.users_count + 1
    _members_changed(group, source, [user.id])
    after = {"email": user.email, "source": source.value}
    activity.record(activity.Kind.MEMBER_ADDED, group, after=after, also=user)
    return membership


def remove_member(group: Group, user: User, source: MemberSource) -> None:
    result = db.session.execute(
        delete(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    if result.rowcount == 0:
        raise GroupError(f"{user.email} is not a member of {group.name}.")
    group.users_count = Group.users_count - 1
    _members_changed(group, source, [user.id])
    before = {"email": user.email}
    activity.record(activity.Kind.MEMBER_REMOVED, group, before=before, also=user)


def _members_changed(group: Group, source: MemberSource, user_ids: list[int]) -> None:
    if source != MemberSource.THINKIFIC and group.sync_mode in (SyncMode.PUSH, SyncMode.BOTH):
        group.pending_changes = True
    db.session.flush()
    db.session.expire(group, ["users_count"])
    counts.members_changed(group.id, user_ids)


def _id(account: Account | None) -> int | None:
    return account.id if account is not None else None
