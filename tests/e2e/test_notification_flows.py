"""Notifications in Chromium: an admin chooses what they hear about on the Account page, and
sets the chat webhook in Settings (a malformed URL is refused in the form, nothing saved)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_admin_chooses_which_notifications_come_by_email_and_chat(page, sign_in):
    sign_in()
    page.goto("/account")
    deleted_by_email = page.get_by_label("A group was deleted in Thinkific: by email")
    failures_in_chat = page.get_by_label("A sync failed or partly failed: in chat")
    expect(deleted_by_email).to_be_checked()  # every kind is on by default
    expect(failures_in_chat).to_be_checked()
    deleted_by_email.uncheck()
    failures_in_chat.uncheck()
    page.get_by_role("button", name="Save notifications").click()
    expect(page.get_by_text("Notification choices saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("A group was deleted in Thinkific: by email")).not_to_be_checked()
    expect(page.get_by_label("A sync failed or partly failed: in chat")).not_to_be_checked()
    expect(page.get_by_label("A sync failed or partly failed: by email")).to_be_checked()
    expect(page.get_by_label("A plan waits for approval: in chat")).to_be_checked()


def test_an_admin_sets_the_chat_webhook_and_a_malformed_url_is_refused(page, sign_in):
    sign_in()
    page.goto("/admin/settings/")
    url = page.get_by_label("Chat webhook URL")
    url.fill("http://hooks.example.com/services/T0/B0/abc")
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.locator("#webhook_url-error")).to_have_text(
        "Use https:// (plain http:// is allowed only for this machine)."
    )
    page.goto("/admin/settings/")
    expect(page.get_by_label("Chat webhook URL")).to_have_value("")  # nothing was saved

    page.get_by_label("Chat webhook URL").fill("https://hooks.example.com/services/T0/B0/abc")
    page.get_by_label("Tell about manual actions open for more than (days)").fill("3")
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Chat webhook URL")).to_have_value(
        "https://hooks.example.com/services/T0/B0/abc"
    )
    expect(page.get_by_label("Tell about manual actions open for more than (days)")).to_have_value(
        "3"
    )
    expect(page.locator("#settings-notifications")).to_contain_text("posted to the webhook below")


def test_the_notification_sections_fit_a_phone(page, sign_in):
    sign_in()
    page.set_viewport_size({"width": 390, "height": 800})
    for path, section in (
        ("/account", "#notifications"),
        ("/admin/settings/", "#settings-notifications"),
    ):
        page.goto(path)
        expect(page.locator(section)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
