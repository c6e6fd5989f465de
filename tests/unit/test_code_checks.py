"""Mistakes no test would run into: names that exist nowhere and imports nothing uses, in every Python file of
the repository, benchmarks included. The tests never run a benchmark's main, and one of them went on searching
with a list of words that a change had moved away."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_python_file_names_only_what_exists_and_imports_only_what_it_uses() -> None:
    # Pyflakes' rules (F) and syntax errors (E9), as ruff checks them; files git ignores are left out.
    checked = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format",
                              "concise", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
