from dataclasses import dataclass, field


@dataclass
class Lead:
    email: str
    source: str = "web"
    score: int = 0
    notes: list[str] = field(default_factory=list)

    def bump(self, points: int) -> None:
        self.score = min(100, self.score + points)
