"""Bulk loading of a site: explicit records (`seed`) or generated ones (`generate`).

Everything is checked before anything is written, so a bad seed changes nothing.
"""

from __future__ import annotations

from typing import Any

from . import shapes
from .state import Store
from .users_rules import profile_fields, user_errors

SECTIONS = ("groups", "users", "courses", "memberships", "enrollments")


class SeedError(ValueError):
    """A seed that cannot be loaded; the message names the bad entry."""


def seed(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise SeedError(f"unknown section(s): {', '.join(sorted(unknown))}")
    sections = {name: _entries(data, name) for name in SECTIONS}
    _check(store, sections)
    return _apply(store, sections)


def _entries(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    entries = data.get(name) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SeedError(f"{name} must be a list of objects")
    return entries


def _check(store: Store, sections: dict[str, list[dict]]) -> None:
    for index, entry in enumerate(sections["groups"]):
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise SeedError(f"groups[{index}]: name is required")
    emails = set()
    for index, entry in enumerate(sections["users"]):
        _check_user(store, index, _user_defaults(entry), emails)
    for index, entry in enumerate(sections["courses"]):
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise SeedError(f"courses[{index}]: name is required")
    known = _known(store, sections)
    for section in ("memberships", "enrollments"):
        for index, entry in enumerate(sections[section]):
            _check_references(known, entry, section, index)
    for index, entry in enumerate(sections["enrollments"]):
        _check_dates(entry, index)


def _check_dates(entry: dict, index: int) -> None:
    for name in ("activated_at", "expiry_date", "completed_at"):
        try:
            if entry.get(name):
                shapes.parse_timestamp(entry[name])
        except (TypeError, ValueError, AttributeError):
            raise SeedError(f"enrollments[{index}]: {name} is not an ISO 8601 date-time") from None


def _known(store: Store, sections: dict[str, list[dict]]) -> dict[str, set]:
    """Ids and names that will exist once the seed is in, for checking references first."""
    known = {
        "group_id": set(store.groups),
        "group_name": {g.name for g in store.groups.values()},
        "user_id": set(store.users),
        "email": set(store.emails),
        "course_id": set(store.courses),
        "course_name": {c.name for c in store.courses.values()},
    }
    for kind, section, name in (("group", "groups", "name"), ("course", "courses", "name")):
        for index, entry in enumerate(sections[section]):
            _claim_id(known[f"{kind}_id"], entry, f"{section}[{index}]")
            known[f"{kind}_name"].add(entry[name])
    for index, entry in enumerate(sections["users"]):
        _claim_id(known["user_id"], entry, f"users[{index}]")
        known["email"].add(str(entry["email"]).strip().lower())
    return known


def _claim_id(ids: set, entry: dict, where: str) -> None:
    if "id" not in entry:
        return
    if not isinstance(entry["id"], int) or isinstance(entry["id"], bool) or entry["id"] in ids:
        raise SeedError(f"{where}: id must be a whole number not already in use")
    ids.add(entry["id"])


REFERENCES = {
    "memberships": (("group_id", "group_name"), ("user_id", "email")),
    "enrollments": (("user_id", "email"), ("course_id", "course_name")),
}


def _check_references(known: dict[str, set], entry: dict, section: str, index: int) -> None:
    for by_id, by_name in REFERENCES[section]:
        value = entry.get(by_id) if by_id in entry else entry.get(by_name)
        if by_name == "email" and by_id not in entry:
            value = str(value or "").strip().lower()
        if value not in known[by_id if by_id in entry else by_name]:
            raise SeedError(f"{section}[{index}]: no such {by_id.removesuffix('_id')}")


def _check_user(store: Store, index: int, entry: dict, emails: set[str]) -> None:
    errors = user_errors(entry, store, None)
    email = str(entry.get("email", "")).strip().lower()
    if email in emails:
        errors["email"] = ["appears twice in this seed"]
    if errors:
        detail = "; ".join(f"{k} {', '.join(v)}" for k, v in errors.items())
        raise SeedError(f"users[{index}]: {detail}")
    emails.add(email)


def _user_defaults(entry: dict) -> dict:
    local = str(entry.get("email", "")).partition("@")[0] or "learner"
    return {"first_name": local.capitalize(), "last_name": "Learner"} | entry


def _apply(store: Store, sections: dict[str, list[dict]]) -> dict[str, Any]:
    groups = [_add_group(store, entry) for entry in sections["groups"]]
    users = [_add_user(store, _user_defaults(entry)) for entry in sections["users"]]
    courses = [_add_course(store, entry) for entry in sections["courses"]]
    resolve = Resolver(store)
    pairs = [
        resolve.pair(entry, "memberships", i) for i, entry in enumerate(sections["memberships"])
    ]
    for group_id, user_id in pairs:
        store.add_member(group_id, user_id)
    enrollments = [
        _add_enrollment(store, resolve, e, i) for i, e in enumerate(sections["enrollments"])
    ]
    return {
        "groups": [{"id": g.id, "name": g.name, "token": g.token} for g in groups],
        "users": [{"id": u.id, "email": u.email} for u in users],
        "courses": [{"id": c.id, "name": c.name} for c in courses],
        "memberships": len(pairs),
        "enrollments": [e.id for e in enrollments],
    }


def _add_group(store: Store, entry: dict):
    created = entry.get("created_at")
    return store.add_group(
        entry["name"],
        id=entry.get("id"),
        token=entry.get("token"),
        created_at=shapes.parse_timestamp(created) if created else None,
    )


def _add_user(store: Store, entry: dict):
    extra = {"id": entry["id"]} if "id" in entry else {}
    return store.add_user(
        entry["email"], entry["first_name"], entry["last_name"], **extra, **profile_fields(entry)
    )


def _add_course(store: Store, entry: dict):
    fields = {k: entry[k] for k in ("id", "slug", "description", "chapter_ids") if k in entry}
    return store.add_course(entry["name"], **fields)


def _add_enrollment(store: Store, resolve: Resolver, entry: dict, index: int):
    user_id = resolve.user(entry, "enrollments", index)
    course_id = resolve.course(entry, index)
    dates = {}
    for name in ("activated_at", "expiry_date", "completed_at"):
        if entry.get(name):
            dates[name] = shapes.parse_timestamp(entry[name])
    if "percentage_completed" in entry:
        dates["percentage_completed"] = float(entry["percentage_completed"])
    return store.add_enrollment(user_id, course_id, **dates)


class Resolver:
    """Finds the group, user or course an entry names (by id, or by name/email)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.group_names: dict[str, int] = {}
        for group in sorted(store.groups.values(), key=lambda g: g.id, reverse=True):
            self.group_names[group.name] = group.id

    def pair(self, entry: dict, section: str, index: int) -> tuple[int, int]:
        return self.group(entry, section, index), self.user(entry, section, index)

    def group(self, entry: dict, section: str, index: int) -> int:
        group_id = entry.get("group_id", self.group_names.get(entry.get("group_name")))
        if group_id not in self.store.groups:
            raise SeedError(f"{section}[{index}]: no such group")
        return group_id

    def user(self, entry: dict, section: str, index: int) -> int:
        if "user_id" in entry:
            user_id = entry["user_id"]
        else:
            user_id = self.store.emails.get(str(entry.get("email", "")).strip().lower())
        if user_id not in self.store.users:
            raise SeedError(f"{section}[{index}]: no such user")
        return user_id

    def course(self, entry: dict, index: int) -> int:
        course_id = entry.get("course_id")
        if course_id is None:
            named = [
                c.id for c in self.store.courses.values() if c.name == entry.get("course_name")
            ]
            course_id = named[0] if named else None
        if course_id not in self.store.courses:
            raise SeedError(f"enrollments[{index}]: no such course")
        return course_id


def generate(store: Store, groups: int, users: int, memberships: int) -> dict[str, Any]:
    """Synthetic data: `groups` groups, `users` users and `memberships` spread evenly."""
    if min(groups, users, memberships) < 0 or memberships > groups * users:
        raise SeedError("counts must be >= 0 and memberships <= groups * users")
    if memberships and not groups:
        raise SeedError("memberships need groups")
    start = len(store.groups) + 1
    made_groups = [store.add_group(f"Group {start + i:05d}").id for i in range(groups)]
    first_user = len(store.users) + 1
    made_users = [
        store.add_user(
            f"learner{first_user + i:06d}@example.com", "Learner", f"{first_user + i}"
        ).id
        for i in range(users)
    ]
    stride = max(users // max(groups, 1), 1)
    for k in range(memberships):
        g = k % groups
        store.add_member(made_groups[g], made_users[(k // groups + g * stride) % users])
    return {
        "groups": {"count": groups, "ids": made_groups[:1] + made_groups[-1:]},
        "users": {"count": users, "ids": made_users[:1] + made_users[-1:]},
        "memberships": memberships,
    }
