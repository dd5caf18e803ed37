"""Matrix rows for the posting, search and saved-item URLs (see tests/matrix.py)."""

from tests.matrix import Case  # noqa: F401

CASES: list = []
