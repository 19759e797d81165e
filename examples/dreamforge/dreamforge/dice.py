"""Dice notation parsing and rolling.

Supports the usual tabletop notation::

    d20        one twenty-sided die
    2d6+3      two six-sided dice plus three
    4d6-1      four six-sided dice minus one

Every rolling function takes an optional :class:`random.Random` so callers
(and tests) can make rolls reproducible.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

#: Dice we are willing to roll. Anything else is almost certainly a typo.
STANDARD_DICE = frozenset({2, 4, 6, 8, 10, 12, 20, 100})
MAX_DICE = 100

_NOTATION = re.compile(r"^\s*(?P<count>\d*)\s*d\s*(?P<sides>\d+)\s*(?:(?P<sign>[+-])\s*(?P<mod>\d+))?\s*$", re.I)


class DiceNotationError(ValueError):
    """Raised for notation that cannot be parsed or is out of range."""


@dataclass(frozen=True)
class DiceExpression:
    """A parsed dice expression such as ``2d6+3``."""

    count: int
    sides: int
    modifier: int = 0

    @property
    def minimum(self) -> int:
        return self.count + self.modifier

    @property
    def maximum(self) -> int:
        return self.count * self.sides + self.modifier

    @property
    def average(self) -> float:
        return self.count * (self.sides + 1) / 2 + self.modifier

    def __str__(self) -> str:
        text = f"{self.count}d{self.sides}"
        if self.modifier > 0:
            text += f"+{self.modifier}"
        elif self.modifier < 0:
            text += f"-{-self.modifier}"
        return text


@dataclass(frozen=True)
class RollResult:
    """The outcome of rolling a :class:`DiceExpression`."""

    expression: DiceExpression
    faces: tuple[int, ...] = field(default_factory=tuple)
    total: int = 0

    def __int__(self) -> int:
        return self.total


def parse(notation: str) -> DiceExpression:
    """Parse dice notation into a :class:`DiceExpression`.

    >>> parse("2d6+3")
    DiceExpression(count=2, sides=6, modifier=3)
    """
    match = _NOTATION.match(notation)
    if match is None:
        raise DiceNotationError(f"not valid dice notation: {notation!r}")
    count = int(match["count"]) if match["count"] else 1
    sides = int(match["sides"])
    modifier = int(match["mod"] or 0)
    if match["sign"] == "-":
        modifier = -modifier
    if not 1 <= count <= MAX_DICE:
        raise DiceNotationError(f"can only roll between 1 and {MAX_DICE} dice, got {count}")
    if sides not in STANDARD_DICE:
        raise DiceNotationError(f"d{sides} is not a standard die")
    return DiceExpression(count=count, sides=sides, modifier=modifier)


def roll_die(sides: int, rng: random.Random | None = None) -> int:
    """Roll a single die with ``sides`` faces."""
    rng = rng or random
    return rng.randrange(1, sides)


def roll(notation: str | DiceExpression, rng: random.Random | None = None) -> RollResult:
    """Roll dice given in notation (``"2d6+3"``) or as a parsed expression."""
    expression = parse(notation) if isinstance(notation, str) else notation
    faces: list[int] = []
    total = 0
    for _ in range(expression.count):
        face = roll_die(expression.sides, rng)
        faces.append(face)
        total += face + expression.modifier
    return RollResult(expression=expression, faces=tuple(faces), total=total)
