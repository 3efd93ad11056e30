"""The forms of the group screens. Every error message says what to do."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..models import Direction, Group, Team
from ..text import strip_controls
from .service import NAME_MAX, find_group_by_name, find_team_by_name

DESCRIPTION_MAX = 2000
BULK_MAX = 200  # groups ticked at once: a page of the table holds 50
NAME_PART_ERROR = "At most 100 characters."

# Each direction in words: its label, and which system is the source of truth.
DIRECTIONS: dict[Direction, tuple[str, str]] = {
    Direction.DISABLED: (
        "Disabled",
        "No sync: the team still gets access; neither system changes the other.",
    ),
    Direction.BIDIRECTIONAL: (
        "Bidirectional",
        "Both are sources of truth: a change on either side is copied to the other.",
    ),
    Direction.DASHBOARD_TO_THINKIFIC: (
        "Dashboard-to-Thinkific",
        "The dashboard is the source of truth: its members are pushed to Thinkific.",
    ),
    Direction.THINKIFIC_TO_DASHBOARD: (
        "Thinkific-to-Dashboard",
        "Thinkific is the source of truth: its members are pulled into the dashboard.",
    ),
}
DIRECTION_CHOICES = [SelectChoice(d.value, label) for d, (label, _) in DIRECTIONS.items()]
DIRECTION_ERROR = "Choose one of the four sync directions."


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def no_control_characters(_form: FlaskForm, field: Field) -> None:
    """Refuse NUL, other control characters and text-direction overrides (line breaks, tabs and
    right-to-left text are fine): they hide or disguise what a name says."""
    if strip_controls(field.data or "") != (field.data or ""):
        raise ValidationError(
            "Remove the invisible control characters (such as NUL or text-direction "
            "overrides) from this text."
        )


class GroupForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Give the group a name."),
            Length(max=NAME_MAX, message=f"A group name can have at most {NAME_MAX} characters."),
            no_control_characters,
        ],
    )
    description = TextAreaField(
        "Description",
        filters=[strip],
        validators=[
            Optional(),
            Length(
                max=DESCRIPTION_MAX,
                message=f"A description can have at most {DESCRIPTION_MAX} characters.",
            ),
            no_control_characters,
        ],
    )


class QuickAssignForm(FlaskForm):
    """Assign a team to a group. The team is named (from a searchable list)."""

    team = StringField(
        "Team",
        filters=[strip],
        validators=[
            DataRequired("Choose a team."),
            Length(max=NAME_MAX, message="No team has a name that long; choose one from the list."),
            no_control_characters,
        ],
    )
    direction = RadioField(
        "Sync direction",
        choices=DIRECTION_CHOICES,
        invalid_choice_message=DIRECTION_ERROR,
    )
    chosen_team: Team | None = None

    def validate_team(self, field: Field) -> None:
        self.chosen_team = find_team_by_name(field.data)
        if self.chosen_team is None:
            raise ValidationError(
                f"There is no team named “{field.data}” (it may have been deleted); "
                "choose one from the list."
            )


class BulkAssignForm(QuickAssignForm):
    """Assign one team to the groups ticked in the Groups table."""

    group_ids = SelectMultipleField("Groups", coerce=int, choices=[], validate_choice=False)

    def validate_group_ids(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Tick the groups to assign the team to.")
        if len(field.data) > BULK_MAX:
            raise ValidationError(f"Assign at most {BULK_MAX} groups at once.")


class TeamGroupForm(FlaskForm):
    """Assign a group to a team, from the team's page."""

    group = StringField(
        "Group",
        filters=[strip],
        validators=[
            DataRequired("Choose a group."),
            Length(
                max=NAME_MAX, message="No group has a name that long; choose one from the list."
            ),
            no_control_characters,
        ],
    )
    direction = RadioField(
        "Sync direction", choices=DIRECTION_CHOICES, invalid_choice_message=DIRECTION_ERROR
    )
    chosen_group: Group | None = None

    def validate_group(self, field: Field) -> None:
        self.chosen_group = find_group_by_name(field.data)
        if self.chosen_group is None:
            raise ValidationError(
                f"There is no group named “{field.data}”; choose one from the list."
            )


class DirectionForm(FlaskForm):
    direction = SelectField(
        "Sync direction", choices=DIRECTION_CHOICES, invalid_choice_message=DIRECTION_ERROR
    )


class MemberForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Give the member's email address."),
            Length(max=254, message="An email address can have at most 254 characters."),
        ],
    )
    first_name = StringField(
        "First name",
        filters=[strip],
        validators=[Optional(), Length(max=100, message=NAME_PART_ERROR), no_control_characters],
    )
    last_name = StringField(
        "Last name",
        filters=[strip],
        validators=[Optional(), Length(max=100, message=NAME_PART_ERROR), no_control_characters],
    )


class CsvUploadForm(FlaskForm):
    file = FileField(
        "CSV file of emails", validators=[FileRequired("Choose a CSV file to import.")]
    )


class CsvConfirmForm(FlaskForm):
    """The previewed file, sent back as text: confirming re-checks it and adds what it can."""

    csv_text = HiddenField(
        validators=[DataRequired("The file to import is missing; upload it again.")]
    )
