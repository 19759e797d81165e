from dataclasses import dataclass, field

from ledgerkit.posting import Posting


@dataclass
class Journal:
    name: str
    postings: list[Posting] = field(default_factory=list)

    def post(self, posting: Posting) -> None:
        self.postings.append(posting)

    def balance(self, account: str):
        return sum(p.amount for p in self.postings if p.account == account)
