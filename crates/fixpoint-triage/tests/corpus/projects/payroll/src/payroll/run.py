from datetime import date

from payroll.employees import Employee


class PayrollRun:
    def __init__(self, name: str):
        self.name = name
        self.entries: list[tuple[Employee, date]] = []

    def add(self, employee: Employee, period: date) -> None:
        self.entries.append((employee, period))

    def close_year(self) -> None:
        raise NotImplementedError("year-end close is not implemented")


class PayrollExporter:
    def export(self, run: PayrollRun) -> str:
        raise NotImplementedError


class BacsExporter(PayrollExporter):
    def __init__(self, sort_code: str, account: str):
        self.sort_code = sort_code
        self.account = account
