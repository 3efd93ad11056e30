"""Saving a form through the business rules, and records created and edited in place.

Services raise FormError (or a subclass) when the rules refuse a change; `save` validates the
form, makes the change and commits — or rolls back, shows the refusal inline on its field and
leaves nothing half-written. `NewRecords` answers the "New …" form of a list page. A `Part` is
a piece of a page (a list row, a section of a detail page) shown, edited and saved in place;
`Parts` serves the three requests every part answers.

Both follow one layout of templates, by the record's kind ("team"): `teams/index.html` (the
list), `teams/_new.html`, `teams/_row.html`, `teams/_<part>.html` and `_<part>_form.html`,
`teams/edit.html` (a form as a page, without JavaScript), and the endpoint `teams.detail`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import abort, flash, render_template, request, url_for
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


def record_page(kind: str, record: Any) -> str:
    return url_for(f"{kind}s.detail", **{f"{kind}_id": record.id})


@dataclass(frozen=True)
class NewRecords:
    """A list page's "New …" form: refused in place, or a fresh form and the new row at `rows`."""

    kind: str
    rows: str  # where a new row goes, by `swap`
    swap: str = "afterbegin"

    def created(self, record: Any, fresh_form: FlaskForm, **row_context: Any):
        """The fresh form and the new row for htmx; the record's page otherwise."""
        fresh = htmx.render_fragment(f"{self.kind}s/_new.html", form=fresh_form)
        context = {self.kind: record, "new": True, **row_context}
        row = htmx.render_fragment(f"{self.kind}s/_row.html", **context)
        body = fresh + htmx.partial(self.rows, row, self.swap)
        return htmx.fragment_or_redirect(body, record_page(self.kind, record))

    def refused(self, form: FlaskForm, list_context: Callable[[], dict[str, Any]]):
        """The form with its errors: alone for htmx, on the list page otherwise."""
        if htmx.is_partial():
            return htmx.render_fragment(f"{self.kind}s/_new.html", form=form), 422
        return render_template(f"{self.kind}s/index.html", **list_context(), form=form), 422


def no_context(_record: Any) -> dict[str, Any]:
    return {}


def no_preparation(_form: FlaskForm, _record: Any, _editing: bool) -> None:
    return None


@dataclass(frozen=True)
class Part:
    form: type[FlaskForm]
    apply: Callable[[Any, Any], Any]  # (record, valid form) -> record, raising FormError
    saved: str  # the flash message, formatted with obj=the record
    context: Callable[[Any], dict[str, Any]] = no_context  # what its templates need besides it
    prepare: Callable[[FlaskForm, Any, bool], None] = no_preparation  # (form, record, editing)


@dataclass(frozen=True)
class Parts:
    """The parts of one kind of record edited in place (`kind` "team": `teams/_row.html`,
    `teams/_row_form.html`, `teams/edit.html` for plain requests, `teams.detail` after)."""

    kind: str
    model: type
    parts: Mapping[str, Part]
    after_save: Callable[[Any], None] = field(default=lambda _record: None)

    def show(self, record_id: int, name: str):
        """The part as shown (Cancel of an edit, or a plain request: the record's page)."""
        record, part = self._load(record_id, name)
        return htmx.fragment_or_redirect(
            self._render(name, record, part), record_page(self.kind, record)
        )

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
        return htmx.fragment_or_redirect(
            self._render(name, record, part), record_page(self.kind, record)
        )

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

    def _shown(self, name: str, record: Any, part: Part):
        fragment = self._render(name, record, part)
        return htmx.fragment_or_redirect(fragment, record_page(self.kind, record))

    def _render(self, name: str, record: Any, part: Part) -> str:
        context = {self.kind: record, **part.context(record)}
        return htmx.render_fragment(f"{self.kind}s/_{name}.html", **context)

    def _render_form(self, name: str, record: Any, part: Part, form: FlaskForm) -> str:
        context = {self.kind: record, "form": form, "part": name, **part.context(record)}
        if htmx.is_partial():
            return htmx.render_fragment(f"{self.kind}s/_{name}_form.html", **context)
        return render_template(f"{self.kind}s/edit.html", **context)
