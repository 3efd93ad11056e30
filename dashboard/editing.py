"""Saving a form through the business rules, and records created and edited in place.

Services raise FormError (or a subclass) when the rules refuse a change; `save` validates the
form, makes the change and commits — or rolls back, shows the refusal inline on its field and
leaves nothing half-written. `NewRecords` answers the "New …" form of a list page. A `Part` is
a piece of a page (a list row, a section of a detail page) shown, edited and saved in place;
`Parts` serves the three requests every part answers.

Each names its templates and the record's page in full where it is declared (in the views),
so that grep finds every use of a template; `kind` ("team") is only the name the templates
know the record by.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import abort, flash, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms.validators import ValidationError

from . import htmx
from .extensions import db

T = TypeVar("T")
CONFLICT = "Someone else just made a change that conflicts with this one; try again."


class FormError(ValueError):
    """A change the rules refuse; the message is for the admin, `field` the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check(rule: Callable[..., object], *args: object) -> None:
    """Run a service rule as a form validator, so that every refusal shows at once."""
    try:
        rule(*args)
    except FormError as error:
        raise ValidationError(str(error)) from None


def save(
    form: FlaskForm, change: Callable[[], T], *, field: str | None = None, conflict: str = CONFLICT
) -> T | None:
    """Validate `form`, make `change` and commit; None when the form or the rules refuse.

    A refusal shows on its own field, or on `field`; a write that collides with someone else's
    (a unique key taken meanwhile) shows `conflict` on `field`.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = change()
        db.session.commit()
    except FormError as error:
        return _refused(form, error.field or field, str(error))
    except IntegrityError:
        return _refused(form, field, conflict)
    return result


def _refused(form: FlaskForm, field: str | None, message: str) -> None:
    db.session.rollback()
    form[field].errors.append(message)


@dataclass(frozen=True)
class NewRecords:
    """A list page's "New …" form: refused in place, or a fresh form and the new row at `rows`."""

    kind: str  # the record's name in the row template
    new_form: str  # template: the "New …" form
    row: str  # template: one row of the list
    list_page: str  # template: the list page, for a plain request
    record_page: Callable[[Any], str]  # the URL of a record's page
    rows: str  # where a new row goes, by `swap`
    swap: str = "afterbegin"

    def created(self, record: Any, fresh_form: FlaskForm, **row_context: Any):
        """The fresh form and the new row for htmx; the record's page otherwise."""
        fresh = htmx.render_fragment(self.new_form, form=fresh_form)
        row = htmx.render_fragment(self.row, **{self.kind: record, "new": True, **row_context})
        body = fresh + htmx.partial_at(self.rows, row, self.swap)
        return htmx.fragment_or_redirect(body, self.record_page(record))

    def refused(self, form: FlaskForm, list_context: Callable[[], dict[str, Any]]):
        """The form with its errors: alone for htmx, on the list page otherwise."""
        if htmx.is_partial():
            return htmx.render_fragment(self.new_form, form=form), 422
        return render_template(self.list_page, **list_context(), form=form), 422


def no_context(_record: Any) -> dict[str, Any]:
    return {}


def no_preparation(_form: FlaskForm, _record: Any, _editing: bool) -> None:
    return None


@dataclass(frozen=True)
class Part:
    template: str  # the part as shown
    form_template: str  # the part as a form
    form: type[FlaskForm]
    apply: Callable[[Any, Any], Any]  # (record, valid form) -> record, raising FormError
    saved: str  # the flash message, formatted with obj=the record
    context: Callable[[Any], dict[str, Any]] = no_context  # what its templates need besides it
    prepare: Callable[[FlaskForm, Any, bool], None] = no_preparation  # (form, record, editing)


@dataclass(frozen=True)
class Parts:
    """The parts of one kind of record edited in place: each part's templates, `edit_page`
    (a part's form as a page, for plain requests) and `record_page` (where a save leads)."""

    kind: str  # the record's name in the templates
    model: type
    edit_page: str
    record_page: Callable[[Any], str]
    parts: Mapping[str, Part]
    after_save: Callable[[Any], None] = field(default=lambda _record: None)

    def show(self, record_id: int, name: str):
        """The part as shown (Cancel of an edit, or a plain request: the record's page)."""
        record, part = self._load(record_id, name)
        return htmx.fragment_or_redirect(self._render(record, part), self.record_page(record))

    def edit(self, record_id: int, name: str):
        record, part = self._load(record_id, name)
        return self._render_form(name, record, part, self._form(name, record, part))

    def update(self, record_id: int, name: str):
        record, part = self._load(record_id, name)
        form = self._form(name, record, part)
        if save(form, lambda: part.apply(record, form)) is None:
            return self._render_form(name, record, part, form), 422
        flash(part.saved.format(obj=record), "success")
        self.after_save(record)
        return htmx.fragment_or_redirect(self._render(record, part), self.record_page(record))

    def _load(self, record_id: int, name: str) -> tuple[Any, Part]:
        if name not in self.parts:
            abort(404)
        return db.get_or_404(self.model, record_id), self.parts[name]

    def _form(self, name: str, record: Any, part: Part) -> FlaskForm:
        """The part's form, filled from the record when shown, from the request when sent."""
        editing = request.method == "GET"
        form = part.form(obj=record if editing else None, prefix=f"{name}-{record.id}")
        part.prepare(form, record, editing)
        return form

    def _render(self, record: Any, part: Part) -> str:
        return htmx.render_fragment(part.template, **{self.kind: record, **part.context(record)})

    def _render_form(self, name: str, record: Any, part: Part, form: FlaskForm) -> str:
        context = {self.kind: record, "form": form, "part": name, **part.context(record)}
        if htmx.is_partial():
            return htmx.render_fragment(part.form_template, **context)
        return render_template(self.edit_page, **context)
