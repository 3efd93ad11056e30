"""Many clients at once, as the sync's ten requests in flight will be."""

from concurrent.futures import ThreadPoolExecutor


def test_parallel_adds_all_land(emulator):
    seeded = emulator.control.seed(
        groups=[{"name": "Acme"}], users=[{"email": f"u{i}@example.com"} for i in range(40)]
    )
    api = emulator.session()

    def add(user):
        body = {"user_id": user["id"], "group_names": ["Acme"]}
        return api.post(f"{emulator.api_url}/group_users", json=body).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(add, seeded["users"]))

    assert statuses == [201] * 40
    assert len(emulator.control.members(seeded["groups"][0]["id"])) == 40


def test_the_budget_holds_under_parallel_requests(emulator):
    emulator.control.configure(rate_limit=15)
    api = emulator.session()

    with ThreadPoolExecutor(10) as pool:
        statuses = list(
            pool.map(lambda _: api.get(f"{emulator.api_url}/groups").status_code, range(40))
        )

    assert statuses.count(200) == 15
    assert statuses.count(429) == 25
