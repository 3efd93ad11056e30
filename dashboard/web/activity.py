"""The Activity screen (admins only): the audit trail newest first, filtered, exported as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context

from .. import htmx
from ..activity import kinds, queries
from ..activity.queries import ActivityFilters
from ..auth.permissions import require_admin
from ..database import reads_only
from . import activity_export as export

bp = Blueprint("activity", __name__, url_prefix="/admin/activity")


def blueprint() -> Blueprint:
    return bp


PAGE = "activity/index.html"

bp.before_request(require_admin)


@bp.get("/")
@reads_only
def index():
    filters = queries.parse_filters(request.args)
    context = list_context(filters)
    if htmx.is_partial():
        return htmx.render_fragment(PAGE, "results", **context)
    return render_template(PAGE, people=queries.people(), **context)


@bp.get("/export.csv")
def export_csv():
    filters = queries.parse_filters(request.args)
    lines = stream_with_context(export.csv_lines(filters))
    disposition = f'attachment; filename="{export.filename(filters)}"'
    return Response(lines, mimetype="text/csv", headers={"Content-Disposition": disposition})


def list_context(filters: ActivityFilters) -> dict:
    name = queries.object_name(filters.object) if filters.object else None
    return {
        "filters": filters,
        "args": filters.list_args(),
        "page": queries.activity_page(filters),
        "kinds": kinds.KIND_WORDS,
        "object_types": kinds.OBJECT_TYPES,
        "object_label": name,
    }
