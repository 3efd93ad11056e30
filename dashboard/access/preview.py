"""What an access sync would do now, with every change's reason: reads only, nothing written
(not even the records' bookkeeping); the database read's transaction is ended before Thinkific
is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..database import end_transaction
from ..models import utcnow
from .loading import AccessView, Scope, load_view, records_per_course
from .planner import AccessPlan, plan_access
from .reading import AccessReadFailed, choose_reads, read_remote, reconcile
from .step import needs_approval


@dataclass(frozen=True)
class PlannedRow:
    """One change or note as a page or the CLI shows it."""

    email: str
    course: str
    action: str  # grant_access, extend_access, shorten_access, end_access, or "" for a note
    reason: str


@dataclass
class AccessPreview:
    scope: Scope
    plan: AccessPlan | None = None
    reads: str = ""
    error: str | None = None
    view: AccessView | None = field(default=None, repr=False)

    def needs_approval(self) -> bool:
        return self.plan is not None and needs_approval(self.plan)

    def rows(self) -> list[PlannedRow]:
        if self.plan is None or self.view is None:
            return []
        changes = [(c.user_id, c.course_id, c.action.value, c.reason) for c in self.plan.changes]
        notes = [(n.user_id, n.course_id, "", n.reason) for n in self.plan.notes]
        return [self._row(*item) for item in changes + notes]

    def _row(self, user_id: int, course_id: int, action: str, reason: str) -> PlannedRow:
        user, course = self.view.users.get(user_id), self.view.courses.get(course_id)
        return PlannedRow(
            user.email if user else f"user {user_id}",
            course.name if course else f"course {course_id}",
            action,
            reason,
        )


def preview_access(client, scope: Scope) -> AccessPreview:
    view = load_view(scope)
    reads = choose_reads(view, records_per_course())
    end_transaction()  # the read is over: no transaction is open while Thinkific is read
    try:
        remote = read_remote(client, view, reads)
    except AccessReadFailed as error:
        return AccessPreview(scope, error=str(error), view=view)
    now = utcnow()
    held, _ = reconcile(view.records, remote.enrollments, view.courses_to_read(), now)
    plan = plan_access(view.snapshot(held), now=now)
    return AccessPreview(scope, plan, reads.words(), view=view)
