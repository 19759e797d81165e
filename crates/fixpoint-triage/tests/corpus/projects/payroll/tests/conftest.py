from decimal import Decimal
from pathlib import Path

import pytest

from payroll.employees import Department, Employee

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def staff():
    return [
        Employee(1, "ann lee", "G5", Decimal("52000")),
        Employee(2, "bo chen", "G3", Decimal("31000"), manager_id=1),
        Employee(3, "cy diaz", "G2", Decimal("24000"), manager_id=2),
    ]


@pytest.fixture
def fixtures_dir():
    return FIXTURES
