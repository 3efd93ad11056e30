import pytest

from dashboard.config import ConfigError, database_url, settings_from_env


def test_defaults_for_a_laptop(tmp_path):
    settings = settings_from_env({"INSTANCE_PATH": str(tmp_path)})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'dashboard.sqlite3'}"
    assert settings["REDIS_URL"] is None
    assert settings["THINKIFIC_API_URL"] == "https://api.thinkific.com/api/public/v1"
    assert settings["THINKIFIC_RATE_LIMIT"] == 120
    assert settings["SYNC_INTERVAL_MINUTES"] == 10
    assert settings["THINKIFIC_REMOVALS"] == "manual"
    assert settings["ACTIVITY_RETENTION_DAYS"] == 365
    assert len(settings["SECRET_KEY"]) >= 32


def test_heroku_postgres_url_is_rewritten(tmp_path):
    url = database_url("postgres://u:p@host:5432/db", tmp_path)
    assert url == "postgresql+psycopg://u:p@host:5432/db"


def test_production_requires_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_from_env({"DYNO": "web.1"})


def test_webhook_secret_defaults_to_the_api_key():
    settings = settings_from_env({"THINKIFIC_API_KEY": "k" * 32})
    assert settings["THINKIFIC_WEBHOOK_SECRET"] == "k" * 32


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("THINKIFIC_RATE_LIMIT", "fast", "whole number"),
        ("THINKIFIC_RATE_LIMIT", "0", "at least 1"),
        ("SYNC_INTERVAL_MINUTES", "-5", "at least 1"),
        ("THINKIFIC_REMOVALS", "delete", "must be one of"),
        ("ACTIVITY_RETENTION_DAYS", "0", "at least 1"),
        ("ACTIVITY_RETENTION_DAYS", "a year", "whole number"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(name, value, message):
    with pytest.raises(ConfigError, match=message):
        settings_from_env({name: value})


def test_production_cookies_travel_over_https_only():
    production = settings_from_env({"APP_ENV": "production", "SECRET_KEY": "s" * 40})
    development = settings_from_env({})
    assert production["SESSION_COOKIE_SECURE"] is True
    assert development["SESSION_COOKIE_SECURE"] is False
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
