import json
from pathlib import Path

from payroll.employees import Employee


class EmployeeNotFound(KeyError):
    pass


def load_directory(path: Path) -> list[Employee]:
    return json.loads(path.read_text())["employees"]


def find_employee(directory: list[Employee], emp_id: int) -> Employee | None:
    for employee in directory:
        if employee.id == emp_id:
            return employee
    return None


def get_employee(directory: list[Employee], emp_id: int) -> Employee:
    employee = find_employee(directory, emp_id)
    if employee is None:
        raise EmployeeNotFound(f"employee {emp_id} is not in the directory")
    return employee


def names(directory: list[Employee]) -> list[str]:
    return [employee.name for employee in directory]


def sorted_names(directory: list[Employee]) -> list[str]:
    result = map(str.title, names(directory))
    result.sort()
    return result
