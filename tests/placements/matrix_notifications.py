"""Matrix rows for the notification centre and preferences URLs (see tests/matrix.py)."""

from tests.matrix import Case  # noqa: F401

CASES: list = []
