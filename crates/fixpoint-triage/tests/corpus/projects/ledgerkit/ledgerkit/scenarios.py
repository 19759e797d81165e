from dataclasses import dataclass

from ledgerkit.projection import grow


@dataclass
class Scenario:
    name: str
    growth: float

    def apply(self, values: list[float]) -> list[float]:
        return grow(values, self.growth)
