"""Groups and their members through the client, against the emulator."""

from __future__ import annotations

import pytest

from dashboard.thinkific.errors import NotFoundError, ValidationError
from dashboard.thinkific.resources import Group


def test_the_connection_check_counts_the_groups_in_one_request(thinkific, emulator):
    emulator.control.seed(groups=[{"name": f"Group {n}"} for n in range(3)])

    assert thinkific.check_connection() == 3
    assert thinkific.stats.calls == 1


def test_a_group_is_created_and_read_back(thinkific, emulator):
    created = thinkific.create_group("  Acme Corp ")

    assert created.name == "Acme Corp"
    assert len(created.token) == 8
    assert thinkific.get_group(created.id) == created
    assert emulator.control.group_named("Acme Corp")["id"] == created.id


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_single_group_is_read_bare_or_wrapped(thinkific, emulator, wrapped):
    emulator.control.configure(group_single_wrapped=wrapped)

    created = thinkific.create_group("Acme")

    assert isinstance(created, Group)
    assert thinkific.get_group(created.id).name == "Acme"


def test_a_missing_group_is_not_found_with_thinkifics_words(thinkific):
    with pytest.raises(NotFoundError) as missing:
        thinkific.get_group(999)

    assert missing.value.messages == ["Record not found."]
    assert "404 on GET /api/public/v1/groups/999" in str(missing.value)


def test_a_blank_group_name_is_refused_with_the_field_message(thinkific, emulator):
    with pytest.raises(ValidationError) as refused:
        thinkific.create_group("   ")

    assert refused.value.field_errors == {"name": ["can't be blank"]}
    assert emulator.control.groups() == []


def test_a_group_is_deleted(thinkific, emulator):
    group = thinkific.create_group("Short-lived")

    thinkific.delete_group(group.id)

    assert emulator.control.groups() == []
    with pytest.raises(NotFoundError):
        thinkific.delete_group(group.id)


def test_a_group_is_found_by_name_exactly_first_then_ignoring_case(thinkific, emulator):
    emulator.control.seed(groups=[{"name": "ACME"}, {"name": "Acme"}, {"name": "Other"}])

    assert thinkific.find_group_by_name("Acme").name == "Acme"
    assert thinkific.find_group_by_name("acme").name == "ACME"
    assert thinkific.find_group_by_name("Nobody") is None


def test_a_user_is_added_to_groups_by_name_and_listed_as_a_member(thinkific, emulator):
    emulator.control.seed(
        groups=[{"name": "Acme"}, {"name": "Globex"}], users=[{"email": "ada@example.com"}]
    )
    user = thinkific.find_user_by_email("ada@example.com")

    thinkific.add_user_to_groups(user.id, ["Acme", "Globex"])
    thinkific.add_user_to_groups(user.id, ["Acme"])  # again: no harm

    for name in ("Acme", "Globex"):
        group = thinkific.find_group_by_name(name)
        assert [m.email for m in thinkific.iter_group_members(group.id)] == ["ada@example.com"]


def test_adding_to_an_unknown_group_name_says_so(thinkific, emulator):
    emulator.control.seed(users=[{"email": "ada@example.com"}])
    user = thinkific.find_user_by_email("ada@example.com")

    with pytest.raises(ValidationError) as refused:
        thinkific.add_user_to_groups(user.id, ["Nope"])

    assert refused.value.messages == ["Invalid group_names"]


def test_adding_to_no_groups_sends_nothing(thinkific):
    thinkific.add_user_to_groups(1, [])

    assert thinkific.stats.calls == 0
