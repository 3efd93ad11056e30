"""The demo dataset: realistic, deterministic, and giving the first sync work in each direction."""

from __future__ import annotations

import re

import pytest

from dashboard.accounts import normalize_email
from dashboard.demo import demo_data
from dashboard.demo.dataset import SEED, _sides, slugify
from dashboard.models import Direction, SyncMode, name_key


@pytest.fixture(scope="module")
def data():
    return demo_data()


def test_sizes_are_those_of_a_small_real_school(data):
    assert 5 <= len(data.teams) <= 8
    assert 30 <= len(data.groups) <= 40
    assert 250 <= len(data.users) <= 400
    assert 5 <= len(data.courses) <= 10


def test_the_dataset_is_deterministic(data):
    demo_data.cache_clear()
    again = demo_data()
    assert again == data
    assert again is not data
    assert SEED == 2026  # changing the seed changes every demo; do it on purpose


def test_emails_are_valid_unique_and_reserved_for_examples(data):
    emails = [user.email for user in data.users]
    assert len(set(emails)) == len(emails)
    for email in emails:
        assert normalize_email(email) == email
        assert re.search(r"@([a-z-]+\.)?example\.(com|org|net)$", email)


def test_names_are_plausible(data):
    for user in data.users:
        assert user.first_name
        assert user.last_name
        local = user.email.split("@")[0]
        assert local.startswith(slugify(user.first_name, "")), user


def test_teams_have_descriptions_courses_and_some_a_seat_limit(data):
    course_ids = {course.thinkific_id for course in data.courses}
    assert all(team.description and team.course_ids for team in data.teams)
    assert all(set(team.course_ids) <= course_ids for team in data.teams)
    limits = [team.seat_limit for team in data.teams]
    assert None in limits
    assert any(limits)


def test_names_are_unique_ignoring_case(data):
    for names in ([g.name for g in data.groups], [t.name for t in data.teams]):
        assert len({name_key(name) for name in names}) == len(names)


def test_thinkific_side_is_consistent(data):
    groups = data.thinkific_groups()
    assert len({g.thinkific_id for g in groups}) == len(groups)
    assert all(re.fullmatch(r"[0-9a-f]{8}", g.token) for g in groups)
    assert len({g.token for g in groups}) == len(groups)
    ids = [u.thinkific_id for u in data.thinkific_users()]
    assert len(set(ids)) == len(ids)
    for group in groups:
        assert all(data.by_email[email].thinkific_id for email in group.remote_members)


def test_dashboard_only_groups_have_no_thinkific_identity(data):
    for group in data.groups:
        if not group.in_thinkific:
            assert group.thinkific_id is None
            assert group.token == ""
            assert not group.remote_members


def test_links_name_demo_teams_and_use_every_direction(data):
    teams = {team.name for team in data.teams}
    links = [link for group in data.groups for link in group.links]
    assert {team for team, _ in links} <= teams
    assert {direction for _, direction in links} == set(Direction)
    assert any(len(group.links) > 1 for group in data.groups)


def test_first_sync_has_work_in_each_direction(data):
    """Imports, creations in Thinkific, additions on both sides, a few manual removals."""
    kinds = {group.placement for group in data.groups}
    assert kinds == {"both", "thinkific", "dashboard"}
    assert [g for g in data.groups if g.placement == "dashboard" and _pushes(g)]
    linked = [g for g in data.groups if g.placement == "both"]
    pulls = sum(len(set(g.remote_members) - set(g.local_members)) for g in linked if _pulls(g))
    pushes = sum(len(set(g.local_members) - set(g.remote_members)) for g in linked if _pushes(g))
    assert pulls > 20
    assert pushes > 20
    removals = [g for g in linked if _mode(g) == SyncMode.PUSH and _remote_only(g)]
    assert 1 <= len(removals) <= 5
    new_users = {
        e for g in data.groups for e in g.local_members if not data.by_email[e].thinkific_id
    }
    assert new_users  # the sync creates some learners in Thinkific


def test_first_sync_removes_no_more_than_one_member_of_a_group(data):
    """Demo groups stay well under the removal limit (10 and 20 % of a group)."""
    for group in data.groups:
        if group.placement == "both" and _mode(group) != SyncMode.NONE:
            local, remote = set(group.local_members), set(group.remote_members)
            gone = {SyncMode.PUSH: remote - local, SyncMode.PULL: local - remote}
            removed = len(gone.get(_mode(group), ()))
            assert removed <= 1, group.name
            assert removed <= 0.2 * min(len(local), len(remote)), group.name


def test_sides_of_a_bidirectional_group_overlap():
    local, remote = _sides("both", SyncMode.BOTH, list("abcdefghij"))
    assert set(local) & set(remote) == set("abcdef")
    assert set(local) ^ set(remote) == set("ghij")


@pytest.mark.parametrize(
    ("text", "slug"), [("Tomás Sørensen", "tomas-sorensen"), ("O'Brien", "o-brien"), ("  ", "")]
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def _mode(group) -> SyncMode:
    return SyncMode.of([direction for _, direction in group.links])


def _remote_only(group) -> set[str]:
    return set(group.remote_members) - set(group.local_members)


def _pulls(group) -> bool:
    return _mode(group) in (SyncMode.PULL, SyncMode.BOTH)


def _pushes(group) -> bool:
    return _mode(group) in (SyncMode.PUSH, SyncMode.BOTH)
