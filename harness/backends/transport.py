"""Which HTTP client the vendor SDKs use. Measured here against a loopback server, 1,000 calls at
concurrency 50: the SDK's default httpx client cost 16 ms of CPU per call (its connection pool
rescans every connection per request), httpx2 2.9 ms, aiohttp 2.5 ms. So aiohttp when it is
installed (the openai extra installs it), else httpx2; `?transport=httpx` keeps the default."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any

from harness.errors import InputError

__all__ = ["TRANSPORTS", "dropped_connection", "http_client", "pick_transport"]

TRANSPORTS = ("aiohttp", "httpx2", "httpx")


def pick_transport(options: Mapping[str, str]) -> str:
    chosen = options.get("transport")
    if chosen is None:
        return "aiohttp" if importlib.util.find_spec("aiohttp") else "httpx2"
    if chosen not in TRANSPORTS:
        raise InputError(
            "--model", f"transport={chosen}", f"must be one of {', '.join(TRANSPORTS)}"
        )
    return chosen


def http_client(sdk: Any, transport: str) -> Any | None:
    """The SDK's own async client class for the transport; None keeps the SDK's default."""
    if transport == "aiohttp":
        return sdk.DefaultAioHttpClient()
    if transport == "httpx2" and hasattr(sdk, "DefaultAsyncHttpx2Client"):
        return sdk.DefaultAsyncHttpx2Client()
    return None


def dropped_connection(exc: BaseException) -> bool:
    """Whether the server closed the connection without answering, anywhere in the chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ in ("ServerDisconnectedError", "RemoteProtocolError"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
