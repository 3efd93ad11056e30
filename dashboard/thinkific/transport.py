"""One door to Thinkific over HTTP: auth, timeouts, the shared budget, retries, counters.

Retry rule (tenacity): 429, 5xx, Cloudflare 52x/530, dropped or refused connections, timeouts
and malformed JSON are retried with exponential backoff and jitter, a bounded number of times —
for idempotent requests (GET, PUT, DELETE, and POSTs that only add to a set, like
`POST /group_users`). A non-idempotent POST is re-sent by the transport only when Thinkific
certainly did not act on it: a 429, or a connection that was never made. Any other failure may
have reached the server, so it is raised and the caller decides (see `ThinkificClient`'s
create methods, which look the record up before sending again).

`BEFORE_SEND` is the one hook point on the way out: every callable in it is called with the
method and URL just before each HTTP request is sent. Production leaves it empty; the test
suite's transaction guard (tests/fixtures/transactions.py) uses it to fail any test that calls
Thinkific while a database transaction holds writes.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol, TypeVar

import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .budget import Pause, SharedBudget
from .errors import (
    GraphQLRateLimited,
    MalformedResponse,
    RateLimitedError,
    ThinkificError,
    Transient,
    TransportError,
    error_for_status,
)

T = TypeVar("T")
BEFORE_SEND: list[Callable[[str, str], None]] = []


@dataclass
class CallStats:
    """What a client instance has cost: a sync run reports these."""

    calls: int = 0
    rate_limited: int = 0
    retries: int = 0
    budget_wait_seconds: float = 0.0
    backoff_seconds: float = 0.0


class Budget(Protocol):
    pause: Pause

    def wait_for_turn(self) -> float: ...

    def delay_after_429(self, response: requests.Response) -> float: ...


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    params: Any
    body: Any
    budget: Budget
    check: Callable[[Any], Any] | None

    @property
    def where(self) -> str:
        return f"{self.method} {_path(self.url)}"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 10.0
    jitter: float = 0.5


class Transport:
    """Sends JSON requests to one Thinkific API with the site's shared budget."""

    def __init__(
        self,
        headers: dict[str, str],
        budget: SharedBudget,
        *,
        timeout: tuple[float, float],
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str, float], None] | None = None,
    ) -> None:
        self.session = requests.Session()
        self.on_wait = on_wait
        self.session.headers.update(headers)
        self.budget = budget
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep
        self._stats = CallStats()
        self._lock = threading.Lock()

    @property
    def stats(self) -> CallStats:
        with self._lock:
            return CallStats(**asdict(self._stats))

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = CallStats()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool = True,
        budget: Budget | None = None,
        check: Callable[[Any], Any] | None = None,
    ) -> Any:
        """Send until an answer or a final error; return the decoded JSON body (None if empty).

        `budget` replaces the site's REST budget (GraphQL has its own); `check(body)` reads
        every successful answer, and any answer carrying GraphQL `errors`, inside the retry
        loop, so it may raise a transient error to retry.
        """
        retrying = self._retrying(_transient if idempotent else _certainly_unsent)
        call = Call(method, url, params, json, budget or self.budget, check)
        try:
            return retrying(self._send, call)
        except ThinkificError as error:
            error.attempts = retrying.statistics.get("attempt_number", 1)
            error.maybe_applied = (
                not idempotent and _transient(error) and not _certainly_unsent(error)
            )
            raise

    def verified_create(self, send: Callable[[], T], find: Callable[[], T | None]) -> T:
        """Create a record with a non-idempotent POST without ever creating it twice by retrying.

        When a POST fails in a way that may have reached Thinkific (a 5xx, a dropped
        connection, a timeout, a garbled answer), the record is looked up with `find` before the
        POST is sent again; if it exists, that is the result.
        """
        for attempt in self._retrying(_maybe_applied):
            with attempt:
                if attempt.retry_state.attempt_number > 1 and (found := find()) is not None:
                    return found
                return send()
        raise AssertionError("unreachable: tenacity either returns or raises")

    def close(self) -> None:
        self.session.close()

    def _send(self, call: Call) -> Any:
        self._add(budget_wait_seconds=call.budget.wait_for_turn())
        with self.budget.slots.hold() as waited:
            self._add(budget_wait_seconds=waited, calls=1)
            response = self._http(call.method, call.url, call.params, call.body)
        return self._interpret(response, call)

    def _http(self, method: str, url: str, params: Any, body: Any) -> requests.Response:
        for hook in BEFORE_SEND:
            hook(method, url)
        try:
            return self.session.request(method, url, params=params, json=body, timeout=self.timeout)
        except requests.ConnectTimeout as exc:
            raise TransportError(
                f"Could not connect to Thinkific for {method} {_path(url)} "
                f"within {self.timeout[0]:g} s",
                sent=False,
            ) from exc
        except requests.Timeout as exc:
            raise TransportError(
                f"Thinkific did not answer {method} {_path(url)} in time "
                f"(nothing for {self.timeout[1]:g} s)"
            ) from exc
        except requests.RequestException as exc:
            raise TransportError(
                f"Could not talk to Thinkific ({method} {_path(url)}): {_reason(exc)}",
                sent=not _never_connected(exc),
            ) from exc

    def _interpret(self, response: requests.Response, call: Call) -> Any:
        status, where = response.status_code, call.where
        body = _decode(response, where) if status < 400 else _decode_quietly(response)
        if call.check and (status < 400 or _graphql_errors(body)):
            return call.check(body)  # GraphQL reads its own errors, even on a 400 or 429
        if status == 429:
            self._on_rate_limited(response, call.budget)
        if status >= 400:
            raise error_for_status(status, body, response.text, where)
        return body

    def _on_rate_limited(self, response: requests.Response, budget: Budget) -> None:
        self.note_rate_limited(budget, budget.delay_after_429(response))

    def note_rate_limited(self, budget: Budget, delay: float) -> None:
        """Count a rate-limit answer and pause `budget` for every process, with jitter."""
        budget.pause.extend(delay + random.uniform(0, 1))
        self._add(rate_limited=1)

    def _retrying(self, retryable: Callable[[BaseException], bool]) -> Retrying:
        return Retrying(
            retry=retry_if_exception(retryable),
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            sleep=self.sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )

    def _wait(self, state: Any) -> float:
        error = state.outcome.exception()
        if isinstance(error, RateLimitedError | GraphQLRateLimited):
            return 0.0  # the shared budget's pause does the waiting, for every process
        backoff = wait_exponential_jitter(
            multiplier=self.retry.backoff_base,
            max=self.retry.backoff_max,
            jitter=self.retry.jitter,
        )
        return backoff(state)

    def _count_retry(self, state: Any) -> None:
        self._add(retries=1, backoff_seconds=state.upcoming_sleep or 0.0)
        if self.on_wait is not None and state.upcoming_sleep:
            error = state.outcome.exception()
            self.on_wait(f"retrying after an error ({error})", state.upcoming_sleep)

    def _add(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self._stats, name, getattr(self._stats, name) + amount)


def _maybe_applied(error: BaseException) -> bool:
    """A non-idempotent request failed in a way that may have reached Thinkific."""
    return getattr(error, "maybe_applied", False)


def _transient(error: BaseException) -> bool:
    return isinstance(error, Transient)


def _certainly_unsent(error: BaseException) -> bool:
    """Safe to re-send even a non-idempotent request: Thinkific did not act on it."""
    unsent = isinstance(error, TransportError) and not error.sent
    return unsent or isinstance(error, RateLimitedError | GraphQLRateLimited)


def _graphql_errors(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("errors"), list)


def _decode(response: requests.Response, where: str) -> Any:
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        raise MalformedResponse(
            f"Thinkific answered {where} with {response.status_code} but a body that is not "
            f"JSON: {response.text[:80]!r}"
        ) from None


def _decode_quietly(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _never_connected(exc: requests.RequestException) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _reason(exc: requests.RequestException) -> str:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return str(reason or exc)


def _path(url: str) -> str:
    return requests.utils.urlparse(url).path
