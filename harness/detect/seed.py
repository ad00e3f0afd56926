"""Writes the prefilter seed shipped in the package (condition_cache.py): every entry the
shipped lexicons need, derived afresh. Run after changing a shipped lexicon:

    python -m harness.detect.seed
"""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

from harness.detect import condition_cache
from harness.detect.prefilter import Requirement

__all__ = ["load_shipped_lexicons", "write_seed"]


def load_shipped_lexicons() -> None:
    """Every shipped lexicon compiled, as a run would (so that every entry is looked up)."""
    from harness.detect import DetectContext, detect
    from harness.extract import extract_decisions
    from harness.suite import DECISION_VALUES

    detect("Load.", DetectContext.of(["chest pain"], [], {"race": "Black"}))
    extract_decisions("Load.", list(DECISION_VALUES))


def write_seed(path: Path) -> int:
    """The entries the shipped lexicons use, derived with no cache file and no seed."""
    condition_cache.start_empty()
    load_shipped_lexicons()
    held = condition_cache.entries()
    found, gates, valid = held.conditions, held.gates, held.valid
    reqs: dict[Requirement, int] = {}
    conditions = {
        key: [[reqs.setdefault(req, len(reqs)) for req in alt] for alt in condition]
        for key, condition in sorted(found.items())
    }
    data = {
        "requirements": [sorted([w, whole] for w, whole in req) for req in reqs],
        "conditions": conditions,
        "gates": {k: None if g is None else sorted(g) for k, g in sorted(gates.items())},
        "valid": sorted(valid),
        "widened": dict(sorted(held.widened.items())),
        "sizes": dict(sorted(held.sizes.items())),
    }
    path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0))
    return len(conditions)


if __name__ == "__main__":
    target = Path(str(resources.files("harness.data").joinpath(condition_cache.SEED)))
    print(f"{target}: {write_seed(target)} conditions")
