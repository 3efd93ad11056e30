"""Courses: list and get (read-only here; seed them through the control API)."""

from __future__ import annotations

from flask import Response, request

from .. import shapes
from ..pagination import paginate
from ..replies import json_reply, not_found
from ..runtime import emulator
from . import bp


@bp.get("/courses")
def list_courses() -> Response:
    e = emulator()
    with e.lock:
        courses = e.store.courses
        body = paginate(
            sorted(courses), lambda i: shapes.course(courses[i]), request.args, e.switches
        )
    return json_reply(body)


@bp.get("/courses/<int:course_id>")
def get_course(course_id: int) -> Response:
    e = emulator()
    with e.lock:
        course = e.store.courses.get(course_id)
        if course is None:
            raise not_found()
        return json_reply(shapes.course(course))
