import pytest
from sqlalchemy import select

from dashboard import listing
from dashboard.extensions import db
from dashboard.listing import contains, like_pattern, list_args, paginate
from dashboard.models import Team, User

SORTS = ("name", "size")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ("", "name", False, 1)),
        (
            {"q": "  Acme \t Corp ", "sort": "size", "dir": "desc", "page": "3"},
            ("Acme Corp", "size", True, 3),
        ),
        (
            {"q": "a\x00b\x1bc", "sort": "drop table", "dir": "DESC", "page": "-4"},
            ("abc", "name", False, 1),
        ),
        ({"q": "x" * 500, "page": "9" * 5000}, ("x" * 100, "name", False, 1)),
    ],
)
def test_list_args_read_query_strings_safely(app, query, expected):
    args = list_args(query, "teams.index", SORTS)
    assert (args.q, args.sort, args.desc, args.page) == expected


def test_list_urls_keep_the_state_and_flip_the_sort(app):
    args = list_args({"q": "acme", "sort": "size", "page": "2"}, "teams.index", SORTS)
    with app.test_request_context():
        assert args.url(page=3) == "/admin/teams/?q=acme&sort=size&page=3"
        assert args.sort_url("size") == "/admin/teams/?q=acme&sort=size&dir=desc"
        assert args.sort_url("name") == "/admin/teams/?q=acme&sort=name"
        assert args.base_url == "/admin/teams/"


def test_like_patterns_take_wildcards_literally():
    assert like_pattern(r"50%_a\b") == r"%50\%\_a\\b%"


def test_contains_writes_the_pattern_into_the_sql(app, make):
    """A prepared `LIKE $1` gets a generic plan on PostgreSQL, which cannot use a trigram index."""
    make.team("O'Hara & Sons")
    make.team("Other")
    query = select(Team.name).where(contains(Team.name_key, "o'hara"))
    assert db.session.scalars(query).all() == ["O'Hara & Sons"]
    sql = str(query.compile(db.engine, compile_kwargs={"render_postcompile": True}))
    assert "LIKE '%" in sql  # a quoted literal (psycopg's compiled form doubles the %)
    assert "o''hara" in sql


def test_a_capped_count_stops_early_and_says_so(make, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    for number in range(6):
        make.user(f"match{number}@example.com")
    query = select(User).order_by(User.email)
    first = paginate(query, 1, capped=True, per_page=2)
    assert (first.total, first.exact, first.has_next) == (3, False, True)
    last = paginate(query, 3, capped=True, per_page=2)
    assert (last.total, last.exact, last.has_next) == (6, True, False)
    assert [user.email for user in last.items] == ["match4@example.com", "match5@example.com"]


def test_a_page_past_the_end_is_the_last_page(make):
    for number in range(3):
        make.user(f"u{number}@example.com")
    page = paginate(select(User).order_by(User.email), 99, per_page=2)
    assert (page.number, page.first, page.last, page.has_next) == (2, 3, 3, False)
