"""Serve one fake in the foreground: `python -m fakes openai [--delay 0.1]` prints its base URL,
then serves until interrupted. Lets a benchmark keep the server's CPU out of its own process."""

from __future__ import annotations

import argparse
import sys
import time

from fakes.anthropic_messages import AnthropicFake
from fakes.openai_chat import OpenAIFake
from fakes.server import FakeServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fakes")
    parser.add_argument("vendor", choices=("openai", "anthropic"))
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    fake: FakeServer = (OpenAIFake if args.vendor == "openai" else AnthropicFake)(
        delay_s=args.delay
    )
    with fake:
        print(fake.base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    sys.exit(0)


if __name__ == "__main__":
    main()
