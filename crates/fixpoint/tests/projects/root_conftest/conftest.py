def make_ledger():
    return Decimal(0)
