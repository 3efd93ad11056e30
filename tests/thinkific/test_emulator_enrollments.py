"""Courses and enrollments: the basics the dashboard needs (API-NOTES §11)."""

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


@pytest.fixture
def site(emulator):
    return emulator.control.seed(
        users=[{"email": "ann@example.com"}, {"email": "bob@example.com"}],
        courses=[{"name": "Safety 101"}, {"name": "First Aid"}],
    )


def test_courses_list_and_get(emulator, api, site):
    course_id = site["courses"][0]["id"]

    listed = api.get(f"{emulator.api_url}/courses").json()
    one = api.get(f"{emulator.api_url}/courses/{course_id}")

    assert [c["name"] for c in listed["items"]] == ["Safety 101", "First Aid"]
    assert one.json()["name"] == "Safety 101"
    assert api.get(f"{emulator.api_url}/courses/{course_id + 999}").status_code == 404


def test_create_enrollment_is_201_and_a_free_trial_without_activation(emulator, api, site):
    body = {"user_id": site["users"][0]["id"], "course_id": site["courses"][0]["id"]}

    response = api.post(f"{emulator.api_url}/enrollments", json=body)

    assert response.status_code == 201
    enrollment = response.json()
    assert enrollment["is_free_trial"] is True
    assert enrollment["activated_at"] is None
    assert enrollment["expiry_date"] is None
    assert enrollment["user_email"] == "ann@example.com"


def test_create_enrollment_with_unknown_ids_lists_both_errors(emulator, api):
    response = api.post(f"{emulator.api_url}/enrollments", json={"user_id": 1, "course_id": 2})

    assert response.status_code == 422
    assert response.json() == {"errors": ["Course could not be found.", "User could not be found."]}


def test_filters_by_user_and_course(emulator, api, site):
    ann, bob = (u["id"] for u in site["users"])
    safety, aid = (c["id"] for c in site["courses"])
    for user, course in ((ann, safety), (ann, aid), (bob, safety)):
        api.post(f"{emulator.api_url}/enrollments", json={"user_id": user, "course_id": course})

    def count(**query):
        params = {f"query[{k}]": v for k, v in query.items()}
        return api.get(f"{emulator.api_url}/enrollments", params=params).json()["meta"][
            "pagination"
        ]["total_items"]

    assert (count(user_id=ann), count(course_id=safety), count(user_id=bob, course_id=aid)) == (
        2,
        2,
        0,
    )


def test_update_enrollment_is_204_and_can_expire_it(emulator, api, site):
    body = {"user_id": site["users"][0]["id"], "course_id": site["courses"][0]["id"]}
    enrollment = api.post(f"{emulator.api_url}/enrollments", json=body).json()
    url = f"{emulator.api_url}/enrollments/{enrollment['id']}"

    response = api.put(url, json={"expiry_date": "2020-01-01T00:00:00Z"})

    assert (response.status_code, response.content) == (204, b"")
    assert api.get(url).json()["expired"] is True


def test_update_enrollment_can_answer_200_empty(emulator, api, site):
    emulator.control.configure(enrollment_put_status=200)
    body = {"user_id": site["users"][0]["id"], "course_id": site["courses"][0]["id"]}
    enrollment = api.post(f"{emulator.api_url}/enrollments", json=body).json()

    response = api.put(
        f"{emulator.api_url}/enrollments/{enrollment['id']}",
        json={"activated_at": "2024-01-01T00:00:00Z"},
    )

    assert (response.status_code, response.content) == (200, b"")


def test_there_is_no_delete(emulator, api, site):
    body = {"user_id": site["users"][0]["id"], "course_id": site["courses"][0]["id"]}
    enrollment = api.post(f"{emulator.api_url}/enrollments", json=body).json()

    response = api.delete(f"{emulator.api_url}/enrollments/{enrollment['id']}")

    assert response.status_code in (404, 405)
    emulator.control.clear_violations()
