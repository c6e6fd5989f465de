"""Mistakes no test would run into, in every Python file of the repository, benchmarks included: ruff's rules as
pyproject.toml chooses them (names that exist nowhere, unused imports, likely bugs, one import order), and mypy's
strict checking of domain/, where a service declared one unit of work and was handed another. The tests never run
a benchmark's main, and one of them went on searching with a list of words that a change had moved away."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_python_file_passes_the_projects_ruff_rules() -> None:
    # Files git ignores are left out, as ruff does by itself.
    checked = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "--no-cache",
                              str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_domain_type_checks_strictly() -> None:
    # What pyproject.toml's [tool.mypy] says: strict, on domain/.
    checked = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], capture_output=True, text=True,
                             cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
