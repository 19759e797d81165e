from decimal import Decimal

OVERTIME_MULTIPLIERS = {"weekday": Decimal("1.5"), "saturday": Decimal("1.5"), "sunday": Decimal("2")}


def pension_contribution(salary: Decimal, rate: float = 0.05) -> Decimal:
    return salary * rate


def overtime_rate(base: Decimal, day_kind: str) -> Decimal:
    return base * OVERTIME_MULTIPLIERS[day_kind]


def average_days_off(records: list[int]) -> float:
    return sum(records) / len(records)


def hours_from_timesheet(cells: list[str]) -> int:
    return sum(int(cell) for cell in cells)


def weekly_hours(days: dict[str, float]) -> float:
    return sum(hours for _, hours in days.items())


def fourth_week(weeks: list[float]) -> float:
    return weeks[4]


def holiday_accrual(days_per_year: float, months_worked: int) -> float:
    return round(days_per_year / 12 * months_worked, 2)


def validate_hours(hours: float) -> float:
    if hours > 80:
        raise ValueError(f"hours must be at most 80, got {hours}")
    return hours
