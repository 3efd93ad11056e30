"""The pagination envelope across pages and at its edges (API-NOTES §2)."""

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


def page(emulator, api, **params):
    response = api.get(f"{emulator.api_url}/groups", params=params)
    assert response.status_code == 200
    return response.json()


def test_an_empty_collection(emulator, api):
    body = page(emulator, api)

    assert body["items"] == []
    assert body["meta"]["pagination"] == {
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "total_pages": 1,
        "total_items": 0,
        "entries_info": "No entries found",
    }


def test_one_item(emulator, api):
    emulator.control.generate(groups=1)

    body = page(emulator, api)

    assert len(body["items"]) == 1
    assert body["meta"]["pagination"]["total_pages"] == 1
    assert body["meta"]["pagination"]["next_page"] is None


def test_default_limit_is_25_and_pages_chain(emulator, api):
    emulator.control.generate(groups=60)

    pages, number = [], 1
    while number is not None:
        body = page(emulator, api, page=number)
        pages.append(body)
        number = body["meta"]["pagination"]["next_page"]

    assert [len(p["items"]) for p in pages] == [25, 25, 10]
    assert [p["meta"]["pagination"]["prev_page"] for p in pages] == [None, 1, 2]
    assert pages[1]["meta"]["pagination"]["entries_info"] == "26-50 of 60"
    ids = [g["id"] for p in pages for g in p["items"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 60


def test_limit_250_is_honoured_and_251_is_clamped(emulator, api):
    emulator.control.generate(groups=260)

    at_max = page(emulator, api, limit=250)
    over = page(emulator, api, limit=251)

    assert len(at_max["items"]) == 250
    assert at_max["meta"]["pagination"]["total_pages"] == 2
    assert len(over["items"]) == 250


def test_limit_over_250_can_be_422(emulator, api):
    emulator.control.configure(limit_over_max="422")

    response = api.get(f"{emulator.api_url}/groups", params={"limit": 251})

    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


def test_limit_zero_is_clamped_to_one(emulator, api):
    emulator.control.generate(groups=3)

    body = page(emulator, api, limit=0)

    assert len(body["items"]) == 1
    assert body["meta"]["pagination"]["total_pages"] == 3


def test_a_page_past_the_end_is_empty(emulator, api):
    emulator.control.generate(groups=3)

    body = page(emulator, api, page=5)

    assert body["items"] == []
    assert body["meta"]["pagination"]["next_page"] is None
    assert body["meta"]["pagination"]["current_page"] == 5


def test_prev_page_on_page_one_can_be_zero(emulator, api):
    emulator.control.configure(prev_page_on_first="zero")

    assert page(emulator, api)["meta"]["pagination"]["prev_page"] == 0


def test_entries_info_can_be_left_out(emulator, api):
    emulator.control.configure(entries_info=False)

    assert "entries_info" not in page(emulator, api)["meta"]["pagination"]


def test_order_can_be_newest_first(emulator, api):
    emulator.control.generate(groups=3)
    emulator.control.configure(order="id_desc")

    ids = [g["id"] for g in page(emulator, api)["items"]]

    assert ids == sorted(ids, reverse=True)
