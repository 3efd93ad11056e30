"""The client's readers of Thinkific's answers: 429 reset times, error bodies, pages, records."""

from __future__ import annotations

import pytest

from dashboard.thinkific.budget import reset_delay
from dashboard.thinkific.errors import (
    AuthenticationError,
    MalformedResponse,
    ServerError,
    ValidationError,
    error_details,
    error_for_status,
)
from dashboard.thinkific.pagination import read_page
from dashboard.thinkific.resources import Enrollment, Group, User

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (str(int((NOW + 12) * 1000)), 12),  # epoch milliseconds
        (str(int(NOW + 7)), 7),  # epoch seconds
        ("4500", 4.5),  # a delta, in milliseconds
        ("100", 1),  # too short: at least a second
        (str(int((NOW + 600) * 1000)), 60),  # too long: at most a minute
        (str(int(NOW - 30)), 1),  # already past
        (None, 60),  # missing: a full minute
        ("soon", 60),
    ],
)
def test_rate_limit_reset_is_read_in_all_three_forms_and_clamped(header, seconds):
    assert reset_delay(header, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("body", "messages", "fields"),
    [
        ({"error": "Authentication Error"}, ["Authentication Error"], {}),
        ({"error": ["Record not found."]}, ["Record not found."], {}),
        (
            {"error": {"user_id": ["Could not find user with ID 1."]}},
            [],
            {"user_id": ["Could not find user with ID 1."]},
        ),
        (
            {"error": [{"group_id": "Could not find group with ID 1."}]},
            [],
            {"group_id": ["Could not find group with ID 1."]},
        ),
        ({"errors": {"name": ["can't be blank"]}}, [], {"name": ["can't be blank"]}),
        (
            {"errors": {"group_id": "Invalid group ID: 1", "user_id": "Invalid user IDs: 3"}},
            [],
            {"group_id": ["Invalid group ID: 1"], "user_id": ["Invalid user IDs: 3"]},
        ),
        ({"errors": ["Invalid group_names"]}, ["Invalid group_names"], {}),
        (None, [], {}),
        ("not an object", [], {}),
    ],
)
def test_every_error_body_shape_gives_its_messages(body, messages, fields):
    assert error_details(body) == (messages, fields)


def test_a_401_says_the_credentials_or_the_plan_are_at_fault():
    error = error_for_status(401, {"error": "Authentication Error"}, "", "GET /groups")
    assert isinstance(error, AuthenticationError)
    assert "API key" in str(error)
    assert "plan has no API access" in str(error)


def test_a_422_carries_field_messages():
    error = error_for_status(422, {"errors": {"name": ["can't be blank"]}}, "", "POST /groups")
    assert isinstance(error, ValidationError)
    assert error.field_errors == {"name": ["can't be blank"]}
    assert "name can't be blank" in str(error)


def test_a_cloudflare_page_is_summed_up_by_its_title():
    page = "<html><head><title>api.thinkific.com | 522: Connection timed out</title></head></html>"
    error = error_for_status(522, None, page, "GET /groups")
    assert isinstance(error, ServerError)
    assert "Cloudflare" in str(error)
    assert "522: Connection timed out" in str(error)


@pytest.mark.parametrize(
    ("body", "items", "next_page"),
    [
        ({"items": [1, 2]}, [1, 2], None),  # no meta: a single page
        ({"items": [1], "meta": {}}, [1], None),
        ({"items": [1], "meta": {"pagination": {"next_page": None}}}, [1], None),
        ({"items": [1], "meta": {"pagination": {"next_page": 0}}}, [1], None),
        ({"items": [1], "meta": {"pagination": {"next_page": 2}}}, [1], 2),
        ({"items": [1], "meta": {"pagination": {"next_page": 2.0}}}, [1], 2),
    ],
)
def test_odd_page_envelopes_are_read(body, items, next_page):
    assert read_page(body, 1, "/groups") == (items, next_page)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"groups": []},
        {"items": {"id": 1}},
        {"items": [], "meta": {"pagination": {"next_page": 1}}},  # would loop for ever
        {"items": [], "meta": {"pagination": {"next_page": "two"}}},
    ],
)
def test_a_page_that_is_not_a_page_is_a_clear_error(body):
    with pytest.raises(MalformedResponse, match="page 1 of /groups"):
        read_page(body, 1, "/groups")


def test_a_group_is_read_bare_or_wrapped():
    bare = {"id": 7, "name": "Acme", "token": "c2395613", "created_at": "2019-01-01T01:01:00Z"}
    assert Group.parse(bare) == Group.parse({"group": bare})
    assert Group.parse(bare).created_at.year == 2019


@pytest.mark.parametrize(
    ("parse", "body", "complaint"),
    [
        (Group.parse, {"name": "Acme", "token": "x"}, "group without 'id'"),
        (Group.parse, {"id": "7", "name": "Acme"}, "group whose 'id'"),
        (Group.parse, {"id": 7, "name": "Acme", "created_at": "yesterday"}, "'created_at'"),
        (User.parse, {"id": 1}, "user without 'email'"),
        (User.parse, {"id": 1, "email": "a@b.c", "roles": "admin"}, "'roles'"),
        (Enrollment.parse, {"id": 1, "user_id": 2}, "enrollment without 'course_id'"),
        (Group.parse, None, "not a JSON object"),
    ],
)
def test_a_record_missing_what_we_need_is_a_clear_error(parse, body, complaint):
    with pytest.raises(MalformedResponse, match=complaint):
        parse(body)
