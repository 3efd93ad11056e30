"""The three-way merge on its own: every direction, first sync, changes on either side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.models import Direction, MemberSource, SyncMode
from dashboard.sync.planner import (
    Action,
    Link,
    LocalMember,
    Plan,
    Snapshot,
    plan_group,
)

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LAST_SYNC = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
ADDED = datetime(2026, 3, 1, 20, 15, tzinfo=UTC)

BOTH = [Link("Acme", Direction.BIDIRECTIONAL)]
PUSH = [Link("Acme", Direction.DASHBOARD_TO_THINKIFIC)]
PULL = [Link("Acme", Direction.THINKIFIC_TO_DASHBOARD)]


def snapshot(local=(), remote=(), base=(), **extra) -> Snapshot:
    members = {key: LocalMember(ADDED, MemberSource.DASHBOARD) for key in local}
    extra.setdefault("last_synced_at", LAST_SYNC if base else None)
    return Snapshot(local=members, remote=frozenset(remote), base=frozenset(base), **extra)


def plan(links, **sides) -> Plan:
    return plan_group(snapshot(**sides), links, now=NOW)


def keys(plan: Plan, action: Action) -> set[str]:
    return {change.key for change in plan.of(action)}


def moves(plan: Plan) -> dict[str, set[str]]:
    return {action.value: keys(plan, action) for action in Action if plan.of(action)}


# --- first sync ------------------------------------------------------------------------------


def test_first_bidirectional_sync_is_the_union():
    result = plan(BOTH, local={"a", "b"}, remote={"b", "c"})
    assert result.mode == SyncMode.BOTH
    assert moves(result) == {"add_remote": {"a"}, "add_local": {"c"}}
    assert result.agreed == {"a", "b", "c"}


def test_first_push_only_sync_makes_thinkific_mirror_the_dashboard():
    result = plan(PUSH, local={"a", "b"}, remote={"b", "c"})
    assert moves(result) == {"add_remote": {"a"}, "remove_remote": {"c"}}
    assert result.agreed == {"a", "b"}


def test_first_pull_only_sync_makes_the_dashboard_mirror_thinkific():
    result = plan(PULL, local={"a", "b"}, remote={"b", "c"})
    assert moves(result) == {"add_local": {"c"}, "remove_local": {"a"}}
    assert result.agreed == {"b", "c"}


# --- later syncs, one side changed -----------------------------------------------------------


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (BOTH, {"add_remote": {"d"}}),
        (PUSH, {"add_remote": {"d"}}),
        (PULL, {"remove_local": {"d"}}),  # Thinkific is the source of truth
    ],
)
def test_added_in_the_dashboard(links, expected):
    assert moves(plan(links, local={"a", "d"}, remote={"a"}, base={"a"})) == expected


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (BOTH, {"add_local": {"d"}}),
        (PUSH, {"remove_remote": {"d"}}),  # the dashboard is the source of truth
        (PULL, {"add_local": {"d"}}),
    ],
)
def test_added_in_thinkific(links, expected):
    assert moves(plan(links, local={"a"}, remote={"a", "d"}, base={"a"})) == expected


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (BOTH, {"remove_remote": {"b"}}),
        (PUSH, {"remove_remote": {"b"}}),
        (PULL, {"add_local": {"b"}}),
    ],
)
def test_removed_in_the_dashboard(links, expected):
    assert moves(plan(links, local={"a"}, remote={"a", "b"}, base={"a", "b"})) == expected


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (BOTH, {"remove_local": {"b"}}),
        (PUSH, {"add_remote": {"b"}}),
        (PULL, {"remove_local": {"b"}}),
    ],
)
def test_removed_in_thinkific(links, expected):
    assert moves(plan(links, local={"a", "b"}, remote={"a"}, base={"a", "b"})) == expected


def test_both_sides_changed_keeps_additions_and_applies_removals_both_ways():
    # a: kept; b: removed in the dashboard; c: removed in Thinkific;
    # d: added in the dashboard; e: added in Thinkific; f: added on both sides
    result = plan(
        BOTH, local={"a", "c", "d", "f"}, remote={"a", "b", "e", "f"}, base={"a", "b", "c"}
    )
    assert moves(result) == {
        "add_remote": {"d"},
        "remove_remote": {"b"},
        "add_local": {"e"},
        "remove_local": {"c"},
    }
    assert result.agreed == {"a", "d", "e", "f"}


def test_removed_on_both_sides_needs_nothing():
    result = plan(BOTH, local={"a"}, remote={"a"}, base={"a", "b"})
    assert result.changes == ()
    assert result.agreed == {"a"}


def test_in_sync_plans_nothing_in_every_direction():
    for links in (BOTH, PUSH, PULL):
        result = plan(links, local={"a", "b"}, remote={"a", "b"}, base={"a", "b"})
        assert result.changes == ()
        assert result.summary() == "nothing to change"


def test_group_without_a_syncing_link_plans_nothing():
    disabled = [Link("Acme", Direction.DISABLED)]
    result = plan(disabled, local={"a"}, remote={"b"}, base={"c"})
    assert result.mode == SyncMode.NONE
    assert result.changes == ()
    assert result.agreed == {"c"}


def test_direction_is_the_union_of_the_links():
    links = [Link("Acme", Direction.DASHBOARD_TO_THINKIFIC), Link("Beta", Direction.DISABLED)]
    links.append(Link("Core", Direction.THINKIFIC_TO_DASHBOARD))
    result = plan(links, local={"a"}, remote={"b"})
    assert result.mode == SyncMode.BOTH
    assert moves(result) == {"add_remote": {"a"}, "add_local": {"b"}}


# --- reasons ---------------------------------------------------------------------------------


def test_every_change_says_why_in_words():
    result = plan(
        [*BOTH, Link("Beta", Direction.THINKIFIC_TO_DASHBOARD)],
        local={"a", "c", "d"},
        remote={"a", "b", "e"},
        base={"a", "b", "c"},
    )
    reasons = {change.action: change.reason for change in result.changes}
    assert reasons[Action.ADD_REMOTE] == (
        "add to Thinkific: added in the dashboard on 2026-03-01 20:15 UTC, "
        "link Acme (Bidirectional)"
    )
    assert reasons[Action.ADD_LOCAL] == (
        "add to the dashboard: added in Thinkific since the last sync on 2026-03-01 18:00 UTC, "
        "links Acme (Bidirectional), Beta (Thinkific → Dashboard)"
    )
    assert reasons[Action.REMOVE_REMOTE].startswith(
        "remove from Thinkific: removed in the dashboard since the last sync on 2026-03-01"
    )
    assert reasons[Action.REMOVE_LOCAL].startswith(
        "remove from the dashboard: removed in Thinkific since the last sync on 2026-03-01"
    )


def test_reason_names_where_a_member_came_from():
    members = {"a": LocalMember(ADDED, MemberSource.CSV)}
    result = plan_group(Snapshot(local=members, remote=frozenset()), PUSH, now=NOW)
    assert result.changes[0].reason == (
        "add to Thinkific: imported from a CSV file on 2026-03-01 20:15 UTC, "
        "not in the Thinkific group, link Acme (Dashboard → Thinkific)"
    )


def test_summary_counts_each_kind_of_change():
    result = plan(BOTH, local={"a", "b"}, remote={"c"})
    assert result.summary() == "2 to add in Thinkific, 1 to add in the dashboard"


# --- manual removals (DESIGN §4.4) -----------------------------------------------------------


def test_open_manual_removal_counts_as_removed_in_thinkific():
    # b was removed in the dashboard; Thinkific still lists b until someone removes it there
    result = plan(BOTH, local={"a"}, remote={"a", "b"}, base={"a"}, open_removals={"b": NOW})
    assert result.changes == ()
    assert result.agreed == {"a"}


def test_manual_removal_resolves_once_thinkific_no_longer_lists_the_member():
    result = plan(BOTH, local={"a"}, remote={"a"}, base={"a"}, open_removals={"b": NOW})
    assert moves(result) == {"close_manual": {"b"}}
    assert result.changes[0].reason.startswith("resolved: no longer in the Thinkific group")


def test_readding_in_the_dashboard_closes_the_manual_removal():
    result = plan(BOTH, local={"a", "b"}, remote={"a", "b"}, base={"a"}, open_removals={"b": NOW})
    assert moves(result) == {"close_manual": {"b"}}
    assert result.changes[0].reason == "closed: added back in the dashboard"
    assert result.agreed == {"a", "b"}


def test_push_only_does_not_ask_twice_for_the_same_removal():
    result = plan(PUSH, local={"a"}, remote={"a", "b"}, base={"a"}, open_removals={"b": NOW})
    assert result.changes == ()


def test_switching_to_pull_only_closes_manual_removals_and_pulls_the_member_back():
    result = plan(PULL, local={"a"}, remote={"a", "b"}, base={"a"}, open_removals={"b": NOW})
    assert moves(result) == {"add_local": {"b"}, "close_manual": {"b"}}


# --- our own additions, removed in Thinkific (DESIGN §4.5: no grace) -----------------------


@pytest.mark.parametrize("minutes", [1, 29, 31, 24 * 60])
def test_a_member_pushed_then_removed_in_thinkific_is_removed_from_the_dashboard(minutes):
    last_sync = NOW - timedelta(minutes=minutes)
    result = plan_group(
        snapshot(local={"a", "d"}, remote={"a"}, base={"a", "d"}, last_synced_at=last_sync),
        BOTH,
        now=NOW,
    )
    assert moves(result) == {"remove_local": {"d"}}
    assert "removed in Thinkific since the last sync" in result.changes[0].reason
    assert [change.key for change in result.removals] == ["d"]


@pytest.mark.parametrize("minutes", [1, 29, 31, 24 * 60])
def test_a_member_pushed_then_removed_in_thinkific_is_added_again_by_push_only(minutes):
    last_sync = NOW - timedelta(minutes=minutes)
    result = plan_group(
        snapshot(local={"a", "d"}, remote={"a"}, base={"a", "d"}, last_synced_at=last_sync),
        PUSH,
        now=NOW,
    )
    assert moves(result) == {"add_remote": {"d"}}
    assert result.removals == []


def test_an_open_manual_removal_of_a_member_thinkific_no_longer_lists_is_resolved():
    opened = {"d": NOW - timedelta(minutes=1)}
    result = plan(BOTH, local={"a"}, remote={"a"}, base={"a"}, open_removals=opened)
    assert moves(result) == {"close_manual": {"d"}}
    assert "no longer in the Thinkific group" in result.changes[0].reason


# --- approvals and rejections (DESIGN §4.5) --------------------------------------------------


def test_many_removals_need_approval_only_above_both_limits():
    local = {f"u{i}" for i in range(100)}
    gone = {f"u{i}" for i in range(30)}
    result = plan(BOTH, local=local - gone, remote=local, base=local)
    assert len(result.removals) == 30
    assert result.needs_approval(limit=10, percent=20)  # 30 > 10 and 30 % > 20 %
    assert not result.needs_approval(limit=30, percent=20)  # not above the count
    assert not result.needs_approval(limit=10, percent=30)  # not above the share
    assert not result.needs_approval(limit=10, percent=20, approved=gone)


def test_small_groups_do_not_pause_for_a_few_removals():
    result = plan(BOTH, local=set(), remote={"a", "b", "c"}, base={"a", "b", "c"})
    assert len(result.removals) == 3
    assert not result.needs_approval(limit=10, percent=20)


def test_rejected_removals_keep_the_members_on_both_sides():
    for links in (BOTH, PUSH, PULL):
        result = plan_group(
            snapshot(local={"a"}, remote={"a", "b"}, base={"a", "b"}),
            links,
            now=NOW,
            kept={"b"},
        )
        assert "b" in result.agreed
        assert not result.removals
