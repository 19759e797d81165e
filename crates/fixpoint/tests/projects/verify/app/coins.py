def coins():
    return Decimal(2)
