"""Matrix rows for application, agreement and approval URLs (see tests/matrix.py)."""

from tests.matrix import Case  # noqa: F401

CASES: list = []
