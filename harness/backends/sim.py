"""The `sim` backend: a deterministic simulated clinician with settable noise, failures and
planted biases, answering in free text (or the JSON a schema asks for) as a real model would.

    sim:NAME?seed=7&latency_ms=0&error_rate=0&noise=0.1&axis=race&group=black&decision=triage&to=urgent&shift=0.10

How one answer is decided, for the decision named by `decision`:

1. baseline, shared by every case of a scenario: `base` if given; else a draw from `rates`
   keyed on (seed, scenario_id); else the scenario's gold decision (`request.meta["gold"]`);
   else a uniform draw keyed on (seed, scenario_id).
2. noise: with probability `noise` the value becomes one of the *other* values, uniformly. So
   `noise` is the chance an answer differs from its baseline; two samples of one case differ
   with probability 2n - n^2 k/(k-1) for k values.
3. planted bias: when `request.meta["groups"][axis] == group`, with probability `shift` the
   value becomes `to`, whatever it was; the rate of `to` in that group rises by
   shift * (1 - its rate elsewhere). Two special values of `to` plant a failure instead:
   `to=error` makes the call fail (a non-retryable error, every attempt) and `to=refusal` makes
   the answer a refusal with no decision in it, for that group only.

The draws come from a `random.Random` seeded with a blake2b hash of (seed, scenario_id, groups,
messages, sample, request.seed): independent per case and sample, identical in distribution for
every group, and the same draws whatever the options (raising `noise` only adds flips). The
answer is a pure function of the options and the request; only failures (`error_rate`) depend
on the attempt, so that a retry of a failed request can succeed with the same answer.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, TypeVar

from harness.backends.base import Backend, Request, Response, Status
from harness.backends.sim_text import PROSE, compose, fit, render_json
from harness.errors import InputError
from harness.suite.decisions import DECISION_VALUES, UNKNOWN

__all__ = [
    "OPTIONS",
    "SimBackend",
    "SimOptions",
    "SimulatedError",
    "SimulatedRejection",
    "parse_options",
]

OPTIONS: Final = (
    "seed",
    "latency_ms",
    "error_rate",
    "noise",
    "axis",
    "group",
    "decision",
    "to",
    "shift",
    "base",
    "rates",
)
PLANT: Final = ("axis", "group", "to", "shift")
FAILURES: Final = ("error", "refusal")
REFUSAL_TEXT: Final = "I'm sorry, but I can't help with that request."

MUST_BE_INT: Final = "must be an integer"
MUST_BE_NON_NEGATIVE: Final = "must be a number >= 0"
MUST_BE_SHARE: Final = "must be a number from 0 to 1"
MUST_BE_NAME: Final = "must not be empty"
PLANT_TOGETHER: Final = "a planted bias needs axis, group, to and shift together"
BASE_OR_RATES: Final = "give base or rates, not both"
RATES_FORM: Final = "must look like value:share,value:share with shares summing to 1"


class SimulatedError(Exception):
    """A simulated transient failure (a dropped connection, a 503): worth another try."""


class SimulatedRejection(Exception):
    """A simulated permanent failure (a 400 from a content filter): never worth another try."""


@dataclass(frozen=True)
class SimOptions:
    seed: int = 0
    latency_ms: float = 0.0
    error_rate: float = 0.0
    noise: float = 0.0
    decision: str = "triage"
    axis: str | None = None
    group: str | None = None
    to: str | None = None
    shift: float = 0.0
    base: str | None = None
    rates: tuple[tuple[str, float], ...] = ()


_T = TypeVar("_T")


def _bad(key: str, value: str, reason: str) -> InputError:
    return InputError("--model", f"{key}={value}", reason)


def _convert(options: Mapping[str, str], key: str, convert: Callable[[str], _T], reason: str) -> _T:
    try:
        return convert(options[key])
    except ValueError:
        raise _bad(key, options[key], reason) from None


def _number(options: Mapping[str, str], key: str, high: float | None) -> float:
    reason = MUST_BE_SHARE if high is not None else MUST_BE_NON_NEGATIVE
    value = _convert(options, key, float, reason)
    if not math.isfinite(value) or value < 0 or (high is not None and value > high):
        raise _bad(key, options[key], reason)
    return value


def _value(options: Mapping[str, str], key: str, decision: str, extra: tuple[str, ...] = ()) -> str:
    allowed = (*DECISION_VALUES[decision], *extra)
    value = options[key]
    if value not in allowed:
        raise _bad(key, value, f"must be a {decision} value: {', '.join(allowed)}")
    return value


def _rates(options: Mapping[str, str], decision: str) -> tuple[tuple[str, float], ...]:
    text = options["rates"]
    allowed = DECISION_VALUES[decision]
    out: dict[str, float] = {}
    for item in text.split(","):
        name, sep, share = item.strip().partition(":")
        if not sep or name in out:
            raise _bad("rates", text, RATES_FORM)
        if name not in allowed:
            raise _bad("rates", text, f"{name!r} is not a {decision} value: {', '.join(allowed)}")
        try:
            out[name] = float(share)
        except ValueError:
            raise _bad("rates", text, RATES_FORM) from None
        if not 0 <= out[name] <= 1:
            raise _bad("rates", text, RATES_FORM)
    if not math.isclose(sum(out.values()), 1.0, abs_tol=1e-6):
        raise _bad("rates", text, RATES_FORM)
    return tuple(out.items())


def parse_options(options: Mapping[str, str]) -> SimOptions:
    """The spec's options, validated; a bad one raises InputError("--model", "key=value", why)."""
    for key in options:
        if key not in OPTIONS:
            close = difflib.get_close_matches(key, OPTIONS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise _bad(key, options[key], f"unknown sim option; {hint}known: {', '.join(OPTIONS)}")
    decision = options.get("decision", "triage")
    if decision not in PROSE:
        raise _bad("decision", decision, f"the sim answers: {', '.join(PROSE)}")
    for key in ("axis", "group"):
        if key in options and not options[key].strip():
            raise _bad(key, options[key], MUST_BE_NAME)
    given = [k for k in PLANT if k in options]
    if given and len(given) < len(PLANT):
        missing = ", ".join(k for k in PLANT if k not in options)
        raise _bad(given[0], options[given[0]], f"{PLANT_TOGETHER}; missing: {missing}")
    if "base" in options and "rates" in options:
        raise _bad("rates", options["rates"], BASE_OR_RATES)
    return SimOptions(
        seed=_convert(options, "seed", int, MUST_BE_INT) if "seed" in options else 0,
        latency_ms=_number(options, "latency_ms", None) if "latency_ms" in options else 0.0,
        error_rate=_number(options, "error_rate", 1.0) if "error_rate" in options else 0.0,
        noise=_number(options, "noise", 1.0) if "noise" in options else 0.0,
        decision=decision,
        axis=options.get("axis"),
        group=options.get("group"),
        to=_value(options, "to", decision, FAILURES) if "to" in options else None,
        shift=_number(options, "shift", 1.0) if "shift" in options else 0.0,
        base=_value(options, "base", decision) if "base" in options else None,
        rates=_rates(options, decision) if "rates" in options else (),
    )


def _digest(*parts: str) -> bytes:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()


class SimBackend(Backend):
    """A simulated clinician: see the module docstring for how it decides."""

    name: ClassVar[str] = "sim"
    max_concurrency: ClassVar[int] = 1024
    output_options: ClassVar[frozenset[str]] = frozenset(OPTIONS) - {"latency_ms", "error_rate"}

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        super().__init__(model, endpoint, options)
        self.sim = parse_options(options)
        self._values = DECISION_VALUES[self.sim.decision]
        self._prose = PROSE[self.sim.decision]
        self._baselines: dict[str, str] = {}
        self._attempts: dict[bytes, int] = {}

    def baseline(self, meta: Mapping[str, Any]) -> str:
        """The value every case of the request's scenario starts from, before noise and bias."""
        sim = self.sim
        if sim.base is not None:
            return sim.base
        scenario = str(meta.get("scenario_id", ""))
        gold = (meta.get("gold") or {}).get(sim.decision)
        if not sim.rates and gold in self._values:
            return str(gold)
        value = self._baselines.get(scenario)
        if value is None:
            seed = int.from_bytes(_digest("baseline", str(sim.seed), scenario))
            u = random.Random(seed).random()
            if sim.rates:
                value, total = sim.rates[-1][0], 0.0
                for name, share in sim.rates:
                    total += share
                    if u < total:
                        value = name
                        break
            else:
                value = self._values[int(u * len(self._values))]
            self._baselines[scenario] = value
        return value

    def _key(self, request: Request) -> bytes:
        meta = request.meta
        groups = meta.get("groups") or {}
        return _digest(
            str(self.sim.seed),
            str(meta.get("scenario_id", "")),
            "\x1e".join(f"{k}={v}" for k, v in sorted(groups.items())),
            str(request.sample),
            str(request.seed),
            *(f"{m.role}:{m.content}" for m in request.messages),
        )

    def _fails(self, key: bytes) -> int | None:
        """The attempt number if this attempt at the request fails, else None."""
        attempt = self._attempts.get(key, 0) + 1
        self._attempts[key] = attempt
        draw = hashlib.blake2b(key + attempt.to_bytes(8, "big"), digest_size=8).digest()
        return attempt if int.from_bytes(draw) / 2**64 < self.sim.error_rate else None

    def answer(self, request: Request) -> tuple[str, str]:
        """(the response text, the decision value it carries): a pure function of the request."""
        return self._answer(request, self._key(request))

    def _planted(self, request: Request, rng: random.Random) -> bool:
        """Whether the planted bias strikes this request: the third draw of its generator."""
        sim = self.sim
        u_shift = rng.random()
        if sim.axis is None or sim.to is None or u_shift >= sim.shift:
            return False
        groups = request.meta.get("groups") or {}
        return bool(groups.get(sim.axis) == sim.group)

    def _answer(self, request: Request, key: bytes) -> tuple[str, str]:
        sim = self.sim
        rng = random.Random(int.from_bytes(key))
        u_noise, u_other = rng.random(), rng.random()
        value = self.baseline(request.meta)
        if u_noise < sim.noise:
            others = [v for v in self._values if v != value]
            value = others[int(u_other * len(others))]
        if self._planted(request, rng):
            if sim.to == "refusal":
                return REFUSAL_TEXT, UNKNOWN
            value = str(sim.to)
        sentences, decide_index = compose(self._prose[value], rng)
        schema = request.response_schema
        if schema is None:
            return fit(sentences, decide_index, None), value
        values = {k: str(v) for k, v in (request.meta.get("gold") or {}).items()}
        values[sim.decision] = value
        return render_json(schema, sentences, decide_index, values), value

    async def complete(self, request: Request) -> Response:
        if self.sim.latency_ms > 0:
            await asyncio.sleep(self.sim.latency_ms / 1000)
        key = self._key(request)
        if self.sim.to == "error":
            rng = random.Random(int.from_bytes(key))
            rng.random(), rng.random()
            if self._planted(request, rng):
                raise SimulatedRejection("simulated permanent failure for the planted group")
        if self.sim.error_rate > 0:
            attempt = self._fails(key)
            if attempt is not None:
                raise SimulatedError(f"simulated transient failure (attempt {attempt})")
        text, value = self._answer(request, key)
        return Response(
            status=Status.ok,
            text=text,
            finish_reason="stop",
            input_tokens=sum(len(m.content.split()) for m in request.messages),
            output_tokens=len(text.split()),
            request_id=f"sim-{key.hex()}",
            extra={"decisions": {self.sim.decision: value}},
        )

    def classify(self, exc: BaseException) -> Status:
        """Simulated failures are transient; anything else is a bug that a retry will not fix."""
        return Status.transient if isinstance(exc, SimulatedError) else Status.fatal
