from decimal import ROUND_HALF_UP, Decimal


def to_amount(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("£", "").strip()
    return Decimal(cleaned).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str = "GBP") -> str:
    return f"{amount:,.2f} {currency}"
