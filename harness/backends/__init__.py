"""Backends turn a request into a response: the contract, the registry and model specs."""

from harness.backends.base import RETRYABLE, Backend, Request, Response, Status
from harness.backends.registry import (
    BUILTIN_BACKENDS,
    ENTRY_POINT_GROUP,
    backend_names,
    create_backend,
)
from harness.backends.spec import ModelSpec, parse_spec

__all__ = [
    "BUILTIN_BACKENDS",
    "ENTRY_POINT_GROUP",
    "RETRYABLE",
    "Backend",
    "ModelSpec",
    "Request",
    "Response",
    "Status",
    "backend_names",
    "create_backend",
    "parse_spec",
]
