"""`EmulatorControl(base_url)`: the control API over HTTP, for tests, the demo and benchmarks.

Every method raises `requests.HTTPError` when the emulator refuses (the message is in the body).
"""

from __future__ import annotations

from typing import Any

import requests

from .runtime import CONTROL_BASE


class EmulatorControl:
    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base = base_url.rstrip("/") + CONTROL_BASE
        self.timeout = timeout
        self.session = requests.Session()

    def _call(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        response = self.session.request(
            method, self.base + path, json=json, params=params or None, timeout=self.timeout
        )
        if response.status_code >= 400:
            raise requests.HTTPError(
                f"{method} {path}: {response.status_code} {response.text}", response=response
            )
        return response.json() if response.content else None

    # the site as a whole

    def info(self) -> dict:
        return self._call("GET", "/")

    def reset(self) -> None:
        self._call("POST", "/reset")

    def seed(self, **sections: list[dict]) -> dict:
        """Bulk load: groups, users, courses, memberships, enrollments (see README)."""
        return self._call("POST", "/seed", json=sections)

    def generate(self, groups: int = 0, users: int = 0, memberships: int = 0) -> dict:
        """Synthetic groups, users and memberships spread evenly over the groups."""
        payload = {"groups": groups, "users": users, "memberships": memberships}
        return self._call("POST", "/generate", json=payload)

    # an admin in Thinkific's own UI

    def create_group(self, name: str) -> dict:
        return self._call("POST", "/groups", json={"name": name})

    def delete_group(self, group_id: int) -> None:
        self._call("DELETE", f"/groups/{group_id}")

    def groups(self) -> list[dict]:
        return self._call("GET", "/groups")

    def group_named(self, name: str) -> dict | None:
        return next((group for group in self.groups() if group["name"] == name), None)

    def members(self, group_id: int) -> list[dict]:
        """All members (users), each with `visible`: whether the API shows them yet."""
        return self._call("GET", f"/groups/{group_id}/members")

    def member_emails(self, group_id: int) -> set[str]:
        return {member["email"] for member in self.members(group_id)}

    def add_member(self, group_id: int, user_id: int) -> bool:
        """True when added, False when already a member."""
        return self._call("POST", f"/groups/{group_id}/members", json={"user_id": user_id})["added"]

    def remove_member(self, group_id: int, user_id: int) -> None:
        self._call("DELETE", f"/groups/{group_id}/members/{user_id}")

    def create_user(self, email: str, first_name: str | None = None, **fields: Any) -> dict:
        payload = {"email": email, **fields}
        if first_name is not None:
            payload["first_name"] = first_name
        return self._call("POST", "/users", json=payload)

    def update_user(self, user_id: int, **fields: Any) -> dict:
        return self._call("PATCH", f"/users/{user_id}", json=fields)

    def delete_user(self, user_id: int) -> None:
        self._call("DELETE", f"/users/{user_id}")

    def users(self) -> list[dict]:
        return self._call("GET", "/users")

    def user(self, user_id: int) -> dict:
        """The user, with `group_ids` and `welcome_email` (whether one was sent)."""
        return self._call("GET", f"/users/{user_id}")

    def user_by_email(self, email: str) -> dict | None:
        found = self._call("GET", "/users", email=email)
        return found[0] if found else None

    def courses(self) -> list[dict]:
        return self._call("GET", "/courses")

    def enrollments(self) -> list[dict]:
        return self._call("GET", "/enrollments")

    def welcome_emails(self) -> list[dict]:
        return self._call("GET", "/welcome_emails")

    # behaviour

    def config(self) -> dict:
        return self._call("GET", "/config")

    def configure(self, **switches: Any) -> dict:
        """Set switches by name, e.g. configure(group_single_wrapped=True, rate_limit=5)."""
        return self._call("PATCH", "/config", json=switches)

    def add_fault(self, kind: str, **rule: Any) -> dict:
        """kind: server_error | cloudflare | slow | drop | malformed_json | rate_limit; rule:
        method, path (glob), rate or nth, times, status, delay, reset_after."""
        return self._call("POST", "/faults", json={"kind": kind, **rule})

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    # what happened

    def stats(self) -> dict:
        return self._call("GET", "/stats")

    def clear_stats(self) -> None:
        self._call("DELETE", "/stats")

    def requests(self) -> list[dict]:
        """The recent Thinkific requests: method, path, query, endpoint, status, user_agent."""
        return self._call("GET", "/requests")

    def violations(self) -> list[dict]:
        return self._call("GET", "/violations")

    def clear_violations(self) -> None:
        self._call("DELETE", "/violations")

    def send_webhook(self, url: str, topic: str, **fields: Any) -> dict:
        """Deliver a signed webhook; fields: payload, user_id, enrollment_id, secret, signed."""
        return self._call("POST", "/webhooks", json={"url": url, "topic": topic, **fields})
