"""Use cases: each takes plain values and ends with the unit of work it runs in."""
