from __future__ import annotations

from flask import jsonify
from sqlalchemy import text

from ..extensions import csrf, db
from ..redis_client import get_redis
from . import bp


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """Whether the database and Redis answer: 200 when both do, 503 otherwise."""
    checks = {"database": check_database(), "redis": check_redis()}
    healthy = all(result == "ok" for result in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), (
        200 if healthy else 503
    )


def check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:
        db.session.rollback()
        return f"error: {type(error).__name__}"


def check_redis() -> str:
    try:
        get_redis().ping()
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}"
