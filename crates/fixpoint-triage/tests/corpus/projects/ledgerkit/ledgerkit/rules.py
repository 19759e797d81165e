from typing import override


class Rule:
    def applies(self, description: str) -> bool:
        return False


class KeywordRule(Rule):
    def __init__(self, keyword: str, account: str):
        self.keyword = keyword
        self.account = account

    @override
    def applies(self, description: str) -> bool:
        return self.keyword.lower() in description.lower()
