from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["openai", "anthropic", "litellm", "llama_cpp", "pandas", "scipy", "numpy", "rapidfuzz"]


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys, json, contextlib, io\n"
        "from harness.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print(json.dumps(sorted(m for m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    assert "harness.cli" in loaded
    assert not [m for m in HEAVY if m in loaded]


def test_help_lists_the_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "harness", "--help"], capture_output=True, text=True, check=True
    )
    for name in ("run", "expand", "detect", "report", "cache"):
        assert f"  {name} " in out.stdout


def test_unknown_command_exits_2() -> None:
    out = subprocess.run([sys.executable, "-m", "harness", "rnu"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
