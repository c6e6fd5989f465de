"""The rules stand on ports, not on vendors: outside domain/store and domain/adapters no module of the domain
imports a database driver, a Redis client or a cloud SDK (a name used only in type hints, under TYPE_CHECKING,
is allowed), so SQL, Redis commands and vendor calls live where the fakes can stand in for them."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("psycopg", "psycopg_pool", "redis", "twilio", "azure", "openai", "elevenlabs", "httpx", "requests",
           "onnxruntime", "pocketsphinx", "tokenizers")


def vendor_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and ast.unparse(block.test) == "TYPE_CHECKING" for node in ast.walk(block)}
    found = []
    for node in ast.walk(tree):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
            [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        found += [f"{path.relative_to(ROOT)}: {name}" for name in names
                  if name.split(".")[0] in VENDORS and id(node) not in typing_only]
    return found


def test_no_vendor_is_imported_outside_the_store_and_the_adapters() -> None:
    kept_apart = ("store", "adapters")
    ruled = [p for p in (ROOT / "domain").rglob("*.py") if p.relative_to(ROOT / "domain").parts[0] not in kept_apart]
    assert len(ruled) > 20
    assert [found for path in ruled for found in vendor_imports(path)] == []
