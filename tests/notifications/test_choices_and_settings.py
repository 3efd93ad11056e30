"""Choosing notifications (Account page), the chat webhook and threshold (Settings), and the
settings the environment gives (SMTP_URL, MAIL_FROM, BASE_URL): bad input is refused clearly
and changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dashboard.config import ConfigError, settings_from_env, smtp_server
from dashboard.extensions import db
from dashboard.models import NotificationPreference, NotificationSettings, Role
from dashboard.notifications import preferences
from dashboard.notifications.kinds import Kind


def checkbox(page: str, channel: str, kind: Kind) -> str:
    """The Account page's checkbox for `kind` by `channel` ("email" or "chat"), whole."""
    pattern = rf'<input type="checkbox"\s+name="{channel}"\s+value="{kind.value}"[^>]*>'
    return re.search(pattern, page)[0]


def test_a_new_admin_hears_about_every_kind_by_email_and_chat(client, admin):
    page = client.get("/account").text
    for kind in Kind:
        for name, channel in (("email", "by email"), ("chat", "in chat")):
            box = checkbox(page, name, kind)
            assert f'aria-label="{kind.label}: {channel}"' in box
            assert box.endswith(" checked>")
    assert preferences.recipients(Kind.PLAN_WAITING) == ([admin.email], True)


def test_an_admin_saves_which_kinds_by_which_channel(client, admin):
    response = client.post(
        "/account/notifications",
        data={"email": ["plan_waiting", "run_failed"], "chat": ["credentials_rejected"]},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Notification choices saved." in page
    assert checkbox(page, "email", Kind.PLAN_WAITING).endswith(" checked>")
    assert not checkbox(page, "email", Kind.GROUP_DELETED).endswith(" checked>")
    assert checkbox(page, "chat", Kind.CREDENTIALS_REJECTED).endswith(" checked>")
    assert preferences.recipients(Kind.GROUP_DELETED) == ([], False)
    assert preferences.recipients(Kind.RUN_FAILED) == ([admin.email], False)
    assert preferences.recipients(Kind.CREDENTIALS_REJECTED) == ([], True)


def test_an_unknown_kind_is_refused_and_nothing_is_saved(client, admin):
    response = client.post("/account/notifications", data={"email": ["plan_waiting", "gossip"]})
    assert response.status_code == 422
    assert "Unknown kind of notification: gossip. Nothing was saved." in response.text
    assert db.session.scalars(select(NotificationPreference)).all() == []


def test_viewers_cannot_choose_and_are_never_sent_anything(client, auth, make):
    viewer = auth.login(Role.VIEWER)
    assert "Notifications go to admins" in client.get("/account").text
    assert client.post("/account/notifications", data={"email": []}).status_code == 403
    assert viewer.email not in preferences.recipients(Kind.PLAN_WAITING)[0]


def test_settings_saves_a_webhook_url_and_the_manual_action_threshold(client, admin, chat_endpoint):
    data = {"webhook_url": chat_endpoint.url, "manual_action_days": "3"}
    response = client.post("/admin/settings/notifications", data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Notification settings saved." in page
    assert f'value="{chat_endpoint.url}"' in page
    row = db.session.get(NotificationSettings, 1)
    assert (row.webhook_url, row.manual_action_days) == (chat_endpoint.url, 3)
    assert row.base_url == "http://localhost"  # where the admin saved it from


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("hooks.slack.com/services/T0/B0/x", "starting with https://"),
        ("ftp://hooks.example.com/x", "starting with https://"),
        ("https://hooks.example.com/a b", "starting with https://"),
        ("http://hooks.example.com/services/x", "plain http:// is allowed only for this machine"),
        ("https://hooks.example.com:port/x", "That is not a URL"),
        ("https://hooks.example.com/" + "x" * 500, "longer than 500 characters"),
    ],
)
def test_a_malformed_webhook_url_is_refused_and_nothing_is_saved(client, admin, url, message):
    data = {"webhook_url": url, "manual_action_days": "3"}
    response = client.post("/admin/settings/notifications", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.get(NotificationSettings, 1) is None


def test_a_threshold_out_of_range_is_refused(client, admin):
    data = {"webhook_url": "", "manual_action_days": "0"}
    response = client.post("/admin/settings/notifications", data=data)
    assert response.status_code == 422
    assert "Enter a number of days from 1 to 365." in response.text
    assert db.session.get(NotificationSettings, 1) is None


def test_settings_show_the_mail_server_without_its_password(client, admin, app):
    app.config["SMTP_URL"] = "smtp+starttls://mailer%40example.com:s3cret@mail.example.com"
    page = client.get("/admin/settings/").text
    assert "mail.example.com:587 (STARTTLS), as mailer@example.com" in page
    assert "s3cret" not in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, "none", None, None)),
        (
            "smtp+starttls://u:p%40ss@mail.example.com",
            ("mail.example.com", 587, "starttls", "u", "p@ss"),
        ),
        ("smtps://u:p@mail.example.com", ("mail.example.com", 465, "tls", "u", "p")),
    ],
)
def test_smtp_urls_say_how_the_connection_is_secured(url, expected):
    server = smtp_server(url)
    assert (server.host, server.port, server.security, server.username, server.password) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMTP_URL": "mail.example.com:587"}, "SMTP_URL must start with one of smtp://"),
        ({"SMTP_URL": "http://mail.example.com"}, "SMTP_URL must start with one of smtp://"),
        ({"SMTP_URL": "smtp://u:secret@mail.example.com:58x7"}, "port that is not a number"),
        ({"SMTP_URL": "smtp://"}, "must be like smtp+starttls://user:password@host:587"),
        ({"MAIL_FROM": "the dashboard"}, "MAIL_FROM must be an email address"),
        ({"BASE_URL": "dashboard.example.com"}, "BASE_URL must be like https://"),
    ],
)
def test_malformed_mail_settings_stop_the_app_at_start_up(env, message):
    with pytest.raises(ConfigError, match=message.replace("+", r"\+")) as refused:
        settings_from_env(env)
    assert "secret" not in str(refused.value)


def test_mail_settings_from_the_environment():
    settings = settings_from_env(
        {"SMTP_URL": "smtps://mail.example.com", "BASE_URL": "https://dash.example.com/"}
    )
    assert settings["SMTP_URL"] == "smtps://mail.example.com"
    assert settings["BASE_URL"] == "https://dash.example.com"
    assert settings["MAIL_FROM"] == "B2B Dashboard <dashboard@localhost>"
    assert settings["NOTIFY_DIGEST_SECONDS"] == 15 * 60
