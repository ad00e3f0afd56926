"""The simulated clinician's prose: 2-4 sentences per answer, built from templates per decision
value, and the JSON form a response schema asks for.

Every template is checked (tests/backends/test_sim.py) so that any combination of them reads back
as its own triage level through the real extractor. The prose is group-blind on purpose: no
pronouns, no names, so that with no planted bias the text of two siblings differs exactly as much
as two samples of one case (the noise floor) and never more.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["OPENERS", "PROSE", "Prose", "compose", "fit", "render_json"]


@dataclass(frozen=True)
class Prose:
    """Templates for one decision value. `decide` sentences commit to the value; `support`
    sentences hold no recommendation of another level; `safety_net` sentences are conditional
    ("If it gets worse, call 911"), which the extractor counts only when nothing else is said."""

    decide: tuple[str, ...]
    support: tuple[str, ...]
    safety_net: tuple[str, ...] = ()


OPENERS: Final = (
    "Based on what you describe, here is my advice.",
    "Thank you for the details.",
    "From the symptoms described, this is what I recommend.",
    "Here is how I would handle this.",
)

PROSE: Final[dict[str, dict[str, Prose]]] = {
    "triage": {
        "emergency": Prose(
            decide=(
                "Call 911 or go to the nearest emergency department now.",
                "This needs emergency care right away.",
                "Get to an emergency room immediately, by ambulance if needed.",
                "These symptoms could be a medical emergency, so call an ambulance now.",
                "Go straight to the emergency department without delay.",
            ),
            support=(
                "Do not drive yourself; have someone else take you or wait for the ambulance.",
                "Symptoms like these can signal a serious problem that should not wait.",
                "Time matters, and the team there can start treatment quickly.",
                "While waiting, stay calm and keep someone nearby.",
            ),
        ),
        "urgent": Prose(
            decide=(
                "The patient should be seen today at urgent care or by their own doctor.",
                "Arrange a same-day appointment with a doctor or go to an urgent care clinic.",
                "This should be checked by a clinician within the next 24 hours.",
                "Get a prompt evaluation today from a doctor or nurse practitioner.",
                "Visit an urgent care clinic or a walk-in clinic today.",
            ),
            support=(
                "A clinician can examine the area and decide on any treatment.",
                "Bring a list of the symptoms and of any medicines being taken.",
                "A physical examination will help find the cause.",
                "It is better not to leave this for several weeks.",
            ),
            safety_net=(
                "If it gets much worse before then, call 911.",
                "If new warning signs appear, go to the emergency department.",
            ),
        ),
        "routine": Prose(
            decide=(
                "Book a routine appointment with the primary care doctor in the next few weeks.",
                "Schedule a visit with the family doctor over the next couple of weeks.",
                "Arrange a check-up with a primary care provider in the coming weeks.",
                "Follow up with the primary care doctor at the next regular visit.",
            ),
            support=(
                "Keep a note of the symptoms to discuss at that appointment.",
                "The doctor may suggest some simple tests to find the cause.",
                "Nothing described here suggests a serious problem.",
                "Write down when the symptoms started and what makes them better or worse.",
            ),
            safety_net=(
                "If symptoms get worse or new ones appear, see a doctor promptly.",
                "If it suddenly gets worse, seek care the same day.",
            ),
        ),
        "self_care": Prose(
            decide=(
                "This can be managed at home with rest and fluids; no visit is needed.",
                "Rest at home, drink plenty of fluids and use over-the-counter pain relief.",
                "Home care is enough for now; no appointment is needed.",
                "There is no need to see a doctor; this can be treated at home.",
            ),
            support=(
                "It should get better on its own within a few days.",
                "Most cases like this clear up on their own.",
                "Warm drinks and plenty of sleep usually help.",
                "Nothing described here suggests a serious problem.",
            ),
            safety_net=(
                "If things get worse or do not improve, see a doctor.",
                "If a high fever or trouble breathing develops, get medical care promptly.",
            ),
        ),
    }
}


def compose(prose: Prose, rng: random.Random) -> tuple[list[str], int]:
    """The sentences of one answer and the index of the decision sentence, in order: an optional
    opener, the decision, a support sentence, and an optional safety net (or, where the value
    has none, a second support sentence)."""
    sentences = []
    if rng.random() < 0.5:
        sentences.append(rng.choice(OPENERS))
    decide_index = len(sentences)
    sentences.append(rng.choice(prose.decide))
    n = len(prose.support)
    first = int(rng.random() * n)
    sentences.append(prose.support[first])
    if rng.random() < 0.5:
        if prose.safety_net:
            sentences.append(rng.choice(prose.safety_net))
        else:  # another support sentence, never the same one twice
            sentences.append(prose.support[(first + 1 + int(rng.random() * (n - 1))) % n])
    return sentences, decide_index


def fit(sentences: list[str], decide_index: int, max_chars: int | None) -> str:
    """The sentences joined, keeping the decision sentence and as many others (in order) as fit
    in `max_chars`; a decision sentence too long alone is cut at a word boundary."""
    text = " ".join(sentences)
    if max_chars is None or len(text) <= max_chars:
        return text
    keep = {decide_index}
    length = len(sentences[decide_index])
    for i, sentence in enumerate(sentences):
        if i != decide_index and length + 1 + len(sentence) <= max_chars:
            keep.add(i)
            length += 1 + len(sentence)
    text = " ".join(s for i, s in enumerate(sentences) if i in keep)
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip(" ,;")


def render_json(
    schema: Mapping[str, Any], prose: list[str], decide_index: int, values: Mapping[str, str]
) -> str:
    """A JSON object with the schema's properties in order: the decision fields hold their
    values, string fields the prose (within their maxLength), other fields a neutral value."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        properties = {"answer": {"type": "string"}}
    out: dict[str, Any] = {}
    for key, prop in properties.items():
        prop = prop if isinstance(prop, Mapping) else {}
        enum = prop.get("enum")
        if key in values:
            out[key] = values[key]
        elif isinstance(enum, list) and enum:
            out[key] = enum[0]
        elif prop.get("type") == "string" or "type" not in prop:
            limit = prop.get("maxLength")
            out[key] = fit(prose, decide_index, limit if isinstance(limit, int) else None)
        elif prop.get("type") in ("integer", "number"):
            out[key] = 0
        elif prop.get("type") == "boolean":
            out[key] = False
        else:
            out[key] = None
    return json.dumps(out, ensure_ascii=False)
