"""The school's courses, pulled from Thinkific (`GET /courses`, 250 a page) by every sync of
all groups: new courses are added, names refreshed, and a course Thinkific no longer lists is
marked deleted there (it stays chosen in team configurations, and gives nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Course
from ..plurals import count


def refresh_courses(client, now: datetime) -> str:
    """Upsert every course Thinkific lists; returns what changed in words ("" for nothing).
    Thinkific is read in full before the first query, so a caller that ended its transaction
    holds none during the calls. Callers commit."""
    remote = {course.id: course for course in client.iter_courses()}  # all pages or an error
    known = {course.thinkific_id: course for course in db.session.scalars(select(Course))}
    added = renamed = restored = 0
    for thinkific_id, course in remote.items():
        row = known.get(thinkific_id)
        if row is None:
            db.session.add(
                Course(
                    thinkific_id=thinkific_id,
                    name=course.name[:255],
                    slug=course.slug[:255],
                    refreshed_at=now,
                )
            )
            added += 1
            continue
        renamed += row.name != course.name[:255]
        restored += row.deleted_in_thinkific_at is not None
        row.name, row.slug = course.name[:255], course.slug[:255]
        row.refreshed_at, row.deleted_in_thinkific_at = now, None
    gone = [
        row for tid, row in known.items() if tid not in remote and not row.deleted_in_thinkific_at
    ]
    for row in gone:
        row.deleted_in_thinkific_at = now
    db.session.flush()
    return _words(len(remote), added, renamed, restored, len(gone))


def _words(total: int, added: int, renamed: int, restored: int, gone: int) -> str:
    changes = [
        f"{added} new" if added else "",
        f"{renamed} renamed" if renamed else "",
        f"{restored} listed again" if restored else "",
        f"{gone} no longer listed (marked deleted in Thinkific)" if gone else "",
    ]
    changed = ", ".join(part for part in changes if part)
    return f"{count(total, 'course')} in Thinkific: {changed}" if changed else ""
