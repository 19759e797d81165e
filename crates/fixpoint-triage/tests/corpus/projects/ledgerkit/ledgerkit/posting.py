from dataclasses import dataclass
from decimal import Decimal

from ledgerkit.journal import Journal


@dataclass
class Posting:
    account: str
    amount: Decimal
    memo: str = ""

    def into(self, journal: Journal) -> None:
        journal.post(self)
