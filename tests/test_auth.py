import pytest

from dashboard import create_app
from dashboard.models import Role
from tests.fixtures.app import HTMX, PASSWORD


def test_admin_pages_require_sign_in(client):
    response = client.get("/admin/groups/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_htmx_request_without_session_is_sent_to_sign_in(client):
    response = client.get("/admin/groups/", headers=HTMX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_sign_in_goes_to_next_page(client, make):
    account = make.account()
    response = client.post(
        "/login?next=/admin/groups/?q=acme", data={"email": account.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/groups/?q=acme"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_sign_in_never_follows_next_off_site(client, make, target):
    account = make.account()
    response = client.post(
        f"/login?next={target}", data={"email": account.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/admin/groups/"


def test_wrong_password_is_refused_inline(client, make):
    account = make.account()
    response = client.post("/login", data={"email": account.email, "password": "nope"})
    assert response.status_code == 422
    assert "do not match an active account" in response.text
    assert client.get("/admin/groups/").status_code == 302


def test_email_is_matched_case_insensitively(client, make):
    make.account(email="boss@example.com")
    response = client.post("/login", data={"email": " Boss@Example.COM ", "password": PASSWORD})
    assert response.status_code == 302


def test_inactive_account_cannot_sign_in(client, make, app):
    account = make.account()
    account.active = False
    from dashboard.extensions import db

    db.session.commit()
    response = client.post("/login", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 422


def test_sign_out(client, auth):
    auth.login()
    assert client.get("/admin/groups/").status_code == 200
    auth.logout()
    assert client.get("/admin/groups/").status_code == 302


@pytest.fixture
def probe(app):
    """A mutating route that knows nothing of roles: the app-wide rule must guard it."""
    app.add_url_rule("/admin/probe", "probe", lambda: "changed", methods=["GET", "POST"])


@pytest.mark.usefixtures("probe")
def test_viewer_may_look_but_gets_403_on_any_change(client, auth):
    auth.login(Role.VIEWER)
    assert client.get("/admin/probe").status_code == 200
    assert client.post("/admin/probe").status_code == 403


@pytest.mark.usefixtures("probe")
def test_admin_may_change(client, auth):
    auth.login(Role.ADMIN)
    assert client.post("/admin/probe").text == "changed"


@pytest.mark.usefixtures("probe")
def test_viewer_403_over_htmx_is_a_flash_without_swap(client, auth):
    auth.login(Role.VIEWER)
    response = client.post("/admin/probe", headers=HTMX)
    assert response.status_code == 403
    assert response.headers["HX-Reswap"] == "none"
    assert "viewers can look but not change" in response.text
    assert 'hx-target="#flashes"' in response.text


def test_post_without_csrf_token_is_refused(app_config, make):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    account = make.account()
    response = app.test_client().post("/login", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 400
