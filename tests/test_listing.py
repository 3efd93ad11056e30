import pytest
from sqlalchemy import select

from dashboard import listing
from dashboard.extensions import db
from dashboard.listing import Sort, list_args, paginate
from dashboard.models import Team, User
from dashboard.search import TEAMS, like_pattern, matches

SORTS = {"name": Sort("Name"), "size": Sort("Size", numeric=True, descending=True)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ("", "name", False, 1)),
        ({"sort": "size"}, ("", "size", True, 1)),  # a count sorts biggest first
        (
            {"q": "  Acme \t Corp ", "sort": "size", "dir": "asc", "page": "3"},
            ("Acme Corp", "size", False, 3),
        ),
        (
            {"q": "a\x00b\x1bc\u202e", "sort": "drop table", "dir": "DESC", "page": "-4"},
            ("abc", "name", False, 1),
        ),
        ({"q": "x" * 500, "page": "9" * 5000}, ("x" * 100, "name", False, 1)),
        ({"q": "👩\u200d💻"}, ("👩\u200d💻", "name", False, 1)),  # a joiner is not a control
    ],
)
def test_list_args_read_query_strings_safely(app, query, expected):
    args = list_args(query, "teams.index", SORTS)
    assert (args.q, args.sort, args.desc, args.page) == expected


def test_each_bad_value_leaves_a_notice(app):
    args = list_args({"sort": "drop table", "dir": "up", "page": "x", "q": "y" * 101}, "t", SORTS)
    assert args.notices == (
        "The search was cut to its first 100 characters.",
        "There is no column “drop table” to sort by; sorted by name.",
        "“up” is not a sort order; use asc or desc.",
        "“x” is not a page number; showing page 1.",
    )
    assert list_args({"q": "ok", "page": "2"}, "t", SORTS).notices == ()


def test_list_urls_keep_the_state_leave_out_defaults_and_flip_the_sort(app):
    args = list_args({"q": "acme", "sort": "size", "page": "2"}, "teams.index", SORTS)
    with app.test_request_context():
        assert args.url(page=3) == "/admin/teams/?q=acme&sort=size&dir=desc&page=3"
        assert args.sort_url("size") == "/admin/teams/?q=acme&sort=size&dir=asc"
        assert args.sort_url("name") == "/admin/teams/?q=acme"
        assert args.base_url == "/admin/teams/"
        assert args.params(q="", sort="name", desc=False, page=1) == {}


def test_a_list_of_a_record_keeps_its_url_values(app):
    args = list_args({"q": "lee", "page": "2"}, "groups.detail", group_id=7)
    with app.test_request_context():
        assert args.url() == "/admin/groups/7?q=lee&page=2"
        assert args.url(page=1) == "/admin/groups/7?q=lee"


def test_like_patterns_take_wildcards_literally():
    assert like_pattern(r"50%_a\b") == r"%50\%\_a\\b%"


def test_a_search_writes_the_pattern_into_the_sql(app, make):
    """A prepared `LIKE $1` gets a generic plan on PostgreSQL, which cannot use a trigram index;
    SQLite asks its FTS5 trigram table."""
    make.team("O'Hara & Sons")
    make.team("Other")
    query = select(Team.name).where(matches(TEAMS, "o'hara"))
    assert db.session.scalars(query).all() == ["O'Hara & Sons"]
    sql = str(query.compile(db.engine, compile_kwargs={"render_postcompile": True}))
    if db.engine.dialect.name == "postgresql":
        assert "LIKE '%" in sql  # a quoted literal (psycopg's compiled form doubles the %)
        assert "o''hara" in sql
    else:
        assert "teams_trgm MATCH" in sql


def test_a_capped_count_stops_early_and_says_so(make, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    for number in range(6):
        make.user(f"match{number}@example.com")
    query = select(User).order_by(User.email)
    first = paginate(query, 1, capped=True, per_page=2)
    assert (first.total, first.exact, first.has_next) == (3, False, True)
    assert first.links() == [1, 2, None]  # the pages known, and more
    last = paginate(query, 3, capped=True, per_page=2)
    assert (last.total, last.exact, last.has_next) == (6, True, False)
    assert [user.email for user in last.items] == ["match4@example.com", "match5@example.com"]


def test_a_page_past_the_end_is_the_last_page_with_a_notice(make):
    for number in range(3):
        make.user(f"u{number}@example.com")
    page = paginate(select(User).order_by(User.email), 99, per_page=2)
    assert (page.number, page.first, page.last, page.has_next) == (2, 3, 3, False)
    assert page.notice == "There is no page 99; showing the last page, 2."
    assert paginate(select(User).where(User.id < 0), 2).notice is None  # none found: no notice


def test_a_known_total_is_not_counted_again(make):
    make.user("a@example.com")
    page = paginate(select(User), 1, total=1)
    assert (page.total, page.exact, len(page.items)) == (1, True, 1)


@pytest.mark.parametrize(
    ("number", "pages", "links"),
    [
        (1, 1, [1]),
        (1, 9, [1, 2, 3, None, 9]),
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        (5, 20, [1, 2, 3, 4, 5, 6, 7, None, 20]),  # no gap of one page
        (9, 20, [1, None, 7, 8, 9, 10, 11, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
    ],
)
def test_page_links_show_the_ends_and_the_pages_around(number, pages, links):
    page = listing.Page(items=[], total=pages * 10, number=number, per_page=10)
    assert page.links() == links
