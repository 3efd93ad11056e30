"""Sign-in sessions live on the server: signing out, a new password, another role or a
deactivation ends them, on every web process (two app instances sharing the DB and Redis)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dashboard import create_app
from dashboard.extensions import db
from dashboard.models import AccountSession, Activity, Role, Team, utcnow
from tests.fixtures.app import PASSWORD


@pytest.fixture
def web(app_config):
    """Two web processes: app instances of their own (each request in its own app context, as
    in production) on the same database and Redis as the test's `app`."""
    apps = create_app(app_config), create_app(app_config)
    yield apps
    for web_app in apps:
        with web_app.app_context():
            db.engine.dispose()


def signed_in_client(app, account):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": account.email, "password": PASSWORD},
        headers={"User-Agent": "Firefox/140 test"},
    )
    assert response.status_code == 302
    return client


def replay(app, client):
    """A fresh browser on `app` that sends the cookie `client` had saved."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_cookie_replayed_after_sign_out_gets_the_sign_in_page_and_changes_nothing(web, make):
    account = make.account()
    browser = signed_in_client(web[0], account)
    thief = replay(web[1], browser)
    assert thief.get("/admin/groups/").status_code == 200
    browser.post("/logout")
    assert browser.get("/admin/groups/").status_code == 302

    assert thief.get("/admin/groups/").headers["Location"].startswith("/login")
    response = thief.post("/admin/teams/", data={"name": "Stolen"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(db.select(Team).filter_by(name="Stolen")) is None


def test_sign_out_everywhere_else_keeps_this_browser_only(web, make):
    account = make.account(Role.VIEWER)
    here = signed_in_client(web[0], account)
    elsewhere = signed_in_client(web[1], account)

    page = here.get("/account")
    assert page.text.count("Firefox/140 test") == 2
    assert "this browser" in page.text
    response = here.post("/account/sign-out-others", follow_redirects=True)
    assert "1 other session" in response.text

    assert here.get("/admin/groups/").status_code == 200
    assert elsewhere.get("/admin/groups/").status_code == 302
    assert recorded(account) == [("signed_out_elsewhere", {"sessions_ended": 1})]


def recorded(account) -> list[tuple[str, dict | None]]:
    """The account's own activity records, sign-ins left out."""
    rows = db.session.scalars(
        db.select(Activity)
        .filter_by(object_type="account", object_id=account.id)
        .where(Activity.kind != "sign_in")
        .order_by(Activity.id)
    )
    return [(row.kind, row.after) for row in rows]


def test_a_new_password_from_the_cli_ends_every_session(app, web, make):
    account = make.account()
    browsers = [signed_in_client(web[0], account), signed_in_client(web[1], account)]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", account.email, "--password", "a new password"])
    assert result.exit_code == 0, result.output
    assert [b.get("/admin/groups/").status_code for b in browsers] == [302, 302]


def test_setting_the_same_password_again_keeps_sessions(app, web, make):
    """`ensure-admin` runs at each release with the same password: nobody is signed out."""
    account = make.account()
    browser = signed_in_client(web[0], account)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", account.email, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert browser.get("/admin/groups/").status_code == 200


@pytest.mark.parametrize("change", ["role", "deactivate"])
def test_a_role_change_or_deactivation_ends_every_session(web, make, change):
    account = make.account()
    browser = signed_in_client(web[1], account)
    if change == "role":
        account.role = Role.VIEWER
    else:
        account.active = False
    db.session.commit()
    assert browser.get("/admin/groups/").status_code == 302
    assert db.session.scalar(db.select(db.func.count(AccountSession.id))) == 0


def test_an_idle_session_expires(app_config, make):
    web = create_app({**app_config, "SESSION_IDLE_HOURS": 2})
    browser = signed_in_client(web, make.account())
    row = db.session.scalar(db.select(AccountSession))
    row.last_seen_at = utcnow() - timedelta(hours=2, minutes=1)
    db.session.commit()
    assert browser.get("/admin/groups/").status_code == 302
    assert db.session.scalar(db.select(AccountSession)) is None


def test_a_busy_session_still_ends_after_its_absolute_lifetime(web, make):
    account = make.account()
    browser = signed_in_client(web[0], account)
    row = db.session.scalar(db.select(AccountSession))
    row.created_at = utcnow() - timedelta(days=7, minutes=1)
    row.last_seen_at = utcnow()
    db.session.commit()
    assert browser.get("/admin/groups/").status_code == 302


def test_the_account_page_lists_only_this_accounts_live_sessions(web, make):
    mine, theirs = make.account(), make.account()
    browser = signed_in_client(web[0], mine)
    signed_in_client(web[1], theirs)
    page = browser.get("/account")
    assert page.status_code == 200
    sessions = page.text.split('id="account-sessions"')[1].split("</table>")[0]
    assert sessions.count("<tr>") == 2  # the header row and this browser's
    assert mine.email in page.text
    assert theirs.email not in page.text


def test_changing_the_password_on_the_account_page_ends_the_other_sessions(web, make):
    account = make.account(Role.VIEWER)
    here, elsewhere = signed_in_client(web[0], account), signed_in_client(web[1], account)
    response = here.post(
        "/account/password",
        data={"current": PASSWORD, "new": "a brand new secret", "confirm": "a brand new secret"},
        follow_redirects=True,
    )
    assert "Password changed. You are signed out everywhere else." in response.text
    assert here.get("/admin/groups/").status_code == 200
    assert elsewhere.get("/admin/groups/").status_code == 302
    db.session.refresh(account)
    assert account.check_password("a brand new secret")
    assert recorded(account) == [("password_changed", None)]


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password", "a brand new secret", "a brand new secret", "not your current password"),
        (PASSWORD, "short", "short", "must have at least 8 characters"),
        (PASSWORD, "a brand new secret", "another secret!", "The two new passwords differ."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    web, make, current, new, confirm, message
):
    account = make.account()
    here, elsewhere = signed_in_client(web[0], account), signed_in_client(web[1], account)
    response = here.post(
        "/account/password", data={"current": current, "new": new, "confirm": confirm}
    )
    assert response.status_code == 422
    assert message in response.text
    assert elsewhere.get("/admin/groups/").status_code == 200
    db.session.refresh(account)
    assert account.check_password(PASSWORD)
    assert recorded(account) == []
