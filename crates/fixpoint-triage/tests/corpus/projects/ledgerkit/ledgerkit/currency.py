DEFAULT_CURRENCY = Currency("GBP")


class Currency:
    def __init__(self, code: str):
        self.code = code.upper()
