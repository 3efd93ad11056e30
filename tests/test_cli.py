"""The flask commands an operator types: create-admin, ensure-admin, seed-demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.config import settings_from_env
from dashboard.demo import demo_data
from dashboard.extensions import db
from dashboard.models import Account, Assignment, Course, Group, Membership, Role, Team, User


@pytest.fixture
def run(app):
    """Invoke a flask command the way `flask --app wsgi ...` would, with optional input."""
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):
        result = runner.invoke(args=list(args), input=input)
        db.session.remove()  # the command committed in its own session; read afresh
        return result

    return invoke


def accounts() -> list[Account]:
    return list(db.session.scalars(select(Account).order_by(Account.email)))


# --- create-admin -----------------------------------------------------------------------------


def test_create_admin_asks_for_the_password_twice(run):
    result = run("create-admin", "Boss@Example.com", input="s3cret-pass\ns3cret-pass\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output
    assert "Created admin account boss@example.com." in result.output
    [account] = accounts()
    assert account.role == Role.ADMIN
    assert account.check_password("s3cret-pass")


def test_create_admin_viewer(run):
    result = run("create-admin", "look@example.com", "--viewer", input="s3cret-pass\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Created viewer account" in result.output
    assert accounts()[0].role == Role.VIEWER


def test_create_admin_resets_an_existing_account(run, make):
    make.account(role=Role.VIEWER, email="old@example.com")
    result = run("create-admin", "old@example.com", input="another-pass\n" * 2)
    assert "Updated admin account old@example.com." in result.output
    [account] = accounts()
    assert account.role == Role.ADMIN
    assert account.check_password("another-pass")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", "s3cret-pass", "is not a valid email address"),
        ("ok@example.com", "short", "at least 8 characters"),
    ],
)
def test_create_admin_refuses_bad_input_and_writes_nothing(run, email, password, message):
    result = run("create-admin", email, input=f"{password}\n{password}\n")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert accounts() == []


def test_create_admin_with_passwords_that_differ_writes_nothing(run):
    result = run("create-admin", "ok@example.com", input="s3cret-pass\nother-pass\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert accounts() == []


def test_create_admin_needs_an_email(run):
    result = run("create-admin", input="s3cret-pass\n" * 2)
    assert result.exit_code == 2
    assert "Missing argument 'EMAIL'" in result.output


# --- ensure-admin -----------------------------------------------------------------------------


@pytest.fixture
def run_with_admin_env(app, run):
    """ensure-admin with ADMIN_EMAIL / ADMIN_PASSWORD set as the environment would set them."""

    def invoke(email: str | None, password: str | None):
        environ = {"ADMIN_EMAIL": email or "", "ADMIN_PASSWORD": password or ""}
        settings = settings_from_env(environ)
        app.config.update({key: settings[key] for key in environ})
        return run("ensure-admin")

    return invoke


def test_ensure_admin_creates_then_updates_the_admin(run_with_admin_env):
    first = run_with_admin_env("ops@example.com", "first-password")
    assert first.exit_code == 0
    assert "Created admin account ops@example.com." in first.output
    second = run_with_admin_env("ops@example.com", "second-password")
    assert "Updated admin account ops@example.com." in second.output
    [account] = accounts()
    assert account.check_password("second-password")
    assert account.role == Role.ADMIN


def test_ensure_admin_without_the_variables_does_nothing(run_with_admin_env):
    result = run_with_admin_env(None, None)
    assert result.exit_code == 0
    assert "no admin to ensure" in result.output
    assert run_with_admin_env("ops@example.com", None).exit_code == 0
    assert accounts() == []


def test_ensure_admin_with_a_short_password_fails_clearly(run_with_admin_env):
    result = run_with_admin_env("ops@example.com", "short")
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    assert accounts() == []


# --- seed-demo --------------------------------------------------------------------------------


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_fills_an_empty_database(run):
    data = demo_data()
    result = run("seed-demo")
    assert result.exit_code == 0, result.output
    groups = data.dashboard_groups()
    members = {email for group in groups for email in group.local_members}
    assert count(Team) == len(data.teams)
    assert count(Course) == len(data.courses)
    assert count(Group) == len(groups)
    assert count(User) == len(members)
    assert count(Membership) == sum(len(group.local_members) for group in groups)
    assert count(Assignment) == sum(len(group.links) for group in groups)
    assert f"{len(data.teams)} teams, {len(groups)} groups, {len(members)} users" in result.output


def test_seed_demo_keeps_thinkific_identities(run):
    run("seed-demo")
    data = demo_data()
    linked = next(g for g in data.dashboard_groups() if g.thinkific_id)
    group = db.session.scalar(select(Group).filter_by(name=linked.name))
    assert (group.thinkific_id, group.token) == (linked.thinkific_id, linked.token)
    new = next(g for g in data.dashboard_groups() if not g.thinkific_id)
    assert db.session.scalar(select(Group).filter_by(name=new.name)).token == ""


def test_seed_demo_stored_counts_match_the_rows(run):
    run("seed-demo")
    for group in db.session.scalars(select(Group)):
        members = select(func.count()).where(Membership.group_id == group.id)
        links = select(func.count()).where(Assignment.group_id == group.id)
        assert group.users_count == db.session.scalar(members), group.name
        assert group.teams_count == db.session.scalar(links), group.name
    for team in db.session.scalars(select(Team)):
        links = select(func.count()).where(Assignment.team_id == team.id)
        assert team.groups_count == db.session.scalar(links), team.name


def test_seed_demo_twice_changes_nothing(run):
    run("seed-demo")
    before = [count(model) for model in (Team, Group, User, Membership, Assignment, Course)]
    again = run("seed-demo")
    assert again.exit_code == 0
    assert "already in place; nothing changed" in again.output
    assert [count(model) for model in (Team, Group, User, Membership, Assignment, Course)] == before


def test_seed_demo_restores_a_deleted_demo_group_only(run):
    run("seed-demo")
    group = db.session.scalar(select(Group).filter_by(name="Contoso · Locum Staff"))
    db.session.delete(group)
    db.session.commit()
    result = run("seed-demo")
    assert result.output.strip() == "Seeded the demo: 1 group, 7 memberships."


def test_seed_demo_refuses_a_database_with_other_data(run, make):
    make.group("Our real group")
    make.user("someone@customer.example.com")
    result = run("seed-demo")
    assert result.exit_code == 1
    assert "not the demo's (1 group, 1 user)" in result.output
    assert "--force" in result.output
    assert "Traceback" not in result.output
    assert (count(Group), count(Team), count(User)) == (1, 0, 1)


def test_seed_demo_force_adds_the_demo_next_to_other_data(run, make):
    make.group("Our real group")
    result = run("seed-demo", "--force")
    assert result.exit_code == 0, result.output
    assert count(Group) == len(demo_data().dashboard_groups()) + 1
