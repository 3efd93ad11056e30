"""Reading whole collections through the client: every page, 250 at a time, streamed."""

from __future__ import annotations

import pytest


def seed_groups(emulator, count):
    emulator.control.seed(groups=[{"name": f"Group {n:04d}"} for n in range(count)])


def list_requests(emulator, path):
    return [r for r in emulator.control.requests() if r["path"].endswith(path)]


SIZES = [(0, 1), (1, 1), (249, 1), (250, 1), (251, 2), (501, 3)]


@pytest.mark.parametrize(("count", "pages"), SIZES)
def test_every_group_is_listed_in_as_few_requests_as_possible(thinkific, emulator, count, pages):
    seed_groups(emulator, count)

    groups = list(thinkific.iter_groups())

    assert [g.name for g in groups] == [f"Group {n:04d}" for n in range(count)]
    assert len({g.id for g in groups}) == count
    seen = list_requests(emulator, "/groups")
    assert len(seen) == pages
    assert all("limit=250" in r["query"] for r in seen)
    assert thinkific.stats.calls == pages


def test_a_groups_members_are_listed_across_pages(thinkific, emulator):
    users = [{"email": f"learner{n}@example.com"} for n in range(260)]
    emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Other"}],
        users=users,
        memberships=[{"group_name": "Acme", "email": u["email"]} for u in users[:251]]
        + [{"group_name": "Other", "email": users[259]["email"]}],
    )
    acme = emulator.control.group_named("Acme")

    members = list(thinkific.iter_group_members(acme["id"]))

    assert {m.email for m in members} == {u["email"] for u in users[:251]}
    assert thinkific.stats.calls == 2


def test_pages_are_fetched_only_as_the_caller_reads(thinkific, emulator):
    seed_groups(emulator, 501)

    groups = thinkific.iter_groups()
    first = next(groups)

    assert first.name == "Group 0000"
    assert thinkific.stats.calls == 1


def test_a_collection_growing_while_read_still_ends(thinkific, emulator):
    seed_groups(emulator, 300)
    groups = thinkific.iter_groups()
    names = [next(groups).name]
    emulator.control.create_group("Late arrival")

    names += [g.name for g in groups]

    assert names[-1] == "Late arrival"
    assert len(names) == 301
