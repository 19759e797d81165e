from decimal import Decimal

import pytest

from payroll.tax import income_tax, round_pay


def test_no_tax_below_allowance():
    assert income_tax(Decimal("12000")) == Decimal("0.00")


def test_higher_rate_band():
    # 37,700 at 20% + 1,730 at 40%
    assert income_tax(Decimal("52000")) == Decimal("8232.00")


def test_scottish_rates():
    assert income_tax(Decimal("30000"), region="scotland") > 0


def test_round_pay():
    assert round_pay(Decimal("10.005")) == Decimal("10.01")
