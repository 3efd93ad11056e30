"""Every list's search finds any part of the text, ignoring case, through an index on both
databases (a trigram GIN index on PostgreSQL, an FTS5 trigram table on SQLite)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert, select, text

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import (
    Activity,
    EventOutcome,
    Group,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncRun,
    Team,
    User,
    utcnow,
)
from dashboard.search import ACTIVITIES, EVENTS, GROUPS, TEAMS, USERS, matches
from tests.fixtures.app import HTMX
from tests.forms import DASH


def found(searched, q: str) -> list[int]:
    key = text(f"{searched.table}.id")
    query = select(key).select_from(text(searched.table)).where(matches(searched, q))
    return sorted(db.session.scalars(query.order_by(key)))


@pytest.fixture
def groups(make) -> dict[str, int]:
    names = ("Kestrel Sales", "kestrel support", "Ünïcode Team 🚀", "100% Done", "Other_7")
    return {name: make.group(name).id for name in names}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kestrel", ["Kestrel Sales", "kestrel support"]),
        ("KESTREL S", ["Kestrel Sales", "kestrel support"]),
        ("rel sal", ["Kestrel Sales"]),
        ("ünï", ["Ünïcode Team 🚀"]),
        ("ÜNÏ", ["Ünïcode Team 🚀"]),
        ("🚀", ["Ünïcode Team 🚀"]),  # one character: still anywhere in the name
        ("0%", ["100% Done"]),  # "%" and "_" are characters, not wildcards
        ("r_7", ["Other_7"]),
        ("_", ["Other_7"]),
        ("e", ["Kestrel Sales", "kestrel support", "Ünïcode Team 🚀", "100% Done", "Other_7"]),
        ("zzz", []),
    ],
)
def test_groups_search_finds_any_part_ignoring_case(client, admin, groups, q, expected):
    html = client.get("/admin/groups/", query_string={"q": q}, headers=HTMX).text
    shown = [name for name in groups if f">{name}<" in html]
    assert sorted(shown) == sorted(expected)


def test_teams_users_and_choices_search_the_same_way(client, admin, make):
    make.team("Acme Corp")
    make.team("Globex")
    make.user("ann.lee@acme.com", first_name="Ann", last_name="Lee")
    make.user("bob@globex.org", first_name="Bob", last_name="Ström")
    teams = client.get("/admin/teams/", query_string={"q": "ACME"}, headers=HTMX).text
    assert "Acme Corp" in teams
    assert "Globex" not in teams
    users = client.get("/admin/users/", query_string={"q": "STRÖM"}, headers=HTMX).text
    assert "bob@globex.org" in users
    assert "ann.lee@acme.com" not in users
    users = client.get("/admin/users/", query_string={"q": "bo"}, headers=HTMX).text
    assert "bob@globex.org" in users
    assert "ann.lee@acme.com" not in users
    assert found(TEAMS, "lob") == [
        db.session.scalar(
            select(text("id")).select_from(text("teams")).where(text("name = 'Globex'"))
        )
    ]


def test_search_follows_renames_and_deletions(make):
    group = make.group("Falcon")
    assert found(GROUPS, "falcon") == [group.id]
    service.rename_group(group, "Osprey")
    db.session.commit()
    assert found(GROUPS, "falcon") == []
    assert found(GROUPS, "osprey") == [group.id]
    service.delete_group(group)
    db.session.commit()
    assert found(GROUPS, "osprey") == []
    assert found(ACTIVITIES, "osprey") != []  # the trail keeps its records of it


def make_run(events: list[dict]) -> SyncRun:
    run = SyncRun(trigger=RunTrigger.MANUAL, state=RunState.SUCCEEDED)
    db.session.add(run)
    db.session.flush()
    for values in events:
        db.session.add(SyncEvent(run_id=run.id, outcome=EventOutcome.APPLIED, **values))
    db.session.commit()
    return run


def test_a_runs_events_search_email_reason_error_and_group(client, admin, make):
    hawk = make.group("Hawk Team")
    run = make_run(
        [
            {
                "group_id": hawk.id,
                "email": "ann@example.com",
                "action": "add_remote",
                "reason": "added in the dashboard",
            },
            {
                "group_id": None,
                "email": "bob@example.com",
                "action": "add_local",
                "reason": "added in Thinkific",
                "error": "Thinkific failed (503)",
            },
        ]
    )

    def emails(q: str) -> list[str]:
        html = client.get(f"/admin/sync-runs/{run.id}", query_string={"q": q}, headers=HTMX).text
        return [e for e in ("ann@example.com", "bob@example.com") if e in html]

    assert emails("ANN@") == ["ann@example.com"]
    assert emails("thinkific") == ["bob@example.com"]  # the reason
    assert emails("503") == ["bob@example.com"]  # the error
    assert emails("hawk") == ["ann@example.com"]  # the group's name
    assert emails("B") == ["bob@example.com"]  # one or two characters: the email's start
    assert emails("hA") == ["ann@example.com"]  # or the group name's
    assert emails("5") == []  # not the error's "503"
    assert emails("zzzz") == []
    db.session.delete(db.session.get(SyncRun, run.id))  # its events go, and their index rows
    db.session.commit()
    assert found(EVENTS, "thinkific") == []


def test_the_activity_search(client, admin, make):
    make.group("Condor Crew")
    make.team("Vulture Team")
    html = client.get("/admin/activity/", query_string={"q": "CONDOR"}, headers=HTMX).text
    assert "Condor Crew" in html
    assert "Vulture Team" not in html


# --- the plans: an index, never a scan of the table ---------------------------------------------


@contextmanager
def captured():
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plan(statement: str, parameters) -> str:
    """The plan of a statement as the app sent it."""
    prefix = "EXPLAIN " if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).fetchall()
    return "\n".join(" ".join(str(part) for part in row) for row in rows)


CROWD = 3000


@pytest.fixture
def crowd(app):
    """Enough rows (and fresh statistics) that a scan costs more than the index."""
    now = utcnow()
    rows = range(1, CROWD + 1)
    db.session.execute(insert(Group), [{"name": f"G {n}", "name_key": f"g {n}"} for n in rows])
    db.session.execute(insert(Team), [{"name": f"T {n}", "name_key": f"t {n}"} for n in rows])
    db.session.execute(insert(User), [{"email": f"u{n}@example.com"} for n in rows])
    db.session.execute(
        insert(Activity),
        [{"at": now, "kind": "group_created", "object_name": f"G {n}"} for n in rows],
    )
    run = SyncRun(trigger=RunTrigger.MANUAL, state=RunState.SUCCEEDED)
    db.session.add(run)
    db.session.flush()
    group_ids = db.session.scalars(select(Group.id).order_by(Group.id)).all()
    events = [
        {
            "run_id": run.id,
            "group_id": group_ids[n - 1],
            "email": f"u{n}@example.com",
            "action": "add_remote",
            "outcome": EventOutcome.APPLIED,
            "reason": "added",
        }
        for n in rows
    ]
    db.session.execute(insert(SyncEvent), events)
    db.session.commit()
    fresh_statistics()
    return run


def fresh_statistics() -> None:
    """Statistics as autovacuum keeps a live database's: a GIN index's cost, or an index-only
    scan's, is only known once vacuumed."""
    autocommit = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    with autocommit as connection:
        postgresql = connection.dialect.name == "postgresql"
        connection.exec_driver_sql("VACUUM ANALYZE" if postgresql else "ANALYZE")


INDEXED = [  # a page's search, the table it searches, and the index PostgreSQL must use
    ("/admin/groups/?q=kestrel", GROUPS, "ix_groups_name_key_trgm"),
    ("/admin/users/?q=kestrel", USERS, "ix_users_search_trgm"),
    ("/admin/teams/?q=kestrel", TEAMS, "ix_teams_name_key_trgm"),
    ("/admin/activity/?q=kestrel", ACTIVITIES, "ix_activities_search_trgm"),
]


@pytest.mark.parametrize(("url", "searched", "index"), INDEXED)
def test_a_search_reads_its_index(client, admin, crowd, url, searched, index):
    with captured() as seen:
        assert client.get(url, headers=HTMX).status_code == 200
    searches = [(s, p) for s, p in seen if "ILIKE" in s.upper() or "_trgm MATCH" in s]
    assert searches, "the page sent no search"
    for statement, parameters in searches:
        shown = plan(statement, parameters)
        if db.engine.dialect.name == "postgresql":
            assert f"Bitmap Index Scan on {index}" in shown, shown
            scans = [line for line in shown.splitlines() if "Seq Scan on" in line]
            # the one-row data version the Groups count reads with it is no table to index
            assert all("Seq Scan on data_versions" in line for line in scans), shown
        else:
            assert "VIRTUAL TABLE INDEX" in shown, shown
            assert searched.fts in shown, shown
            assert f"SCAN {searched.table}\n" not in shown + "\n", shown


def test_a_runs_event_search_reads_its_indexes(client, admin, crowd):
    with captured() as seen:
        client.get(f"/admin/sync-runs/{crowd.id}?q=kestrel", headers=HTMX)
    searches = [(s, p) for s, p in seen if "ILIKE" in s.upper() or "_trgm MATCH" in s]
    assert searches
    for statement, parameters in searches:
        shown = plan(statement, parameters)
        if db.engine.dialect.name == "postgresql":
            assert "ix_sync_events_search_trgm" in shown
            assert "ix_groups_name_key_trgm" in shown
            assert "Seq Scan on sync_events" not in shown, shown
        else:
            assert "sync_events_trgm" in shown, shown
            assert "groups_trgm" in shown, shown
            assert "SCAN sync_events\n" not in shown + "\n", shown


def test_a_runs_short_event_search_reads_its_indexes(client, admin, crowd):
    """A pair no email or group name starts with is found in the indexes of the run's emails
    and of the groups' names, not by reading the run."""
    with captured() as seen:
        html = client.get(f"/admin/sync-runs/{crowd.id}?q=zz", headers=HTMX).text
    assert "No event of this run matches the filters" in html
    searches = [(s, p) for s, p in seen if "'zz'" in s and "sync_events" in s]
    assert searches
    for statement, parameters in searches:
        shown = plan(statement, parameters)
        if db.engine.dialect.name == "postgresql":
            assert "ix_sync_events_run_id_email_start" in shown, shown
            assert "ix_groups_name_key_start" in shown, shown
            assert "Seq Scan on sync_events" not in shown, shown
            assert "Seq Scan on groups" not in shown, shown
        else:
            assert "ix_sync_events_run_id_email_start" in shown, shown
            assert "SCAN sync_events\n" not in shown + "\n", shown
            assert "SCAN groups\n" not in shown + "\n", shown


def test_a_runs_short_event_search_most_match_reads_a_page_in_order(client, admin, crowd):
    """Every event's email starts with "u": the run's events are read in order until a page
    is found (its ranges counted up to DENSE first), not every match gathered and sorted."""
    with captured() as seen:
        html = client.get(f"/admin/sync-runs/{crowd.id}?q=U", headers=HTMX).text
    assert "51+ events match the filters" in html
    pages = [(s, p) for s, p in seen if "'u'" in s and "row_number" in s.lower()]
    assert pages
    for statement, parameters in pages:
        shown = plan(statement, parameters)
        assert "ix_sync_events_run_id_email_start" not in shown, shown
        if db.engine.dialect.name == "postgresql":
            assert "Index Scan using pk_sync_events on sync_events sync_events_1" in shown, shown


def test_group_rows_are_found_by_the_group_search_alone(make):
    make.group("Kestrel")
    assert found(GROUPS, "KESTREL") == [db.session.scalar(select(Group.id))]


def test_a_short_users_search_finds_the_start_of_emails_and_names(client, admin, make):
    """One or two characters are too few for the trigram index: the Users list finds the
    emails, first and last names that start with them (ignoring case), through an index, and
    says so under its search box and in its summary."""
    make.user("bob@example.com", first_name="Ann", last_name="Lee")
    make.user("ann.k@example.com", first_name="Kim", last_name="Stone")
    make.user("carl@example.com", first_name="Carl", last_name="Banner")  # "an" inside only
    make.user("dee@example.com", first_name="Dee", last_name="Anders")
    html = client.get("/admin/users/", query_string={"q": "AN"}, headers=HTMX).text
    assert [e for e in ("bob", "ann.k", "carl", "dee") if f"{e}@example.com" in html] == [
        "bob",
        "ann.k",
        "dee",
    ]
    assert "3 users whose email or name starts with “<bdi>AN</bdi>”" in html
    html = client.get("/admin/users/", query_string={"q": "zz"}, headers=HTMX).text
    assert "No user's email or name starts with “<bdi>zz</bdi>”" in html
    html = client.get("/admin/users/", query_string={"q": "ann"}, headers=HTMX).text
    assert "carl@example.com" in html  # three characters: anywhere ("Banner")
    assert "whose email or name contains “<bdi>ann</bdi>”" in html
    page = client.get("/admin/users/").text
    assert "the users whose email, first name or last name starts with them" in page


def test_a_short_search_counts_only_past_the_page(client, admin, make):
    """A letter matches most rows: a short search is counted only past the page asked for."""
    for number in range(52):
        make.user(f"zq{number:02d}@example.com")
    html = client.get("/admin/users/", query_string={"q": "ZQ"}, headers=HTMX).text
    assert "of 51+ users whose email or name starts with" in html
    html = client.get("/admin/users/", query_string={"q": "zq5"}, headers=HTMX).text
    assert "2 users whose" in html  # three characters: the trigram index, counted exactly


def test_short_team_and_activity_searches_find_the_start(client, admin, make):
    make.group("Condor Crew")
    make.group("Big Condor")
    make.team("Acme")
    make.team("Bacme")
    teams = client.get("/admin/teams/", query_string={"q": "ac"}, headers=HTMX).text
    assert ">Acme<" in teams
    assert ">Bacme<" not in teams
    assert "whose name starts with “<bdi>ac</bdi>”" in teams
    assert "the teams whose name starts with them" in client.get("/admin/teams/").text
    trail = client.get("/admin/activity/", query_string={"q": "co"}, headers=HTMX).text
    assert "Condor Crew" in trail
    assert "Big Condor" not in trail
    assert "Big Condor" in client.get("/admin/activity/", query_string={"q": "con"}).text


SHORT = [  # a short search of a list, its table, and what PostgreSQL must read it with
    ("/admin/users/?q=zz", USERS, "_start"),
    ("/admin/teams/?q=zz", TEAMS, "ix_teams_name_key_start"),
    ("/admin/activity/?q=zz", ACTIVITIES, "_start"),
]


@pytest.mark.parametrize(("url", "searched", "index"), SHORT)
def test_a_short_search_reads_an_index(client, admin, crowd, url, searched, index):
    with captured() as seen:
        assert client.get(url, headers=HTMX).status_code == 200
    searches = [(s, p) for s, p in seen if "'zz'" in s]
    assert searches, "the page sent no search"
    for statement, parameters in searches:
        shown = plan(statement, parameters)
        if db.engine.dialect.name == "postgresql":
            assert index in shown, shown
            assert f"Seq Scan on {searched.table}" not in shown, shown
        else:
            assert f"SEARCH {searched.table} USING" in shown, shown
            assert f"SCAN {searched.table}\n" not in shown + "\n", shown


def test_a_short_search_most_rows_match_reads_a_page_in_order(client, admin, crowd):
    """Every user's email starts with "u": the list reads its order until a page is found
    (PostgreSQL knows it from its statistics, SQLite from counting the index up to DENSE)."""
    with captured() as seen:
        html = client.get("/admin/users/?q=U", headers=HTMX).text
    assert f"Showing 1{DASH}50 of 51+ users whose email or name starts with" in html
    searches = [(s, p) for s, p in seen if "'u'" in s]
    assert searches
    for statement, parameters in searches:
        shown = plan(statement, parameters)
        # the page's 50 rows joined by id may be read with the table at this size (3,000)
        assert "Seq Scan on users users_1" not in shown, shown
        assert "SCAN users\n" not in shown + "\n", shown


DEEP = [  # a deep page (past the middle: read from the end) and the index PostgreSQL reads
    ("/admin/users/?page=50", "ix_users_email_id"),
    ("/admin/users/?page=50&sort=thinkific_id&dir=desc", "ix_users_thinkific_id_desc_nulls_last"),
    ("/admin/users/?page=50&sort=name", "ix_users_last_name_first_name"),
]


@pytest.mark.parametrize(("url", "index"), DEEP)
def test_a_deep_page_of_users_reads_the_index_alone(client, admin, crowd, url, index):
    with captured() as seen:
        html = client.get(url, headers=HTMX).text
    assert f"Showing 2,451{DASH}2,500 of 3,000 users" in html
    pages = [(s, p) for s, p in seen if "OFFSET" in s.upper()]
    assert pages, "the page sent no offset"
    for statement, parameters in pages:
        shown = plan(statement, parameters)
        if db.engine.dialect.name == "postgresql":
            assert f"Index Only Scan Backward using {index} on users users_1" in shown, shown
            assert "Seq Scan on users users_1" not in shown, shown
        else:
            assert "USING COVERING INDEX" in shown, shown
            assert "SCAN users\n" not in shown + "\n", shown
