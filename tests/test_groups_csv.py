"""A group's members from a CSV file, and groups and members out as CSV: what a bad file, a
viewer and a pull-only group get, and that nothing is written before the confirmation."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Direction, Group, Membership, Role, User
from tests.sync.helpers import database_rows


@pytest.fixture
def group(make) -> Group:
    return make.group("Acme")


def upload(client, group: Group, content: bytes, name: str = "people.csv"):
    data = {"file": (io.BytesIO(content), name)}
    return client.post(
        f"/admin/groups/{group.id}/members/import", data=data, content_type="multipart/form-data"
    )


def confirm(client, group: Group, text: str):
    return client.post(f"/admin/groups/{group.id}/members/import/confirm", data={"csv_text": text})


def test_a_preview_writes_nothing(client, auth, group):
    auth.login()
    before = database_rows()
    response = upload(client, group, b"ann@example.com\nbob@example.com\n")
    assert response.status_code == 200
    assert "2 of 2 rows</strong>" in response.text
    assert database_rows() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file has no rows"),
        ("émile@example.com".encode("latin-1"), "is not UTF-8 text"),
        (b"a@example.com\n" * 5_001, "import at most 5,000 at once"),
        (b"x" * 1_000_001, "larger than 1 MB"),
    ],
    ids=["empty", "latin-1", "too-many-rows", "too-big"],
)
def test_a_file_that_cannot_be_read_is_refused_clearly(client, auth, group, content, message):
    auth.login()
    before = database_rows()
    response = upload(client, group, content)
    assert response.status_code == 422
    assert message in response.text
    assert database_rows() == before


def test_confirm_checks_the_file_again(client, auth, make, group):
    auth.login()
    text = "email\nann@example.com\nbob@example.com\n"
    make.member(group, make.user(email="bob@example.com"))  # added since the preview
    response = confirm(client, group, text)
    assert response.status_code == 302
    db.session.expire_all()
    emails = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id)
    )
    assert sorted(emails) == ["ann@example.com", "bob@example.com"]
    assert db.session.get(Group, group.id).users_count == 2


def test_a_pull_only_group_refuses_an_import(client, auth, make, group):
    auth.login()
    make.assignment(group, direction=Direction.THINKIFIC_TO_DASHBOARD)
    before = database_rows()
    response = confirm(client, group, "ann@example.com\n")
    assert response.status_code == 422
    assert database_rows() == before
    assert "Thinkific is the source of truth" in client.get(f"/admin/groups/{group.id}").text


def test_a_viewer_can_export_but_not_import(client, auth, make, group):
    auth.login(Role.VIEWER)
    make.member(group, make.user(email="ann@example.com"))
    assert client.get(f"/admin/groups/{group.id}/members/import").status_code == 403
    assert confirm(client, group, "bob@example.com\n").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
    response = client.get(f"/admin/groups/{group.id}/members.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="group-{group.id}-members.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[0] for row in rows] == ["email", "ann@example.com"]
