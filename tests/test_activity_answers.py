"""An admin's answer to a paused plan (a group's removals, or access endings) is recorded once,
with how many changes it answered; a second answer to nothing records nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Activity
from tests.access.test_access_pages import paused as access_paused
from tests.fixtures.app import HTMX
from tests.fixtures.thinkific import against_emulator
from tests.test_activity import mark, only, since
from tests.test_sync_ui_group import EMAILS
from tests.test_sync_ui_group import paused as group_paused


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator, SYNC_HEARTBEAT_SECONDS=3)


@pytest.mark.parametrize(
    ("answer", "kind"), [("approve", "plan_approved"), ("reject", "plan_rejected")]
)
def test_a_paused_plans_answer_is_recorded(client, auth, site, make, answer, kind):
    group = group_paused(site, make)
    account = auth.login()
    start = mark()
    response = client.post(f"/admin/groups/{group.id}/sync/{answer}", headers=HTMX)
    assert response.status_code == 200
    record = only(start)
    assert (record.kind, record.object_type, record.object_id, record.actor_email) == (
        kind,
        "group",
        group.id,
        account.email,
    )
    assert record.after["removals"] == 15
    assert record.after["members"] == sorted(EMAILS[:15])


@pytest.mark.parametrize(
    ("answer", "kind"), [("approve", "access_approved"), ("reject", "access_rejected")]
)
def test_an_answer_to_access_endings_is_recorded(client, auth, site, make, emulator, answer, kind):
    access_paused(site, make, emulator)
    auth.login()
    start = mark()
    assert client.post(f"/admin/access/{answer}", headers=HTMX).status_code == 200
    record = only(start)
    assert (record.kind, record.after) == (kind, {"endings": 12, "users": 12})
    again = mark()
    client.post(f"/admin/access/{answer}", headers=HTMX)  # nothing waits any more
    assert since(again) == []


def test_an_answer_that_cannot_be_queued_records_nothing(client, auth, site, make, redis_outage):
    group = group_paused(site, make)
    auth.login()
    start = mark()
    with redis_outage():
        response = client.post(f"/admin/groups/{group.id}/sync/approve", headers=HTMX)
    assert response.status_code == 503
    assert db.session.scalar(select(func.count()).where(Activity.id > start)) == 0
