"""The JSON Schema of scorecard.json, generated from the pydantic models. The checked-in copy
(schema/scorecard.schema.json) is what other tools validate against; a test keeps it current.

    python -m harness.metrics.json_schema > schema/scorecard.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from harness.metrics.scorecard import SCHEMA_VERSION, Scorecard

__all__ = ["scorecard_schema", "schema_text"]


def scorecard_schema() -> dict[str, Any]:
    schema = Scorecard.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:clinical-qa-harness:scorecard:v{SCHEMA_VERSION}",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(scorecard_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
