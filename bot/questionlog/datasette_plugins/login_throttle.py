"""A Datasette plugin that slows down and then locks out repeated failed logins.

`jpo-bot admin-web` runs Datasette with `--plugins-dir` pointing at this folder, so this
file is loaded by the Datasette child, not imported by the bot: it needs only the
standard library and Datasette.

The password check itself is datasette-auth-passwords' (HTTP basic auth). This wrapper
sits outside it and watches the outcome: a request that carried credentials and got
401 is a failed login. Per client address:

- every failure is answered only after a delay that grows with each failure;
- `max_failures` failures within `window_seconds` lock the client out for
  `lockout_seconds`: every request gets 429 with Retry-After, the right password
  included, so a locked-out guesser learns nothing;
- a successful login forgets the client's failures.

Requests without credentials (a browser's first request) are not failures.
"""

# No `from __future__ import annotations`: Datasette loads this file without putting it in
# sys.modules, and dataclasses cannot resolve string annotations of such a module.
import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

PLUGIN_NAME = "jpo-bot-login-throttle"
MAX_TRACKED_CLIENTS = 10_000
"""Bounds the memory a crowd of addresses can take; the oldest entries go first."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures, over how long, cost how much."""

    max_failures: int = 5
    window_seconds: float = 60.0
    lockout_seconds: float = 300.0
    delay_step_seconds: float = 0.25


@dataclass(slots=True)
class _Client:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class LoginThrottle:
    """Counts failed logins per client; says how long to delay and whether to refuse."""

    def __init__(self, policy: ThrottlePolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._clients: dict[str, _Client] = {}

    def locked_for(self, client: str) -> float:
        """Seconds the client stays locked out (0 when it may try)."""
        entry = self._clients.get(client)
        if entry is None:
            return 0.0
        return max(0.0, entry.locked_until - self._clock())

    def failed(self, client: str) -> float:
        """Records a failure; returns the delay to impose on its answer, in seconds."""
        now = self._clock()
        entry = self._clients.pop(client, None) or _Client()
        self._clients[client] = entry  # re-inserted: the dict stays ordered by last failure
        while entry.failures and entry.failures[0] <= now - self.policy.window_seconds:
            entry.failures.popleft()
        entry.failures.append(now)
        count = len(entry.failures)
        if count >= self.policy.max_failures:
            entry.locked_until = now + self.policy.lockout_seconds
            entry.failures.clear()
        self._forget_oldest()
        return self.policy.delay_step_seconds * count

    def succeeded(self, client: str) -> None:
        """Forgets the client's failures (not a running lockout)."""
        entry = self._clients.get(client)
        if entry is not None and self.locked_for(client) == 0.0:
            del self._clients[client]

    def _forget_oldest(self) -> None:
        while len(self._clients) > MAX_TRACKED_CLIENTS:
            del self._clients[next(iter(self._clients))]


def throttled(app: App, throttle: LoginThrottle) -> App:
    """Wraps an ASGI app (the password check included) with the throttle."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        locked = throttle.locked_for(client)
        if locked > 0:
            await _too_many(send, locked)
            return
        has_credentials = any(name == b"authorization" for name, _ in scope.get("headers", ()))

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start" and has_credentials:
                status = int(message["status"])
                if status == 401:
                    await asyncio.sleep(throttle.failed(client))
                elif status < 500:
                    # A server error is no proof of the right password: it must not reset.
                    throttle.succeeded(client)
            await send(message)

        await app(scope, receive, watching)

    return guarded


async def _too_many(send: Send, seconds: float) -> None:
    retry_after = max(1, round(seconds))
    body = f"Too many failed logins: try again in {retry_after} seconds.\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"retry-after", str(retry_after).encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _policy(config: dict[str, Any] | None) -> ThrottlePolicy:
    defaults = ThrottlePolicy()
    values = {
        name: type(getattr(defaults, name))((config or {}).get(name, getattr(defaults, name)))
        for name in ThrottlePolicy.__dataclass_fields__
    }
    return ThrottlePolicy(**values)


try:
    from datasette import hookimpl
except ImportError:  # imported by the bot's tests without the `admin` extra
    pass
else:

    @hookimpl(trylast=True)
    def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
        """Wraps Datasette outermost (trylast), so the password check's 401 passes through."""
        throttle = LoginThrottle(_policy(datasette.plugin_config(PLUGIN_NAME)))
        return lambda app: throttled(app, throttle)
