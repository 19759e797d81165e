from decimal import Decimal

PERSONAL_ALLOWANCE = Decimal("12570")
BASIC_RATE_LIMIT = Decimal("50270")


def income_tax(annual: Decimal) -> Decimal:
    taxable = max(Decimal("0"), annual - PERSONAL_ALLOWANCE)
    basic = min(taxable, BASIC_RATE_LIMIT) * Decimal("0.20")
    higher = max(Decimal("0"), taxable - BASIC_RATE_LIMIT) * Decimal("0.40")
    return (basic + higher).quantize(Decimal("0.01"))


def round_pay(amount: Decimal, ndigits: int = 2) -> Decimal:
    return amount.round(ndigits)
