from decimal import Decimal

FALLBACK_RATES = {"GBP": Decimal("1"), "EUR": Decimal("1.17"), "USD": Decimal("1.27")}


def fetch_rates(base: str = "GBP") -> dict[str, Decimal]:
    import requests

    response = requests.get(f"https://fx.example.com/latest?base={base}", timeout=5)
    return {k: Decimal(str(v)) for k, v in response.json()["rates"].items()}


def convert(amount: Decimal, to: str) -> Decimal:
    return amount * FALLBACK_RATES[to]
