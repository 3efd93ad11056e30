"""Import a group's members from a CSV of emails: upload → preview (each row's outcome, nothing
written) → confirm (the file is checked again and the addable rows are added, source `csv`)."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_login import current_user

from ..auth.permissions import require_admin
from ..extensions import db
from ..models import Group
from . import bp
from .csv_import import CsvRefused, add_rows, check_rows, read_csv
from .detail_views import detail_url, group_or_404
from .forms import CsvConfirmForm, CsvUploadForm
from .service import member_editing_blocker

PAGE = "groups/import.html"


@bp.get("/<id:group_id>/members/import")
def import_members(group_id: int):
    require_admin()
    group = group_or_404(group_id)
    return _page(group, CsvUploadForm())


@bp.post("/<id:group_id>/members/import")
def import_preview(group_id: int):
    group = group_or_404(group_id)
    form = CsvUploadForm()
    if _blocked(group) or not form.validate_on_submit():
        return _page(group, form, status=422)
    data = form.file.data.read()
    try:
        rows = check_rows(group, read_csv(data))
    except CsvRefused as error:
        form.file.errors.append(str(error))
        return _page(group, form, status=422)
    confirm = CsvConfirmForm(formdata=None, csv_text=data.decode("utf-8-sig"))
    return _page(group, form, rows=rows, confirm=confirm)


@bp.post("/<id:group_id>/members/import/confirm")
def confirm_import(group_id: int):
    group = group_or_404(group_id)
    form = CsvConfirmForm()
    if _blocked(group) or not form.validate_on_submit():
        return _page(group, CsvUploadForm(formdata=None), status=422)
    try:
        rows = check_rows(group, read_csv(form.csv_text.data.encode()))
    except CsvRefused as error:
        flash(str(error), "error")
        return _page(group, CsvUploadForm(formdata=None), status=422)
    added = add_rows(group, rows, by=current_user)
    db.session.commit()
    skipped = len(rows) - added
    message = f"Added {added} member{'' if added == 1 else 's'} to {group.name} from the CSV."
    if skipped:
        rows_were = "1 row was" if skipped == 1 else f"{skipped} rows were"
        message += f" {rows_were} left out, as the preview said."
    flash(message, "success")
    return redirect(detail_url(group))


def _blocked(group: Group) -> bool:
    blocker = member_editing_blocker(group)
    if blocker:
        flash(blocker, "error")
    return blocker is not None


def _page(group: Group, form: CsvUploadForm, status: int = 200, **context):
    return render_template(PAGE, group=group, form=form, **context), status
