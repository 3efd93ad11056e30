"""The stored counts that follow memberships and team links: groups per user, users per team;
and a group's open manual removals (`groups.open_manual_actions`).

`users.groups_count` and `teams.users_count` (the distinct members of a team's groups) let the
Users and Teams lists sort by them through an index. Every write of memberships or links calls
these in its transaction (`service.py`, the sync's `store.py`), recounting from the rows for
just the users and teams it touched. Their `updated_at` stays: a count is not an edit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import distinct, func, select, update

from .extensions import db
from .models import Assignment, Group, ManualAction, Membership, Team, User

BATCH = 500  # ids per UPDATE … WHERE id IN (…)
MANUAL_REMOVAL = "remove_remote"  # a person must remove the member in Thinkific's admin


def members_changed(group_id: int, user_ids: Iterable[int]) -> None:
    """After members of the group were added or removed: their counts and its teams'."""
    recount_users(user_ids)
    recount_teams(teams_of([group_id]))


def recount_users(user_ids: Iterable[int]) -> None:
    counted = (
        select(func.count()).where(Membership.user_id == User.id).correlate(User).scalar_subquery()
    )
    for batch in _batches(user_ids):
        db.session.execute(
            update(User)
            .where(User.id.in_(batch))
            .values(groups_count=counted, updated_at=User.updated_at)
        )


def recount_teams(team_ids: Iterable[int]) -> None:
    counted = (
        select(func.count(distinct(Membership.user_id)))
        .join(Assignment, Assignment.group_id == Membership.group_id)
        .where(Assignment.team_id == Team.id)
        .correlate(Team)
        .scalar_subquery()
    )
    for batch in _batches(team_ids):
        db.session.execute(
            update(Team)
            .where(Team.id.in_(batch))
            .values(users_count=counted, updated_at=Team.updated_at)
        )


def recount_manual_removals(group: Group) -> None:
    """The group's shown count of removals a person must still make in Thinkific (GraphQL
    confirmations excluded), from the actions as they now stand: however its sync ended
    (finished, failed, stopped, or its worker gone), a committed batch may have opened or
    closed some. The caller commits."""
    group.open_manual_actions = db.session.scalar(
        select(func.count())
        .select_from(ManualAction)
        .where(
            ManualAction.group_id == group.id,
            ManualAction.resolved_at.is_(None),
            ManualAction.action == MANUAL_REMOVAL,
        )
    )


def teams_of(group_ids: list[int]) -> list[int]:
    query = select(Assignment.team_id).where(Assignment.group_id.in_(group_ids)).distinct()
    return list(db.session.scalars(query))


def member_ids(group_id: int) -> list[int]:
    query = select(Membership.user_id).where(Membership.group_id == group_id)
    return list(db.session.scalars(query))


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]
