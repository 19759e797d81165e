from decimal import Decimal

from payroll.employees import Department, Employee


def test_department_cost(staff):
    assert Department("ops", staff).payroll_cost() == Decimal("107000")


def test_new_starter_needs_salary():
    starter = Employee(4, "di evans", "G1")
    assert starter.manager_id is None


def test_employee_with_email():
    employee = Employee(5, "ed fox", "G2", Decimal("23000"), email="ed@example.com")
    assert employee.grade == "G2"


def test_department_headcount(staff):
    assert Department("ops", staff).headcount == 3
