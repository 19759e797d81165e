import datetime


def current_period() -> str:
    today = datetime.now()
    return f"{today.year}-{today.month:02d}"


def period_label(year: int, month: int) -> str:
    return datetime.date(year, month, 1).strftime("%b %Y")


def close_period(journal_name: str) -> dict:
    return {"journal": journal_name, "period": current_period()}
