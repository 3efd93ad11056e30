"""The emulated site's data, in memory: groups, users, memberships, courses, enrollments.

One `Store` per emulator; callers hold the emulator's lock around every use. Ids of the
different resources start far apart, so a client that mixes a group id with a user id gets a 404
instead of a lucky match.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

FIRST_IDS = {"group": 10_001, "user": 500_001, "course": 2_001, "enrollment": 900_001}


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Group:
    id: int
    name: str
    token: str
    created_at: datetime


@dataclass
class User:
    id: int
    email: str
    first_name: str
    last_name: str
    created_at: datetime
    roles: list[str] = field(default_factory=list)
    company: str | None = None
    avatar_url: str | None = None
    bio: str | None = None
    headline: str | None = None
    affiliate_code: str | None = None
    affiliate_commission: float | None = None
    affiliate_commission_type: str | None = None
    affiliate_payout_email: str | None = None
    external_source: str | None = None
    external_id: str | None = None
    provider: str | None = None
    custom_profile_fields: list[dict] = field(default_factory=list)
    administered_course_ids: list[int] = field(default_factory=list)
    welcome_email_sent: bool = False


@dataclass
class Course:
    id: int
    name: str
    slug: str
    product_id: int
    created_at: datetime
    description: str = ""
    chapter_ids: list[int] = field(default_factory=list)
    instructor_id: int = 1
    reviews_enabled: bool = False


@dataclass
class Enrollment:
    id: int
    user_id: int
    course_id: int
    created_at: datetime
    updated_at: datetime
    activated_at: datetime | None = None
    expiry_date: datetime | None = None
    completed_at: datetime | None = None
    percentage_completed: float = 0.0


@dataclass
class Store:
    """Everything the emulated Thinkific site holds."""

    groups: dict[int, Group] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    emails: dict[str, int] = field(default_factory=dict)
    # group id -> {user id -> epoch seconds from which the membership is visible to the API}
    members: dict[int, dict[int, float]] = field(default_factory=dict)
    courses: dict[int, Course] = field(default_factory=dict)
    enrollments: dict[int, Enrollment] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=lambda: dict(FIRST_IDS))

    def new_id(self, kind: str, wanted: int | None = None) -> int:
        new = self.next_ids[kind] if wanted is None else int(wanted)
        self.next_ids[kind] = max(self.next_ids[kind], new + 1)
        return new

    # groups

    def add_group(self, name: str, **fields: Any) -> Group:
        group = Group(
            id=self.new_id("group", fields.get("id")),
            name=name,
            token=fields.get("token") or self._new_token(),
            created_at=fields.get("created_at") or utcnow(),
        )
        self.groups[group.id] = group
        self.members[group.id] = {}
        return group

    def _new_token(self) -> str:
        taken = {group.token for group in self.groups.values()}
        while (token := secrets.token_hex(4)) in taken:
            pass
        return token

    def delete_group(self, group_id: int) -> None:
        del self.groups[group_id]
        self.members.pop(group_id, None)

    def groups_named(self, name: str, case_sensitive: bool = True) -> list[Group]:
        if case_sensitive:
            return [group for group in self.groups.values() if group.name == name]
        key = name.casefold()
        return [group for group in self.groups.values() if group.name.casefold() == key]

    # users

    def add_user(self, email: str, first_name: str, last_name: str, **fields: Any) -> User:
        fields.setdefault("created_at", utcnow())
        user = User(
            id=self.new_id("user", fields.pop("id", None)),
            email=email.strip().lower(),
            first_name=first_name,
            last_name=last_name,
            **fields,
        )
        self.users[user.id] = user
        self.emails[user.email] = user.id
        return user

    def user_by_email(self, email: str) -> User | None:
        user_id = self.emails.get(email.strip().lower())
        return None if user_id is None else self.users[user_id]

    def change_email(self, user: User, email: str) -> None:
        self.emails.pop(user.email, None)
        user.email = email.strip().lower()
        self.emails[user.email] = user.id

    def delete_user(self, user_id: int) -> None:
        user = self.users.pop(user_id)
        self.emails.pop(user.email, None)
        for members in self.members.values():
            members.pop(user_id, None)
        for enrollment in [e for e in self.enrollments.values() if e.user_id == user_id]:
            del self.enrollments[enrollment.id]

    # memberships

    def add_member(self, group_id: int, user_id: int, delay: float = 0.0) -> bool:
        """Add the user to the group; False when already a member (nothing changes)."""
        members = self.members[group_id]
        if user_id in members:
            return False
        members[user_id] = time.time() + delay
        return True

    def remove_member(self, group_id: int, user_id: int) -> bool:
        return self.members[group_id].pop(user_id, None) is not None

    def member_ids(self, group_id: int, visible_only: bool = True) -> list[int]:
        members = self.members.get(group_id, {})
        if not visible_only:
            return sorted(members)
        now = time.time()
        return sorted(uid for uid, visible_at in members.items() if visible_at <= now)

    # courses and enrollments

    def add_course(self, name: str, **fields: Any) -> Course:
        course_id = self.new_id("course", fields.pop("id", None))
        fields.setdefault("slug", "-".join(name.lower().split()) or f"course-{course_id}")
        fields.setdefault("product_id", course_id + 100_000)
        fields.setdefault("created_at", utcnow())
        course = Course(id=course_id, name=name, **fields)
        self.courses[course.id] = course
        return course

    def add_enrollment(self, user_id: int, course_id: int, **fields: Any) -> Enrollment:
        now = utcnow()
        fields.setdefault("created_at", now)
        fields.setdefault("updated_at", fields["created_at"])
        enrollment = Enrollment(
            id=self.new_id("enrollment", fields.pop("id", None)),
            user_id=user_id,
            course_id=course_id,
            **fields,
        )
        self.enrollments[enrollment.id] = enrollment
        return enrollment

    def enrollment_of(self, user_id: int, course_id: int) -> Enrollment | None:
        for enrollment in self.enrollments.values():
            if enrollment.user_id == user_id and enrollment.course_id == course_id:
                return enrollment
        return None
