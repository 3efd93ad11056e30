"""Security headers on every response: pages, fragments, refusals, static files, webhooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import create_app
from dashboard.config import PROJECT_ROOT
from dashboard.extensions import db
from tests.fixtures.app import HTMX


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("get", "/login", {}),
        ("get", "/admin/groups/", {}),  # a redirect to sign in
        ("get", "/admin/groups/", HTMX),  # a 401 for htmx
        ("get", "/no/such/page", {}),
        ("get", "/static/css/app.css", {}),
        ("get", "/healthz", {}),
        ("post", "/webhooks/thinkific", {}),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path, headers):
    response = getattr(client, method)(path, headers=headers)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # not in development


def test_signed_in_pages_and_fragments_carry_them_too(client, auth, make):
    make.group("Acme")
    auth.login()
    for headers in ({}, HTMX):
        response = client.get("/admin/groups/?q=acme", headers=headers)
        assert response.status_code == 200
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_production_adds_hsts(app_config):
    production = create_app({**app_config, "ENV_NAME": "production"})
    response = production.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    with production.app_context():
        db.engine.dispose()


def test_no_template_has_an_inline_script_or_handler():
    """The policy allows no inline script: none may creep back into templates/."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+=|hx-on|js:|javascript:|\[[^\]]*==")
    found = [
        f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
        for path in Path(PROJECT_ROOT, "templates").rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []
