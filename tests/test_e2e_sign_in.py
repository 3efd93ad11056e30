import pytest
from playwright.sync_api import expect

from dashboard.models import Role

pytestmark = pytest.mark.e2e


def test_admin_signs_in_and_sees_groups(page, sign_in):
    account = sign_in()
    expect(page.get_by_text(account.email)).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Admin").get_by_role("link", name="Groups")
    ).to_be_visible()


def test_wrong_password_shows_inline_error(page, make):
    account = make.account()
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("do not match an active account")).to_be_visible()


def test_viewer_sees_viewer_badge(page, sign_in):
    sign_in(Role.VIEWER)
    expect(page.locator(".role")).to_have_text("viewer")
