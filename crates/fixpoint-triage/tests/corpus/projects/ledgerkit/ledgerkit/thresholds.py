from ledgerkit import alerts

DEFAULT_LIMIT = 10_000


def over_limit(amount: int, limit: int = DEFAULT_LIMIT) -> bool:
    return amount > limit


def check(amount: int) -> str | None:
    return alerts.message_for(amount) if over_limit(amount) else None
