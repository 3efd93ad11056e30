"""Helpers for sync tests: both sides as people see them, and a sync run in this process."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Group, Membership, MemberSource, RunTrigger, SyncRun, User
from jobs.runner import run_in_foreground


class Site:
    """Thinkific's side as a person in Thinkific's admin sees it (the emulator's control API)."""

    def __init__(self, control) -> None:
        self.control = control

    def group(self, name: str, *emails: str) -> int:
        group_id = self.control.create_group(name)["id"]
        for email in emails:
            self.add(group_id, email)
        return group_id

    def user(self, email: str) -> int:
        found = self.control.user_by_email(email)
        return (
            found["id"] if found else self.control.create_user(email, "Thin", last_name="K")["id"]
        )

    def add(self, group_id: int, email: str) -> None:
        self.control.add_member(group_id, self.user(email))

    def remove(self, group_id: int, email: str) -> None:
        self.control.remove_member(group_id, self.user(email))

    def members(self, group_id: int) -> set[str]:
        """Everyone in the group, including additions the API does not list yet."""
        return {m["email"] for m in self.control.members(group_id)}

    def listed(self, group_id: int) -> set[str]:
        """The members Thinkific's API lists now."""
        return {m["email"] for m in self.control.members(group_id) if m["visible"]}

    def group_id(self, name: str) -> int | None:
        found = self.control.group_named(name)
        return found["id"] if found else None


def members(group: Group) -> set[str]:
    """The dashboard's members of a group, by email."""
    rows = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .filter_by(group_id=group.id)
    )
    return set(rows)


def add_local(group: Group, email: str) -> None:
    service.add_member(group, service.find_or_create_user(email), MemberSource.DASHBOARD, by=None)
    db.session.commit()


def remove_local(group: Group, email: str) -> None:
    user = db.session.scalar(select(User).filter_by(email=email))
    service.remove_member(group, user, MemberSource.DASHBOARD)
    db.session.commit()


def sync(group: Group | None = None) -> SyncRun:
    """A sync run in this process, as `flask sync run` does it."""
    run = run_in_foreground(group, RunTrigger.CLI)
    db.session.expire_all()
    return run


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after something that must not write."""
    db.session.expire_all()
    return {
        table.name: sorted(
            (tuple(map(str, row)) for row in db.session.execute(table.select())), key=str
        )
        for table in db.metadata.sorted_tables
    }


def thinkific_state(control) -> dict:
    """What the emulated Thinkific site holds: groups, users and every group's members."""
    groups = control.groups()
    return {
        "groups": groups,
        "users": control.users(),
        "members": {g["id"]: sorted(m["id"] for m in control.members(g["id"])) for g in groups},
    }
