from payroll.employees import Employee


def chain_of_command(employee: Employee, by_id: dict[int, Employee]) -> list[str]:
    if employee.manager_id is None:
        return [employee.name]
    return [employee.name] + chain_of_command(by_id[employee.manager_id], by_id)


def sort_by_grade(employees: list[Employee]) -> list[Employee]:
    return sorted(employees, key=lambda e: e.name)
