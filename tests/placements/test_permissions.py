"""Every placements URL crossed with every persona (rows live in matrix_*.py)."""

import pytest

from tests.matrix import params, run_case, url_names
from tests.placements import matrix_applications, matrix_notifications, matrix_postings

CASES = matrix_postings.CASES + matrix_applications.CASES + matrix_notifications.CASES
_PARAMS, _IDS = params(CASES)


def test_every_placements_url_is_classified():
    missing = url_names("placements") - {case.name for case in CASES}
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


@pytest.mark.parametrize(("case", "persona"), _PARAMS, ids=_IDS)
def test_permission_matrix(case, persona, world, personas, client_for):
    run_case(case, persona, world, personas, client_for)
