"""Random names, so tests share one database without stepping on each other."""
import uuid


def random_suffix() -> str:
    return uuid.uuid4().hex[:8]


def random_name(prefix: str = "x") -> str:
    return f"{prefix}-{random_suffix()}"


def random_phone() -> str:
    return f"+1202{uuid.uuid4().int % 10_000_000:07d}"
