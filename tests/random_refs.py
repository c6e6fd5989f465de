"""Random names, so tests share one database without stepping on each other."""
import uuid


def random_suffix() -> str:
    return uuid.uuid4().hex[:8]


def random_name(prefix: str = "x") -> str:
    return f"{prefix}-{random_suffix()}"


def random_phone() -> str:
    return f"+1202{uuid.uuid4().int % 10_000_000:07d}"


def random_spanish_phone() -> str:
    return f"+346{uuid.uuid4().int % 100_000_000:08d}"


def random_mexican_mobile() -> tuple[str, str]:
    """One Mexican mobile number, in its old +52 1 form and in its form since 2019."""
    national = f"55{uuid.uuid4().int % 100_000_000:08d}"
    return f"+521{national}", f"+52{national}"


def random_word() -> str:
    """A made-up word, so that a test's tickets share a word no other test's tickets have."""
    return "zq" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:6])
