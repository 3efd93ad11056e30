"""The Groups table and a group's members as CSV: streamed row by row, spreadsheet-safe cells."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, request, stream_with_context
from sqlalchemy import select

from ..extensions import db
from ..models import Group, Membership, User, name_key
from ..search import GROUPS, matches
from ..sync_runs.export import csv_line, safe_cell
from . import bp
from .detail_views import group_or_404
from .status import group_status

GROUP_HEADER = ("name", "token", "thinkific_id", "teams", "users", "status")
MEMBER_HEADER = ("email", "first_name", "last_name", "source", "added_utc")
BATCH = 500


@bp.get("/export.csv")
def export_groups():
    """Every group whose name contains the search (`q`), by name."""
    text = (request.args.get("q") or "").strip()
    return _csv_response(_group_lines(text), "groups-filtered.csv" if text else "groups.csv")


@bp.get("/<id:group_id>/members.csv")
def export_members(group_id: int):
    group = group_or_404(group_id)
    return _csv_response(_member_lines(group.id), f"group-{group.id}-members.csv")


def _group_lines(text: str) -> Iterator[str]:
    yield csv_line(GROUP_HEADER)
    where = [matches(GROUPS, name_key(text))] if text else []
    groups = db.session.scalars(
        select(Group).where(*where).order_by(Group.name_key).execution_options(yield_per=BATCH)
    )
    for group in groups:
        cells = (
            group.name,
            group.token,
            group.thinkific_id,
            group.teams_count,
            group.users_count,
            group_status(group).label,
        )
        yield csv_line(safe_cell(cell) for cell in cells)


def _member_lines(group_id: int) -> Iterator[str]:
    yield csv_line(MEMBER_HEADER)
    rows = db.session.execute(
        select(User.email, User.first_name, User.last_name, Membership.source, Membership.added_at)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group_id)
        .order_by(User.email)
        .execution_options(yield_per=BATCH)
    )
    for email, first, last, source, added in rows:
        cells = (email, first, last, source.value, f"{added:%Y-%m-%d %H:%M:%S}")
        yield csv_line(safe_cell(cell) for cell in cells)


def _csv_response(lines: Iterator[str], filename: str) -> Response:
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
