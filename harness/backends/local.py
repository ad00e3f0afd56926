"""In-process llama.cpp through llama-cpp-python. CPU-bound, so calls are serialized on one
worker thread; the model state is reset before each request so that seeded sampling repeats."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from harness.backends.base import Backend, Request, Response, Status
from harness.backends.model_files import resolve_model_file
from harness.errors import InputError

__all__ = ["LocalBackend"]


def _int_option(options: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(options.get(key, default))
    except ValueError:
        raise InputError("--model", f"{key}={options[key]}", "must be an integer") from None


class LocalBackend(Backend):
    name: ClassVar[str] = "local"
    max_concurrency: ClassVar[int] = 1
    output_options: ClassVar[frozenset[str]] = frozenset({"n_ctx"})

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        super().__init__(model, endpoint, options)
        self.model_file = resolve_model_file(model)
        self.n_threads = _int_option(options, "threads", 1)
        self.n_ctx = _int_option(options, "n_ctx", 2048)
        self._llm: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._llm is None:
            from llama_cpp import Llama

            self._llm = Llama(
                model_path=str(self.model_file),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                verbose=False,
            )
        return self._llm

    def _complete_sync(self, request: Request) -> Response:
        with self._lock:
            llm = self._load()
            llm.reset()
            kwargs: dict[str, Any] = {
                "messages": request.chat_messages(),
                "temperature": request.temperature,
                "max_tokens": request.max_tokens,
                **request.optional_params(),
            }
            if request.response_schema is not None:
                kwargs["response_format"] = {
                    "type": "json_object",
                    "schema": dict(request.response_schema),
                }
            start = time.perf_counter()
            out = llm.create_chat_completion(**kwargs)
            latency = time.perf_counter() - start
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Response(
            status=Status.ok,
            text=choice["message"]["content"] or "",
            finish_reason=choice.get("finish_reason"),
            input_tokens=usage.get("prompt_tokens"),
            output_tokens=usage.get("completion_tokens"),
            latency_s=latency,
            request_id=out.get("id"),
        )

    async def complete(self, request: Request) -> Response:
        return await asyncio.to_thread(self._complete_sync, request)

    def classify(self, exc: BaseException) -> Status:
        return Status.fatal if isinstance(exc, ValueError) else Status.transient

    async def aclose(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()
