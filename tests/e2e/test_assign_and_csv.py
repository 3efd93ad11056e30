"""Assigning from the other side and in bulk, and members in and out as CSV, in Chromium:
a group from a team's page, one team to several ticked groups, a CSV import previewed before
anything is written, and the exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Assignment, Direction, Group, Membership, MemberSource, User
from tests.sync.helpers import members

pytestmark = pytest.mark.e2e


def row(page: Page, name: str):
    return page.locator("tbody.group", has=page.get_by_role("link", name=name, exact=True))


def fresh(group: Group) -> Group:
    db.session.expire_all()
    return db.session.get(Group, group.id)


def test_assign_a_group_from_the_teams_page(page, sign_in, make):
    acme, make_other = make.group("Acme"), make.group("Other")
    team = make.team("Globex Corp")
    sign_in()
    page.goto(f"/admin/teams/{team.id}")
    page.evaluate("window.__noReload = true")
    section = page.locator("#team-groups")
    expect(section).to_contain_text("No group is assigned to this team yet")
    section.get_by_text("Assign a group").click()
    form = section.get_by_role("form", name="Assign a group to Globex Corp")
    form.get_by_label("Group", exact=True).fill("No such group")
    form.get_by_role("button", name="Assign group").click()
    expect(section.get_by_text("There is no group named “No such group”")).to_be_visible()

    form.get_by_label("Group", exact=True).fill("Acme")
    form.get_by_role("radio", name="Dashboard-to-Thinkific").check()
    form.get_by_role("button", name="Assign group").click()
    assigned = section.locator(f"#team-group-{acme.id}")
    expect(assigned).to_contain_text("Dashboard-to-Thinkific")
    expect(section.get_by_role("heading", name=re.compile("Groups"))).to_contain_text("1")
    expect(
        page.get_by_role("status").filter(has_text="Assigned Globex Corp to Acme")
    ).to_be_visible()
    expect(form.get_by_label("Group", exact=True)).to_be_focused()  # ready for the next one
    expect(form.get_by_label("Group", exact=True)).to_have_value("")
    assert page.evaluate("window.__noReload") is True

    acme = fresh(acme)
    assert (acme.teams_count, acme.pending_changes) == (1, True)
    assert acme.assignments[0].direction == Direction.DASHBOARD_TO_THINKIFIC
    assert fresh(make_other).teams_count == 0
    page.goto("/admin/groups/")
    expect(row(page, "Acme")).to_contain_text("Active (pending sync)")


def test_assign_one_team_to_several_ticked_groups(page, sign_in, make):
    for name in ("Acme", "Initech", "Umbrella"):
        make.group(name)
    team = make.team("Globex Corp")
    make.assignment(db.session.scalar(select(Group).filter_by(name="Initech")), team)
    sign_in()
    page.evaluate("window.__noReload = true")
    row(page, "Acme").get_by_role("checkbox", name="Tick Acme").check()
    row(page, "Initech").get_by_role("checkbox", name="Tick Initech").check()
    page.get_by_text("Assign a team to several groups").click()
    bulk = page.get_by_role("form", name="Assign a team to the ticked groups")
    bulk.get_by_label("Team").fill("Globex Corp")
    bulk.get_by_label("Sync direction").select_option(label="Thinkific-to-Dashboard")
    bulk.get_by_role("button", name="Assign to ticked groups").click()

    expect(
        page.get_by_role("status").filter(has_text="Assigned Globex Corp to 1 group")
    ).to_contain_text("Already assigned before, left as they were: Initech")
    expect(row(page, "Acme").locator("td").nth(3)).to_have_text("1")
    expect(row(page, "Acme")).to_contain_text("Active (pending sync)")
    expect(row(page, "Acme").get_by_role("checkbox")).not_to_be_checked()
    expect(row(page, "Umbrella").locator("td").nth(3)).to_have_text("0")
    assert page.evaluate("window.__noReload") is True
    links = db.session.execute(select(Group.name, Assignment.direction).join(Assignment)).all()
    assert sorted(links) == [
        ("Acme", Direction.THINKIFIC_TO_DASHBOARD),
        ("Initech", Direction.BIDIRECTIONAL),
    ]

    bulk.get_by_role("button", name="Assign to ticked groups").click()  # nothing ticked now
    expect(page.get_by_role("alert")).to_contain_text("Tick the groups to assign the team to.")

    umbrella = row(page, "Umbrella")
    umbrella.get_by_role("checkbox", name="Tick Umbrella").check()
    umbrella.get_by_role("button", name="Quick Assign Team").click()
    umbrella.get_by_role("button", name="Cancel").click()  # the row is drawn again
    expect(umbrella.get_by_role("form")).to_have_count(0)
    expect(umbrella.get_by_role("checkbox", name="Tick Umbrella")).to_be_checked()


CSV_FILE = """email,first_name,last_name
ann@example.com,Ann,Able
bob@example.com,Bob,
not-an-email,,
ANN@example.com,Ann,Again
,No,Email
carol@example.com,Carol,Cole
"""


def test_import_members_from_a_csv_previews_then_adds(page, sign_in, make):
    group = make.group("Acme")
    make.member(group, make.user(email="bob@example.com"))
    make.user(email="carol@example.com")
    sign_in()
    page.goto(f"/admin/groups/{group.id}")
    page.get_by_role("button", name="Import from CSV").click()
    upload = page.get_by_role("form", name="Upload a CSV file")
    upload.get_by_role("button", name="Preview").click()
    expect(upload.get_by_text("Choose a CSV file to import.")).to_be_visible()

    upload.get_by_label("CSV file of emails").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": CSV_FILE.encode()}
    )
    upload.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-summary")).to_have_text(
        "2 of 6 rows would be added; 4 have errors and are left out."
    )
    outcomes = {
        2: "Will be added (new user)",
        3: "Already a member of Acme.",
        4: "“not-an-email” is not a valid email address.",
        5: "Listed twice: row 2 has the same email.",
        6: "No email in this row.",
        7: "Will be added",
    }
    for line, outcome in outcomes.items():
        expect(page.locator(f"#import-row-{line} td").nth(3)).to_have_text(outcome)
    assert members(fresh(group)) == {"bob@example.com"}  # nothing written by the preview
    assert db.session.scalar(select(User).filter_by(email="ann@example.com")) is None

    page.get_by_role("button", name="Add 2 members").click()
    expect(page).to_have_url(re.compile(rf"/admin/groups/{group.id}$"))
    expect(page.locator("#flashes")).to_contain_text(
        "Added 2 members to Acme from the CSV. 4 rows were left out, as the preview said."
    )
    group = fresh(group)
    assert members(group) == {"ann@example.com", "bob@example.com", "carol@example.com"}
    assert group.users_count == 3
    sources = db.session.execute(
        select(User.email, Membership.source)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id)
    ).all()
    assert dict(sources)["ann@example.com"] == MemberSource.CSV
    assert db.session.scalar(select(User.first_name).filter_by(email="ann@example.com")) == "Ann"


def read_download(download) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(download.path()).read_text())))


def test_export_groups_and_a_groups_members_as_csv(page, sign_in, make):
    acme = make.group("Acme")
    make.group("=cmd|' /C calc'!A0")  # a formula must arrive as text
    make.group("Globex")
    for email in ("bob@example.com", "ann@example.com"):
        make.member(acme, make.user(email=email))
    sign_in()
    page.get_by_role("searchbox", name="Search groups by name").fill("a")
    expect(page.locator("tbody.group")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "groups-filtered.csv"
    rows = read_download(download.value)
    assert rows[0] == ["name", "token", "thinkific_id", "teams", "users", "status"]
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "Acme"]
    assert rows[2][3:] == ["0", "2", "Not synced"]

    page.goto(f"/admin/groups/{acme.id}")
    with page.expect_download() as download:
        page.locator("#group-members").get_by_role("link", name="Export CSV").click()
    rows = read_download(download.value)
    assert rows[0] == ["email", "first_name", "last_name", "source", "added_utc"]
    assert [(r[0], r[3]) for r in rows[1:]] == [
        ("ann@example.com", "dashboard"),
        ("bob@example.com", "dashboard"),
    ]
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 2
