"""A group's members from a CSV of emails: read the file, say what each row would do, and add
the rows that can be added. Reading and checking write nothing; only `add_rows` does.

The file is UTF-8 (a byte-order mark is fine). A first row naming an `email` column is a header
(`first_name` and `last_name` columns are used too); otherwise the first column is the email.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select

from ..accounts import AccountError, normalize_email
from ..extensions import db
from ..models import Account, Group, Membership, MemberSource, User
from . import service

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
NAME_MAX = 100


class CsvRefused(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class CsvRow:
    line: int  # the row's line in the file, as a spreadsheet numbers it
    email: str
    first_name: str = ""
    last_name: str = ""
    error: str | None = None  # why this row will not be added
    new_user: bool = False  # no user has this email yet: one will be created

    @property
    def addable(self) -> bool:
        return self.error is None


def read_csv(data: bytes) -> list[CsvRow]:
    """The file's rows as written (emails not checked yet); raises CsvRefused."""
    if len(data) > MAX_BYTES:
        raise CsvRefused(f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvRefused("The file is not UTF-8 text; save it as “CSV UTF-8” and retry.") from None
    lines = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not lines:
        raise CsvRefused("The file has no rows; it needs one email per row.")
    columns, first = _columns(lines[0])
    rows = [_row(number, cells, columns) for number, cells in enumerate(lines, 1)][first:]
    if len(rows) > MAX_ROWS:
        raise CsvRefused(f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at once.")
    return rows


def check_rows(group: Group, rows: list[CsvRow]) -> list[CsvRow]:
    """Each row with what would happen to it in `group` now (reads only)."""
    seen: dict[str, int] = {}
    checked = [_checked(row, seen) for row in rows]
    emails = [row.email for row in checked if row.addable]
    in_group = (
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id)
    )
    members = _existing(in_group, emails)
    users = _existing(select(User.email), emails)
    return [_against(row, group, members, users) for row in checked]


def add_rows(group: Group, rows: list[CsvRow], by: Account | None) -> int:
    """Add every addable row as a member from `csv`; the caller commits (one transaction)."""
    added = 0
    for row in (row for row in rows if row.addable):
        user = service.find_or_create_user(row.email, row.first_name, row.last_name)
        service.add_member(group, user, MemberSource.CSV, by=by)
        added += 1
    return added


def _columns(header: list[str]) -> tuple[dict[str, int], int]:
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    if "email" not in names:
        return {"email": 0}, 0
    wanted = ("email", "first_name", "last_name")
    return {name: names.index(name) for name in wanted if name in names}, 1


def _row(line: int, cells: list[str], columns: dict[str, int]) -> CsvRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    return CsvRow(line, cell("email"), cell("first_name"), cell("last_name"))


def _checked(row: CsvRow, seen: dict[str, int]) -> CsvRow:
    if not row.email:
        return _error(row, "No email in this row.")
    try:
        email = normalize_email(row.email)
    except AccountError:
        return _error(row, f"“{row.email}” is not a valid email address.")
    if email in seen:
        return _error(row, f"Listed twice: row {seen[email]} has the same email.")
    seen[email] = row.line
    if len(row.first_name) > NAME_MAX or len(row.last_name) > NAME_MAX:
        return _error(row, f"A name can have at most {NAME_MAX} characters.")
    return CsvRow(row.line, email, row.first_name, row.last_name)


def _against(row: CsvRow, group: Group, members: set[str], users: set[str]) -> CsvRow:
    if not row.addable:
        return row
    if row.email in members:
        return _error(row, f"Already a member of {group.name}.")
    return CsvRow(
        row.line, row.email, row.first_name, row.last_name, new_user=row.email not in users
    )


def _error(row: CsvRow, message: str) -> CsvRow:
    return CsvRow(row.line, row.email, row.first_name, row.last_name, error=message)


def _existing(statement, emails: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found |= set(db.session.scalars(statement.where(User.email.in_(chunk))))
    return found
