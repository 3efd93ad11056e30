"""Users, courses and enrollments through the client, against the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.thinkific.errors import NotFoundError, ValidationError

LATER = datetime(2031, 1, 31, 12, 0, tzinfo=UTC)


def test_a_user_is_created_without_a_welcome_email(thinkific, emulator):
    user = thinkific.create_user("Ada@Example.com", "Ada", "Lovelace")

    assert (user.email, user.full_name) == ("ada@example.com", "Ada Lovelace")
    assert emulator.control.welcome_emails() == []
    assert thinkific.get_user(user.id) == user


def test_a_welcome_email_is_sent_only_when_asked(thinkific, emulator):
    user = thinkific.create_user("ada@example.com", "Ada", "Lovelace", send_welcome_email=True)

    assert [m["user_id"] for m in emulator.control.welcome_emails()] == [user.id]


def test_a_taken_email_is_refused_with_the_field_message(thinkific, emulator):
    emulator.control.seed(users=[{"email": "ada@example.com"}])

    with pytest.raises(ValidationError) as refused:
        thinkific.create_user("ada@example.com", "Ada", "Again")

    assert refused.value.field_errors == {"email": ["has already been taken"]}


def test_a_user_is_found_by_email_ignoring_case(thinkific, emulator):
    emulator.control.seed(users=[{"email": "ada@example.com"}, {"email": "bob@example.com"}])

    assert thinkific.find_user_by_email("  ADA@example.com ").email == "ada@example.com"
    assert thinkific.find_user_by_email("eve@example.com") is None


def test_a_loose_email_search_still_finds_only_the_exact_user(thinkific, emulator):
    emulator.control.configure(email_query="partial")
    emulator.control.seed(users=[{"email": "mada@example.com"}, {"email": "ada@example.com"}])

    assert thinkific.find_user_by_email("ada@example.com").email == "ada@example.com"


def test_a_user_is_updated(thinkific, emulator):
    user = thinkific.create_user("ada@example.com", "Ada", "Lovelace")

    thinkific.update_user(user.id, last_name="King", roles=["group_analyst"])

    updated = thinkific.get_user(user.id)
    assert (updated.last_name, updated.roles) == ("King", ("group_analyst",))


def test_updating_a_missing_user_is_not_found(thinkific):
    with pytest.raises(NotFoundError):
        thinkific.update_user(999, first_name="Nobody")


def test_an_unknown_user_field_is_refused_before_sending(thinkific):
    with pytest.raises(ValueError, match="favourite_colour"):
        thinkific.update_user(1, favourite_colour="blue")
    assert thinkific.stats.calls == 0


def test_users_are_listed_by_role(thinkific, emulator):
    emulator.control.seed(
        users=[{"email": "boss@example.com", "roles": ["group_analyst"]}, {"email": "a@b.co"}]
    )

    assert [u.email for u in thinkific.iter_users(role="group_analyst")] == ["boss@example.com"]
    assert len(list(thinkific.iter_users())) == 2


def test_courses_are_listed(thinkific, emulator):
    emulator.control.seed(courses=[{"name": "Safety 101"}, {"name": "First Aid"}])

    courses = list(thinkific.iter_courses())

    assert [c.name for c in courses] == ["Safety 101", "First Aid"]


@pytest.fixture
def learner_and_course(thinkific, emulator):
    emulator.control.seed(users=[{"email": "ada@example.com"}], courses=[{"name": "Safety 101"}])
    user = thinkific.find_user_by_email("ada@example.com")
    return user.id, next(thinkific.iter_courses()).id


def test_an_enrollment_is_created_with_its_dates(thinkific, learner_and_course):
    user_id, course_id = learner_and_course
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)

    enrollment = thinkific.create_enrollment(
        user_id, course_id, activated_at=start, expiry_date=LATER
    )

    assert (enrollment.user_id, enrollment.course_id) == (user_id, course_id)
    assert (enrollment.activated_at, enrollment.expiry_date) == (start, LATER)
    assert not enrollment.is_free_trial
    assert read_back(thinkific, enrollment) == enrollment


def test_an_enrollment_without_activation_is_a_free_trial(thinkific, learner_and_course):
    enrollment = thinkific.create_enrollment(*learner_and_course)

    assert enrollment.is_free_trial
    assert enrollment.expiry_date is None


@pytest.mark.parametrize("status", [204, 200])
def test_an_enrollment_is_updated_whether_thinkific_answers_204_or_an_empty_200(
    thinkific, emulator, learner_and_course, status
):
    emulator.control.configure(enrollment_put_status=status)
    enrollment = thinkific.create_enrollment(*learner_and_course)

    thinkific.update_enrollment(enrollment.id, activated_at=LATER - timedelta(days=365))

    assert not read_back(thinkific, enrollment).is_free_trial


def test_enrollments_are_filtered(thinkific, emulator, learner_and_course):
    user_id, course_id = learner_and_course
    emulator.control.seed(users=[{"email": "bob@example.com"}])
    bob = thinkific.find_user_by_email("bob@example.com")
    thinkific.create_enrollment(user_id, course_id, activated_at=datetime.now(UTC))
    thinkific.create_enrollment(bob.id, course_id)

    assert [e.user_id for e in thinkific.iter_enrollments(course_id=course_id)] == [user_id, bob.id]
    assert [e.user_id for e in thinkific.iter_enrollments(free_trial=True)] == [bob.id]
    assert [e.user_email for e in thinkific.iter_enrollments(email="ada@example.com")] == [
        "ada@example.com"
    ]


def test_an_enrollment_for_unknown_records_says_what_is_missing(thinkific):
    with pytest.raises(ValidationError) as refused:
        thinkific.create_enrollment(998, 999)

    assert refused.value.messages == ["Course could not be found.", "User could not be found."]


def test_a_naive_date_is_refused_before_sending(thinkific, learner_and_course):
    with pytest.raises(ValueError, match="no time zone"):
        thinkific.create_enrollment(*learner_and_course, expiry_date=datetime(2031, 1, 1))


def read_back(thinkific, enrollment):
    """The enrollment as Thinkific lists it now (the way the sync reads enrollments)."""
    (listed,) = [
        e for e in thinkific.iter_enrollments(user_id=enrollment.user_id) if e.id == enrollment.id
    ]
    return listed
