"""Groups, group members and users (API-NOTES §5 to §8), as client methods.

Mixed into `ThinkificClient`, which provides `_get`, `_post`, `_put`, `_delete`, `_iterate`
and `_verified_create`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .errors import NotFoundError
from .pagination import read_page
from .resources import Group, User

USER_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "email",
        "password",
        "roles",
        "bio",
        "company",
        "headline",
        "avatar_url",
        "external_source",
        "custom_profile_fields",
    }
)


class GroupOperations:
    """Groups and their members."""

    def check_connection(self) -> int:
        """One cheap request that proves the credentials work; returns the number of groups."""
        body = self._get("/groups", {"page": 1, "limit": 1})
        items, _ = read_page(body, 1, "/groups")
        pagination = (body.get("meta") or {}).get("pagination") or {}
        total = pagination.get("total_items")
        return int(total) if isinstance(total, int | float) else len(items)

    def iter_groups(self) -> Iterator[Group]:
        """Every group of the site, 250 per request, as the caller consumes them."""
        return self._iterate("/groups", Group.parse)

    def get_group(self, group_id: int) -> Group:
        return Group.parse(self._get(f"/groups/{int(group_id)}"))

    def find_group_by_name(self, name: str) -> Group | None:
        """The group called `name` (exact match first, then ignoring case), or None."""
        wanted, loose = name.strip(), None
        for group in self.iter_groups():
            if group.name == wanted:
                return group
            if loose is None and group.name.casefold() == wanted.casefold():
                loose = group
        return loose

    def create_group(self, name: str) -> Group:
        """Create a group; a POST that may have reached Thinkific is checked before re-sending."""
        name = name.strip()
        return self._verified_create(
            lambda: Group.parse(self._post("/groups", {"name": name}, idempotent=False)),
            lambda: self.find_group_by_name(name),
        )

    def delete_group(self, group_id: int) -> None:
        """Delete a group. A 404 on a re-sent DELETE means the first one worked."""
        try:
            self._delete(f"/groups/{int(group_id)}")
        except NotFoundError as error:
            if error.attempts == 1:
                raise

    def iter_group_members(self, group_id: int) -> Iterator[User]:
        """The users of a group (`GET /users?query[group_id]=`), every page."""
        return self._iterate("/users", User.parse, {"query[group_id]": int(group_id)})

    def add_user_to_groups(self, user_id: int, group_names: Iterable[str]) -> None:
        """Add a user to groups, named by name (`POST /group_users`; re-adding is a no-op)."""
        names = [str(name) for name in group_names]
        if names:
            body = {"user_id": int(user_id), "group_names": names}
            self._post("/group_users", body, idempotent=True)


class UserOperations:
    """Users: find by email, get, create, update, iterate."""

    def iter_users(
        self, *, email: str | None = None, role: str | None = None, group_id: int | None = None
    ) -> Iterator[User]:
        filters = {"query[email]": email, "query[role]": role, "query[group_id]": group_id}
        return self._iterate("/users", User.parse, _present(filters))

    def find_user_by_email(self, email: str) -> User | None:
        """The user with this email, ignoring case (`query[email]` may match loosely)."""
        wanted = email.strip().casefold()
        for user in self.iter_users(email=email.strip()):
            if user.email.casefold() == wanted:
                return user
        return None

    def get_user(self, user_id: int) -> User:
        return User.parse(self._get(f"/users/{int(user_id)}"))

    def create_user(
        self,
        email: str,
        first_name: str,
        last_name: str,
        *,
        send_welcome_email: bool = False,
        **fields: Any,
    ) -> User:
        """Create a learner (no welcome email unless asked). Re-sent only after a lookup."""
        body = {"email": email.strip(), "first_name": first_name, "last_name": last_name}
        body.update(_user_fields(fields), send_welcome_email=send_welcome_email)
        return self._verified_create(
            lambda: User.parse(self._post("/users", body, idempotent=False)),
            lambda: self.find_user_by_email(email),
        )

    def update_user(self, user_id: int, **fields: Any) -> None:
        """Change a user's fields (first_name, last_name, email, roles, ...)."""
        if not fields:
            raise ValueError("update_user needs at least one field to change")
        self._put(f"/users/{int(user_id)}", _user_fields(fields))


def _user_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise ValueError(f"unknown Thinkific user fields: {', '.join(sorted(unknown))}")
    return fields


def _present(filters: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in filters.items() if value is not None}
