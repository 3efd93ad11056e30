"""Times are stored and read back in UTC, on both databases."""

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text

from dashboard.database import is_postgresql
from dashboard.extensions import db
from dashboard.models import Group


def test_a_time_reads_back_aware_in_utc_whatever_zone_it_was_given_in(make):
    paris = timezone(timedelta(hours=1))
    group = make.group("North")
    group.last_synced_at = datetime(2026, 12, 7, 10, 30, tzinfo=paris)
    db.session.commit()
    db.session.expire_all()
    read = db.session.get(Group, group.id).last_synced_at
    assert read == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert read.tzinfo is UTC
    if is_postgresql():
        # every session speaks UTC, whatever the server's own TimeZone (Etc/UTC here, a
        # region elsewhere): SQL that turns a time into a day or a text gives the UTC one
        assert db.session.execute(text("SHOW TIME ZONE")).scalar() == "UTC"
