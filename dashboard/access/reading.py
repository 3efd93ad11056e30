"""Thinkific's side of access: the enrollments of the scope's users in the courses that matter,
read in as few calls as the API allows, then matched to the dashboard's records.

Thinkific filters enrollments by one course (`query[course_id]`) or one user
(`query[user_id]`, or `query[email]` for a user whose Thinkific id is not known yet), 250 a
page. Reading course by course costs one call per 250 enrollments of each course; reading user
by user costs one call per user. A sync of everyone has thousands of users and a handful of
courses, so it reads by course; a webhook names one user, so it reads that user's
enrollments in one call. `choose_reads` compares both counts and takes the smaller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Course, team_courses
from ..thinkific.errors import ThinkificError
from ..thinkific.pagination import PAGE_SIZE
from ..thinkific.resources import Enrollment
from .loading import AccessView, CourseRef, RecordRef, records_per_course
from .planner import Held

CLAIM_MARGIN = timedelta(minutes=5)  # clock drift between us and Thinkific
Pair = tuple[int, int]


class AccessReadFailed(Exception):
    """Thinkific's enrollments could not be read in full; no access may be ended from that."""


@dataclass(frozen=True)
class ReadPlan:
    by: str  # "course", "user" or "nothing"
    calls: int  # the fewest calls this way takes
    other: int  # the fewest the other way would take

    def words(self) -> str:
        if self.by == "nothing":
            return "no course to read"
        way = "one user at a time" if self.by == "user" else "one course at a time"
        other = "course by course" if self.by == "user" else "user by user"
        return (
            f"checked in Thinkific {way}: at least {_requests(self.calls)} to Thinkific "
            f"({other} would take at least {self.other})"
        )


def _requests(count: int) -> str:
    return f"{count} request" if count == 1 else f"{count} requests"


def choose_reads(view: AccessView, known: Mapping[int, int]) -> ReadPlan:
    """By course or by user, whichever takes fewer calls; `known` is enrollments per course
    the dashboard knows of (a lower bound of what Thinkific lists)."""
    courses = view.courses_to_read()
    if not courses or not view.users:
        return ReadPlan("nothing", 0, 0)
    by_course = sum(max(1, math.ceil(known.get(c.id, 0) / PAGE_SIZE)) for c in courses)
    by_user = len(view.users)
    if by_user <= by_course:
        return ReadPlan("user", by_user, by_course)
    return ReadPlan("course", by_course, by_user)


def poll_cost() -> int:
    """Calls a sync of all groups spends on access whatever groups it reads: listing the
    courses, and reading the enrollments of the courses teams give (by course)."""
    courses = db.session.scalar(select(func.count()).select_from(Course)) or 0
    known = records_per_course()
    given = db.session.scalars(
        select(team_courses.c.course_id)
        .join(Course, Course.id == team_courses.c.course_id)
        .where(Course.deleted_in_thinkific_at.is_(None))
        .distinct()
    )
    reads = sum(max(1, math.ceil(known.get(c, 0) / PAGE_SIZE)) for c in set(given) | set(known))
    return max(1, math.ceil(courses / PAGE_SIZE)) + reads


@dataclass
class Remote:
    enrollments: dict[Pair, Enrollment] = field(default_factory=dict)
    learned: dict[int, int] = field(default_factory=dict)  # user id → Thinkific id, by email


def read_remote(client, view: AccessView, plan: ReadPlan) -> Remote:
    """Every enrollment of the scope's users in the courses to read; all or nothing."""
    matcher = _Matcher(view)
    try:
        if plan.by == "course":
            for course in view.courses_to_read():
                matcher.take_all(client.iter_enrollments(course_id=course.thinkific_id))
        elif plan.by == "user":
            for user in view.users.values():
                filters = {"user_id": user.thinkific_id} if user.thinkific_id else {}
                matcher.take_all(client.iter_enrollments(**(filters or {"email": user.email})))
    except ThinkificError as error:
        raise AccessReadFailed(f"Could not read enrollments from Thinkific: {error}") from error
    return matcher.remote


class _Matcher:
    """Enrollments to (dashboard user, dashboard course), by Thinkific id, then by email."""

    def __init__(self, view: AccessView) -> None:
        self.by_id = {u.thinkific_id: u.id for u in view.users.values() if u.thinkific_id}
        self.by_email = {u.email: u.id for u in view.users.values()}
        self.course_of = {c.thinkific_id: c.id for c in view.courses_to_read()}
        self.recorded = {r.thinkific_id for r in view.records.values() if r.thinkific_id}
        self.remote = Remote()
        self._thinkific_ids = {u.id: u.thinkific_id for u in view.users.values()}

    def take_all(self, enrollments: Iterable[Enrollment]) -> None:
        for enrollment in enrollments:
            self.take(enrollment)

    def take(self, enrollment: Enrollment) -> None:
        course = self.course_of.get(enrollment.course_id)
        user = self.by_id.get(enrollment.user_id)
        if user is None:
            user = self.by_email.get(enrollment.user_email.strip().lower())
            if user is not None and self._thinkific_ids[user] is None:
                self.remote.learned[user] = enrollment.user_id
        if user is None or course is None:
            return
        earlier = self.remote.enrollments.get((user, course))
        if earlier is None or self._better(enrollment, earlier):
            self.remote.enrollments[(user, course)] = enrollment

    def _better(self, new: Enrollment, old: Enrollment) -> bool:
        """Thinkific keeps one enrollment per user and course; should it list two, ours wins."""
        if (new.id in self.recorded) != (old.id in self.recorded):
            return new.id in self.recorded
        return new.id > old.id


@dataclass(frozen=True)
class Fix:
    """A change to one `AccessEnrollment` row: new values, or None to delete it."""

    record_id: int
    values: dict | None


def reconcile(
    records: Mapping[Pair, RecordRef],
    remote: Mapping[Pair, Enrollment],
    courses_read: Iterable[CourseRef],
    now: datetime,
) -> tuple[dict[Pair, Held], list[Fix]]:
    """What Thinkific holds, as the planner needs it, and the record fixes that follow."""
    read = {course.id for course in courses_read}
    held: dict[Pair, Held] = {}
    fixes: list[Fix] = []
    for pair in sorted(set(records) | set(remote)):
        record, found = records.get(pair), remote.get(pair)
        if pair[1] not in read:
            continue
        if found is None:
            fixes.append(Fix(record.id, None))  # gone from Thinkific, or never created
            continue
        ours = record is not None and _is_ours(record, found)
        held[pair] = Held(found.id, found.expiry_date, ours, record.kept_at if ours else None)
        if record is not None:
            fixes += _refresh(record, found, ours, now)
    return held, fixes


def _is_ours(record: RecordRef, found: Enrollment) -> bool:
    if not record.ours:
        return False
    if record.thinkific_id is not None:
        return record.thinkific_id == found.id
    # a creation in flight when its job died: the enrollment it made is the one activated since
    return found.activated_at is not None and found.activated_at >= record.created_at - CLAIM_MARGIN


def _refresh(record: RecordRef, found: Enrollment, ours: bool, now: datetime) -> list[Fix]:
    values = {"thinkific_id": found.id, "expires_at": found.expiry_date}
    values["created_by_dashboard"] = ours
    if not ours:
        values |= {"ended_at": None, "kept_at": None}
    elif found.expiry_date is None or found.expiry_date > now:
        values["ended_at"] = None
    current = {
        "thinkific_id": record.thinkific_id,
        "expires_at": record.expires_at,
        "created_by_dashboard": record.ours,
        "ended_at": record.ended_at,
        "kept_at": record.kept_at,
    }
    changed = any(current[key] != value for key, value in values.items())
    return [Fix(record.id, values)] if changed else []
