"""What the SDK-backed HTTP backends share: options (API key, timeout, a choice), a client
made lazily (or ahead of the request phase by `warm`: the SDK import alone takes about half a
second) and Retry-After headers."""

from __future__ import annotations

import email.utils
import importlib
import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from harness.backends.transport import http_client, pick_transport
from harness.errors import InputError

__all__ = ["LazyClient", "api_key", "choice", "header_retry_after", "is_loopback", "timeout"]

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(endpoint: str) -> bool:
    return (urlsplit(endpoint).hostname or "") in _LOOPBACK


def api_key(
    options: Mapping[str, str],
    *,
    default_env: str,
    spec: str,
    endpoint: str | None,
    any_endpoint: bool,
) -> str:
    """The key from the environment; a dummy for a keyless local server (any explicit endpoint
    when `any_endpoint`, else only loopback)."""
    env = options.get("api_key_env", default_env)
    key = os.environ.get(env)
    if key:
        return key
    if endpoint is not None and (any_endpoint or is_loopback(endpoint)):
        return "not-needed"
    raise InputError("--model", spec, f"set the API key in the environment variable {env}")


def timeout(options: Mapping[str, str]) -> float:
    try:
        return float(options.get("timeout", "60"))
    except ValueError:
        raise InputError("--model", f"timeout={options['timeout']}", "must be a number") from None


def choice(options: Mapping[str, str], key: str, allowed: Sequence[str]) -> str:
    value = options.get(key, allowed[0])
    if value not in allowed:
        raise InputError("--model", f"{key}={value}", f"must be one of {', '.join(allowed)}")
    return value


class LazyClient:
    """`module.client_class(**args)` with the chosen transport, made by `warm` or on first use.
    Making it needs no event loop: the SDKs' HTTP clients open their connection pools on the
    first request, in the loop that sends it (a forked worker's own loop, say)."""

    def __init__(self, module: str, client_class: str, options: Mapping[str, str], **args: Any):
        self.module, self.client_class, self.args = module, client_class, args
        self.transport = pick_transport(options)
        self._client: Any = None

    def warm(self) -> None:
        self.get()

    def get(self) -> Any:
        if self._client is None:
            sdk = importlib.import_module(self.module)
            client = http_client(sdk, self.transport)
            extra = {} if client is None else {"http_client": client}
            self._client = getattr(sdk, self.client_class)(**self.args, **extra)
        return self._client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()


def header_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), if present.

    Shared by the HTTP backends; header lookup is case-insensitive when `headers` is an httpx
    Headers object, as the SDKs' `exc.response.headers` are."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
