"""Reset, bulk seeding, switches, faults, stats, spec violations and webhooks."""

from __future__ import annotations

from flask import Response

from .. import seeding, webhooks
from ..replies import empty, json_reply
from ..runtime import emulator
from . import ControlError, body, bp


@bp.post("/reset")
def reset() -> Response:
    emulator().reset()
    return empty(204)


@bp.post("/seed")
def seed() -> Response:
    data = body()
    e = emulator()
    with e.lock:
        try:
            return json_reply(seeding.seed(e.store, data), 201)
        except seeding.SeedError as error:
            raise ControlError(str(error)) from None


@bp.post("/generate")
def generate() -> Response:
    data = body()
    counts = {name: data.get(name, 0) for name in ("groups", "users", "memberships")}
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in counts.values()):
        raise ControlError("groups, users and memberships must be whole numbers")
    e = emulator()
    with e.lock:
        try:
            return json_reply(seeding.generate(e.store, **counts), 201)
        except seeding.SeedError as error:
            raise ControlError(str(error)) from None


@bp.get("/config")
def config() -> Response:
    e = emulator()
    with e.lock:
        return json_reply(dict(e.switches))


@bp.patch("/config")
def configure() -> Response:
    return json_reply(emulator().configure(body()))


@bp.get("/faults")
def faults() -> Response:
    return json_reply(emulator().faults.describe())


@bp.post("/faults")
def add_fault() -> Response:
    return json_reply(emulator().faults.add(body()).describe(), 201)


@bp.delete("/faults")
def clear_faults() -> Response:
    emulator().faults.clear()
    return empty(204)


@bp.get("/stats")
def stats() -> Response:
    return json_reply(emulator().stats.summary())


@bp.delete("/stats")
def clear_stats() -> Response:
    emulator().stats.reset()
    return empty(204)


@bp.get("/requests")
def requests_seen() -> Response:
    return json_reply(emulator().stats.requests())


@bp.get("/violations")
def violations() -> Response:
    e = emulator()
    with e.lock:
        return json_reply(list(e.violations))


@bp.delete("/violations")
def clear_violations() -> Response:
    e = emulator()
    with e.lock:
        e.violations.clear()
    return empty(204)


@bp.post("/webhooks")
def send_webhook() -> Response:
    e = emulator()
    try:
        return json_reply(webhooks.deliver(e, body()))
    except webhooks.WebhookError as error:
        raise ControlError(str(error)) from None
