"""Usable by everyone: every screen at a phone's 390 px without sideways scrolling, the Access
screen in the navigation and in an admin's words, and the keyboard alone (skip link, focus after
Quick Assign and a direction change, messages that close by themselves or stay)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Course, Direction
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import Site, sync

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator)


@pytest.fixture
def phone(browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def sign_in_on(page: Page, make) -> None:
    account = make.account()
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Groups")).to_be_visible()


def a_synced_world(make, emulator):
    """A group with a long name, members and a team, synced once so that a run has events."""
    site = Site(emulator.control)
    group = make.group("Northwind Traders · Regional sales representatives (EMEA)")
    team = make.team("Northwind Traders International")
    for n in range(3):
        email = f"a.very.long.learner.address.{n}@northwind-traders.example.com"
        make.member(group, make.user(email=email, thinkific_id=site.user(email)))
    make.assignment(group, team, Direction.DASHBOARD_TO_THINKIFIC)
    return group, team, sync()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_no_screen_scrolls_sideways_at_390_px(phone, make, emulator):
    group, team, run = a_synced_world(make, emulator)
    user = make.member(group, make.user(email="someone.with.a.long.address@northwind.example.com"))
    sign_in_on(phone, make)

    groups_row = phone.locator(f"#group-{group.id}")
    expect(groups_row.locator(".badge")).to_have_text("Active (pending sync)")
    expect(groups_row.locator(".badge")).to_be_in_viewport()
    quick_assign = groups_row.get_by_role("button", name="Quick Assign Team")
    expect(quick_assign).to_be_in_viewport()
    no_sideways_scroll(phone)
    quick_assign.click()
    form = groups_row.get_by_role("form", name=re.compile("^Assign a team to"))
    assign = form.get_by_role("button", name="Assign")
    assign.scroll_into_view_if_needed()
    expect(assign).to_be_in_viewport()
    no_sideways_scroll(phone)  # the form stacks

    screens = {
        f"/admin/groups/{group.id}": group.name,
        "/admin/teams/": "Teams",
        f"/admin/teams/{team.id}": team.name,
        "/admin/users/": "Users",
        f"/admin/users/{user.id}": user.email,
        "/admin/sync-runs/": "Sync history",
        f"/admin/sync-runs/{run.id}": f"Sync run #{run.id}",
        "/admin/access/": "Access",
        "/admin/settings/": "Settings",
    }
    for path, heading in screens.items():
        phone.goto(path)
        expect(phone.get_by_role("heading", level=1)).to_contain_text(heading)
        no_sideways_scroll(phone)


def test_access_is_in_the_navigation_and_speaks_an_admins_words(page, sign_in, make, emulator):
    emulator.control.seed(courses=[{"name": "Workplace safety"}])
    _, team, _ = a_synced_world(make, emulator)  # the sync brings the school's courses in
    team.courses.append(db.session.scalar(select(Course)))
    db.session.commit()
    sign_in()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Access").click()
    expect(page.get_by_role("heading", name="Access", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Access")).to_have_attribute("aria-current", "page")
    page.get_by_role("button", name="Preview access changes").click()
    summary = page.locator("#access-preview-summary")
    expect(summary).to_contain_text(re.compile(r"checked in Thinkific one (user|course) at a time"))
    expect(summary).to_contain_text(re.compile(r"at least \d+ requests? to Thinkific"))
    expect(summary).not_to_contain_text("≥")
    expect(summary).not_to_contain_text("calls")


def tab_until(page: Page, locator, limit: int = 40) -> int:
    """Press Tab until `locator` has focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
    pytest.fail(f"{locator} never got focus in {limit} Tabs")


def test_keyboard_only_quick_assign_and_direction_change(page, sign_in, make):
    for n in range(12):
        make.group(f"Filler {n:02}")
    group = make.group("Acme")
    make.team("Globex Corp")
    sign_in()
    page.goto("/admin/groups/?q=acme")
    acme = page.locator(f"#group-{group.id}")
    quick_assign = acme.get_by_role("button", name="Quick Assign Team")
    without_skipping = tab_until(page, quick_assign)
    page.reload()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # the skip link passes the top bar and the sidebar's links
    assert tab_until(page, quick_assign) <= without_skipping - 8
    page.keyboard.press("Enter")
    team = acme.get_by_label("Team", exact=True)
    expect(team).to_be_focused()
    page.keyboard.type("Globex Corp")
    tab_until(page, acme.get_by_role("button", name="Assign"))
    page.keyboard.press("Enter")

    expect(acme.get_by_role("form")).to_have_count(0)
    expect(acme.get_by_role("link", name="Acme")).to_be_focused()  # the changed row
    message = page.get_by_role("status").filter(has_text="Assigned Globex Corp to Acme")
    expect(message).to_be_visible()
    table = page.locator("#groups-table")
    assert not overlaps(message.bounding_box(), table.bounding_box())
    expect(message).to_be_hidden(timeout=15_000)  # a success message closes by itself

    page.goto(f"/admin/groups/{group.id}")
    direction = page.get_by_label("Sync direction for Globex Corp")
    tab_until(page, direction)
    expect(direction).to_have_value("bidirectional")
    page.keyboard.press("ArrowDown")  # the next direction in the list
    expect(page.get_by_role("status").filter(has_text="now syncs")).to_be_visible()
    direction = page.get_by_label("Sync direction for Globex Corp")
    expect(direction).to_be_focused()  # the same control, in the new section
    expect(direction).to_have_value("dashboard_to_thinkific")


def test_an_error_stays_until_dismissed_while_a_success_closes(page, sign_in, make):
    group = make.group("Acme")
    link = make.assignment(group, make.team("Globex Corp"), Direction.BIDIRECTIONAL)
    sign_in()
    page.goto(f"/admin/groups/{group.id}")
    form = page.get_by_role("form", name="Add a member")
    expect(form).to_be_visible()
    service.change_direction(link, Direction.THINKIFIC_TO_DASHBOARD)  # meanwhile, elsewhere
    db.session.commit()
    form.get_by_label("Email").fill("ann@example.com")
    form.get_by_role("button", name="Add member").click()
    error = page.get_by_role("alert").filter(has_text="Thinkific is the source of truth")
    expect(error).to_be_visible()

    service.change_direction(link, Direction.BIDIRECTIONAL)
    db.session.commit()
    form.get_by_role("button", name="Add member").click()
    success = page.get_by_role("status").filter(has_text="Added ann@example.com to Acme")
    expect(success).to_be_visible()
    expect(success).to_be_hidden(timeout=15_000)
    expect(error).to_be_visible()  # still there once the success message has gone

    close = error.get_by_role("button", name="Dismiss")
    tab_until(page, close, limit=80)
    page.keyboard.press("Enter")
    expect(error).to_have_count(0)


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )
