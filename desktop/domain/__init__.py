"""Plain-Python domain: entities, stages, invariants and hash-rate arithmetic (no Qt, no SQL)."""
