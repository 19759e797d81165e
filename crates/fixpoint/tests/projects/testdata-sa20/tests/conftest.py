"""The shop's own fixtures."""

from decimal import Decimal

import pytest


@pytest.fixture
def tax_rate():
    return Decimal("0.20")
