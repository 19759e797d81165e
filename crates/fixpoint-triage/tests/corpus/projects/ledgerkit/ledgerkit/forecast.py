import ledgerkit.budget

HORIZON = ledgerkit.budget.DEFAULT_HORIZON


def flat(monthly: float) -> list[float]:
    return [monthly] * HORIZON
