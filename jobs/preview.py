"""Dry runs (Preview sync, `flask sync run --dry-run`): what a run would do, nothing written.

The group sync's plans (`dashboard.sync.preview`) and the course access plan of the same scope
(`dashboard.access.preview`), read with one Thinkific client: for one group, its members'
access; for all groups, everyone's.
"""

from __future__ import annotations

from dashboard.access.loading import Scope
from dashboard.access.preview import preview_access
from dashboard.models import Group
from dashboard.sync import preview as groups
from dashboard.sync.preview import GroupPreview, RunPreview
from dashboard.thinkific.remote import thinkific_client

__all__ = ["GroupPreview", "RunPreview", "preview_all", "preview_group"]


def preview_group(group: Group) -> GroupPreview:
    """What a sync of `group` would do now, its members' course access included."""
    with thinkific_client() as client:
        preview = groups.preview_group(group, client)
        preview.access = preview_access(client, Scope.group(group))
    return preview


def preview_all() -> RunPreview:
    """What a sync of all groups would do now, everyone's course access included."""
    with thinkific_client() as client:
        preview = groups.preview_all(client)
        if preview.error is None:
            preview.access = preview_access(client, Scope.everyone())
    return preview
