from decimal import Decimal

import pytest

from payroll import calc


def test_pension_contribution():
    assert calc.pension_contribution(Decimal("30000")) == Decimal("1500")


def test_bank_holiday_overtime():
    assert calc.overtime_rate(Decimal("12"), "bank_holiday") == Decimal("30")


def test_average_days_off_for_new_team():
    assert calc.average_days_off([]) == 0


def test_hours_from_timesheet():
    assert calc.hours_from_timesheet(["8", "7.5", "8"]) == 23.5


def test_weekly_hours_from_rows():
    assert calc.weekly_hours([("mon", 8.0), ("tue", 7.5)]) == 15.5


def test_fourth_week():
    assert calc.fourth_week([37.5, 40.0, 35.0, 38.0]) == 38.0


def test_holiday_accrual():
    assert calc.holiday_accrual(28, 1) == pytest.approx(2.08, abs=0.01)


def test_negative_hours_rejected():
    with pytest.raises(ValueError):
        calc.validate_hours(-4)


def test_too_many_hours_message():
    with pytest.raises(ValueError, match="at most 60"):
        calc.validate_hours(90)
