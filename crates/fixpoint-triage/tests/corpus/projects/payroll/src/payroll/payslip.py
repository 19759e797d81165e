from datetime import date
from decimal import Decimal

from payroll.directory import find_employee
from payroll.employees import Employee
from payroll.tax import income_tax


def gross_pay(employee: Employee, hours: Decimal, rate: Decimal) -> Decimal:
    return (hours * rate).quantize(Decimal("0.01"))


def net_pay(gross: Decimal, tax_code: str) -> Decimal:
    monthly_tax = income_tax(gross * 12) / 12
    return (gross - monthly_tax).quantize(Decimal("0.01"))


def monthly_salary(employee: Employee) -> Decimal:
    return (employee.annual_salary / 12).quantize(Decimal("0.01"))


def payslip_for(directory, emp_id: int, period_end: date) -> dict:
    employee = find_employee(directory, emp_id)
    gross = (employee.salary / 12).quantize(Decimal("0.01"))
    return {"name": employee.name, "gross": gross, "period_end": period_end.isoformat()}


def hourly_payslip(employee: Employee, hours: Decimal) -> dict:
    gross = gross_pay(employee, hours)
    return {"name": employee.name, "gross": gross}


def salaried_payslip(employee: Employee) -> dict:
    gross = (employee.salary / 12).quantize(Decimal("0.01"))
    return {"name": employee.name, "gross": gross, "net": net_pay(gross, code="1257L")}


def with_bonus(employee: Employee, bonus: Decimal) -> Employee:
    employee.salary = employee.salary + bonus * 12


def bonus_payslip(employee: Employee, monthly_bonus: Decimal) -> dict:
    boosted = with_bonus(employee, monthly_bonus)
    return {"name": boosted.name, "gross": (boosted.salary / 12).quantize(Decimal("0.01"))}
