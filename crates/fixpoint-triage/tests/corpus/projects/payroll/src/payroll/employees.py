from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Employee:
    id: int
    name: str
    grade: str
    salary: Decimal
    manager_id: int | None = None


@dataclass
class Department:
    name: str
    members: list[Employee] = field(default_factory=list)

    def payroll_cost(self) -> Decimal:
        return sum((m.salary for m in self.members), Decimal("0"))
