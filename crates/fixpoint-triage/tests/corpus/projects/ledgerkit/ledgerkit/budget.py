from ledgerkit import forecast

DEFAULT_HORIZON = 12


def monthly_budget(annual: int) -> float:
    return annual / DEFAULT_HORIZON


def forecast_year(monthly: float) -> list[float]:
    return forecast.flat(monthly)
