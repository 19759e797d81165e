from datetime import date
from decimal import Decimal

from payroll import payslip


def test_gross_pay():
    assert payslip.gross_pay(None, Decimal("10"), Decimal("12.50")) == Decimal("125.00")


def test_monthly_salary(staff):
    assert payslip.monthly_salary(staff[0]) == Decimal("4333.33")


def test_payslip_for_known_employee(staff):
    slip = payslip.payslip_for(staff, 2, date(2024, 3, 31))
    assert slip["gross"] == Decimal("2583.33")


def test_bonus_payslip(staff):
    slip = payslip.bonus_payslip(staff[1], Decimal("100"))
    assert slip["gross"] == Decimal("2683.33")


def test_payslip_period_from_form(staff):
    slip = payslip.payslip_for(staff, 1, "2024-03-31")
    assert slip["period_end"] == "2024-03-31"


def test_hourly_payslip(staff):
    assert payslip.hourly_payslip(staff[2], Decimal("37.5"))["gross"] > 0


def test_salaried_payslip(staff):
    assert payslip.salaried_payslip(staff[1])["net"] < Decimal("2583.33")
