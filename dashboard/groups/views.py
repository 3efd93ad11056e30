from __future__ import annotations

from flask import render_template

from ..extensions import db
from ..models import Group
from . import bp


@bp.get("/")
def index():
    groups = db.session.scalars(db.select(Group).order_by(Group.name_key).limit(50)).all()
    return render_template("groups/index.html", groups=groups)
