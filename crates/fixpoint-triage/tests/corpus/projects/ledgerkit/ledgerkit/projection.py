from ledgerkit.scenarios import Scenario


def grow(values: list[float], rate: float) -> list[float]:
    return [round(v * (1 + rate) ** i, 2) for i, v in enumerate(values)]


def best_case(values: list[float]) -> list[float]:
    return Scenario("best", 0.05).apply(values)
