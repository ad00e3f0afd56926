"""Assessing answers while the calls are still out. When worker processes make the calls, the
parent only collects their answers and is otherwise idle; a thread then imports what the
scorecard needs (pandas), compiles the detectors and assesses each answer as it arrives, so that
little is left to do when the last answer comes in. Started only after the workers have forked
(a fork must not copy a thread in the middle of an import)."""

from __future__ import annotations

import importlib
import queue
import threading
from collections.abc import Iterator

from harness.metrics.answers import AnswerAssessor
from harness.run import Answer

__all__ = ["AssessAhead", "WARM_MODULES"]

# What the stages after the calls import, heaviest first (pandas and numpy come with `build`).
WARM_MODULES = ("harness.metrics.build", "harness.report", "harness.history.trends")

_DONE = None


class AssessAhead:
    def __init__(self, assessor: AnswerAssessor) -> None:
        self._assessor = assessor
        self._queue: queue.SimpleQueue[Answer | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.assessed = 0  # answers assessed in the thread

    def submit(self, answer: Answer) -> None:
        """From the collecting loop: costs a queue put, whether or not the thread runs."""
        if self._thread is not None:
            self._queue.put(answer)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="assess-ahead", daemon=True)
            self._thread.start()

    def finish(self) -> None:
        """Waits for the thread to assess what was submitted; re-raises what it failed on."""
        if self._thread is None:
            return
        self._queue.put(_DONE)
        self._thread.join()
        self._thread = None
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        try:
            for answer in self._answers():
                self._assessor.assess(answer)
                self.assessed += 1
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread by finish()
            self._error = exc

    def _answers(self) -> Iterator[Answer]:
        """Queued answers; while none is queued, one module to warm at a time."""
        warm = list(WARM_MODULES)
        while True:
            try:
                answer = self._queue.get(block=not warm)
            except queue.Empty:
                importlib.import_module(warm.pop(0))
                continue
            if answer is _DONE:
                return
            yield answer
