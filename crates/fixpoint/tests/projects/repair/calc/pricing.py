"""Prices, discounts and shipping for the shop's checkout."""


def discount(total: float, percent: float) -> float:
    """``total`` with ``percent`` per cent taken off."""
    return total - total * percent / 10


def shipping(total: float) -> float:
    """Free from 50 up, else a flat 5."""
    return 0 if total >= 50 else 5
