"""The machinery every vendor fake shares: an aiohttp server on 127.0.0.1 in a thread with its own
event loop, scripted faults, latency, and server-side counts.

A request to the vendor's endpoint goes through these steps, in order:

1. the body is parsed and the request validated the vendor's way (a bad request gets the vendor's
   400/401 and consumes no fault: validation errors are the server's, not the script's);
2. the next fault is taken: first from the queue (`script`), else from the rules (`add_rule`);
3. the server waits `delay_s` (a `delay` fault waits its own time instead);
4. the fault is acted out (an error status, a dropped connection, a broken or empty body, a
   content-filter stop), or the answer is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeVar

from aiohttp import web

__all__ = [
    "DROPPED",
    "AnswerFn",
    "BadRequest",
    "FakeServer",
    "Fault",
    "Received",
    "Rule",
    "default_answer",
    "example_for",
    "message_text",
    "words",
]

DROPPED = 0  # the status counted for a connection closed without a response

FaultKind = Literal["status", "delay", "drop", "malformed", "empty", "filter"]


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour. Build them with the class methods."""

    kind: FaultKind
    status: int = 200
    retry_after: str | None = None  # the Retry-After header, sent as given
    delay_s: float = 0.0

    @classmethod
    def http(cls, status: int, *, retry_after: float | str | None = None) -> Fault:
        """An error status with the vendor's error body (400, 401, 404, 500, 503, ...)."""
        header = None if retry_after is None else _header_value(retry_after)
        return cls("status", status=status, retry_after=header)

    @classmethod
    def rate_limit(cls, retry_after: float | str | None = 1) -> Fault:
        return cls.http(429, retry_after=retry_after)

    @classmethod
    def overloaded(cls) -> Fault:
        """529, Anthropic's "overloaded_error"."""
        return cls.http(529)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, but only after `seconds` (longer than the client's timeout, say)."""
        return cls("delay", delay_s=seconds)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without sending a response."""
        return cls("drop")

    @classmethod
    def malformed(cls) -> Fault:
        """200 with a JSON content type and a truncated body."""
        return cls("malformed")

    @classmethod
    def empty(cls) -> Fault:
        """A well-formed answer with no text."""
        return cls("empty")

    @classmethod
    def content_filter(cls) -> Fault:
        """The vendor's safety stop: finish_reason content_filter, stop_reason refusal."""
        return cls("filter")


def _header_value(seconds: float | str) -> str:
    if isinstance(seconds, str):
        return seconds
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


@dataclass(frozen=True)
class Received:
    """A request as the server saw it. Header names are lower case."""

    path: str
    headers: Mapping[str, str]
    body: Mapping[str, Any]
    schema: Mapping[str, Any] | None = None  # the JSON schema the request asks the answer to fit
    forced_tool: str | None = None  # Anthropic: the tool that tool_choice forces


AnswerFn = Callable[[Received], str]
_Server = TypeVar("_Server", bound="FakeServer")
Rule = Callable[[Received], Fault | None]


class BadRequest(Exception):
    """Raised by a vendor's validation: becomes that vendor's error response."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message


def example_for(schema: Mapping[str, Any], prose: str) -> Any:
    """The simplest value that fits `schema`: strings carry `prose` (cut to maxLength), enums
    take their first value. Enough for the schemas the harness sends."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props: Mapping[str, Any] = schema.get("properties", {})
        return {name: example_for(sub, prose) for name, sub in props.items()}
    if kind == "string":
        limit = schema.get("maxLength")
        return prose if limit is None else prose[: int(limit)]
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def default_answer(received: Received) -> str:
    """Deterministic: the same messages always give the same text; JSON when a schema is asked."""
    conversation = {k: received.body.get(k) for k in ("system", "messages")}
    digest = hashlib.sha256(json.dumps(conversation, sort_keys=True).encode()).hexdigest()[:8]
    prose = f"Go to the emergency department now. (ref {digest})"
    if received.schema is None:
        return prose
    return json.dumps(example_for(received.schema, prose))


def words(text: str) -> int:
    """A token count good enough for usage fields."""
    return len(text.split())


class FakeServer:
    """Base of the vendor fakes. Subclasses set `path` and implement the wire format hooks."""

    path: ClassVar[str]

    def __init__(self, *, delay_s: float = 0.0, answer: AnswerFn | None = None) -> None:
        self.delay_s = delay_s
        self.answer: AnswerFn = answer or default_answer
        self.port = 0
        self._faults: deque[Fault | None] = deque()
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._statuses: Counter[int] = Counter()
        self._received: list[Received] = []
        self._serial = 0
        self._arrived = 0
        self._generation = 0  # bumped by reset(): late answers from before it are not counted
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # --- the vendor's wire format -------------------------------------------------------------

    def validate(self, headers: Mapping[str, str], body: Any) -> Received:
        """Check the request as the vendor does; raise BadRequest, or describe the request."""
        raise NotImplementedError

    def error_body(self, status: int, kind: str | None, message: str) -> dict[str, Any]:
        raise NotImplementedError

    def answer_body(self, received: Received, text: str | None, stop: str) -> dict[str, Any]:
        """`stop` is "normal" or "filter"; `text` None means no content at all."""
        raise NotImplementedError

    def request_id_header(self) -> str:
        raise NotImplementedError

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Scheme, host and port; OpenAI clients add /v1, Anthropic's SDK adds /v1/messages."""
        return f"http://127.0.0.1:{self.port}"

    def start(self: _Server) -> _Server:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._serve, name=type(self).__name__, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._startup_error is not None:
            raise RuntimeError(f"{type(self).__name__} did not start") from self._startup_error
        return self

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._open())
        except BaseException as exc:  # noqa: BLE001 - handed to the starting thread
            self._startup_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            pending = asyncio.all_tasks(loop)  # handlers still sleeping out a delay fault
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _open(self) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post(self.path, self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        # shutdown_timeout: handlers still sleeping (a delay fault) must not hold up stop()
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock, backlog=1024).start()

    # --- scripting and counting ---------------------------------------------------------------

    def script(self, *faults: Fault | None) -> None:
        """Faults for the next requests, one each, in order; None answers that request normally."""
        self._faults.extend(faults)

    def add_rule(self, rule: Rule) -> None:
        """Consulted, in order, for requests the script has no fault for."""
        self._rules.append(rule)

    def reset(self) -> None:
        """Forget faults, rules, counts and received requests (the delay and answer stay)."""
        with self._lock:
            self._faults.clear()
            self._rules.clear()
            self._statuses.clear()
            self._received.clear()
            self._arrived = 0
            self._generation += 1

    @property
    def calls(self) -> int:
        """Requests to the vendor's endpoint, counted on arrival, whatever became of them."""
        with self._lock:
            return self._arrived

    @property
    def statuses(self) -> dict[int, int]:
        """Responses per status, counted when sent (a delayed answer counts after its delay);
        a dropped connection counts under DROPPED (0)."""
        with self._lock:
            return dict(self._statuses)

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def pending_faults(self) -> int:
        return len(self._faults)

    def _count(self, generation: int, status: int, received: Received | None = None) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._statuses[status] += 1
            if received is not None:
                self._received.append(received)

    def _next_id(self) -> str:
        with self._lock:
            self._serial += 1
            return f"{self.port}{self._serial:08d}"

    # --- handling -----------------------------------------------------------------------------

    def _error(self, status: int, kind: str | None, message: str, **headers: str) -> web.Response:
        hdrs = {self.request_id_header(): f"req_{self._next_id()}", **headers}
        return web.json_response(
            self.error_body(status, kind, message), status=status, headers=hdrs
        )

    async def _not_found(self, request: web.Request) -> web.Response:
        return self._error(404, "not_found_error", f"no route for {request.method} {request.path}")

    def _next_fault(self, received: Received) -> Fault | None:
        if self._faults:
            return self._faults.popleft()
        for rule in self._rules:
            fault = rule(received)
            if fault is not None:
                return fault
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self._arrived += 1
            generation = self._generation
        raw = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        try:
            received = self.validate(headers, body)
        except BadRequest as bad:
            self._count(generation, bad.status)
            return self._error(bad.status, bad.kind, bad.message)
        fault = self._next_fault(received)
        await asyncio.sleep(fault.delay_s if fault and fault.kind == "delay" else self.delay_s)
        if fault is not None and fault.kind == "drop":
            self._count(generation, DROPPED, received)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # never written: the transport is closed
        if fault is not None and fault.kind == "status":
            self._count(generation, fault.status, received)
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            return self._error(fault.status, None, f"scripted {fault.status}", **extra)
        self._count(generation, 200, received)
        hdrs = {self.request_id_header(): f"req_{self._next_id()}"}
        if fault is not None and fault.kind == "malformed":
            return web.Response(
                body=b'{"id": "broken", "choices": [{"index": 0, "message": {"role": "assi',
                content_type="application/json",
                headers=hdrs,
            )
        if fault is not None and fault.kind == "empty":
            return web.json_response(self.answer_body(received, "", "normal"), headers=hdrs)
        if fault is not None and fault.kind == "filter":
            return web.json_response(self.answer_body(received, None, "filter"), headers=hdrs)
        text = self.answer(received)
        return web.json_response(self.answer_body(received, text, "normal"), headers=hdrs)


def message_text(content: Any) -> str:
    """The text of a message's content: a string, or a list of {type: text, text} parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""
