"""Members are matched by Thinkific user id and lower-cased email; unknown ones are created."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunState, User

from .helpers import add_local, members, sync

A, B = "ann@example.com", "bob@example.com"


def linked(site, make, *emails: str) -> tuple[Group, int]:
    thinkific_id = site.group("Acme", *emails)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    assert sync(group).state == RunState.SUCCEEDED
    return group, thinkific_id


def user(email: str) -> User:
    return db.session.scalar(select(User).filter_by(email=email))


def test_pulled_members_become_dashboard_users_with_their_thinkific_id(site, make, emulator):
    group, _ = linked(site, make, "Ann@Example.com")
    assert members(group) == {A}
    assert user(A).thinkific_id == emulator.control.user_by_email(A)["id"]
    assert (user(A).first_name, user(A).last_name) == ("Thin", "K")


def test_an_email_changed_in_thinkific_is_still_the_same_member(site, make, emulator):
    group, _ = linked(site, make, A)
    emulator.control.update_user(user(A).thinkific_id, email="ann.new@example.com")
    run = sync(group)
    changes = (run.added_local, run.removed_local, run.added_remote, run.manual_actions)
    assert changes == (0, 0, 0, 0)
    assert members(group) == {A}


def test_a_user_missing_in_thinkific_is_created_without_a_welcome_email(site, make, emulator):
    group, thinkific_id = linked(site, make)
    add_local(group, B)
    sync(group)
    created = emulator.control.user_by_email(B)
    assert created is not None
    assert emulator.control.user(created["id"])["welcome_email"] is False
    assert user(B).thinkific_id == created["id"]
    assert site.members(thinkific_id) == {B}


def test_an_existing_thinkific_user_is_found_by_email_not_created_again(site, make, emulator):
    site.user(B)  # in Thinkific already, in no group
    group, thinkific_id = linked(site, make)
    add_local(group, B)
    sync(group)
    assert [u["email"] for u in emulator.control.users()].count(B) == 1
    assert site.members(thinkific_id) == {B}


def test_a_user_recreated_in_thinkific_is_found_again_by_email(site, make, emulator):
    linked(site, make, A)
    old_id = user(A).thinkific_id
    other = site.group("Beta")
    sync()
    beta = db.session.scalar(select(Group).filter_by(thinkific_id=other))
    make.assignment(beta, direction=Direction.DASHBOARD_TO_THINKIFIC)
    emulator.control.delete_user(old_id)
    new_id = site.user(A)
    add_local(beta, A)
    run = sync(beta)
    assert run.state == RunState.SUCCEEDED, run.error
    assert site.members(other) == {A}
    assert user(A).thinkific_id == new_id
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
