from ledgerkit import thresholds

ALERT_LIMIT = thresholds.DEFAULT_LIMIT


def message_for(amount: int) -> str:
    return f"payment of {amount} exceeds the {ALERT_LIMIT} limit"
