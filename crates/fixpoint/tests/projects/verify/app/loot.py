def value():
    return Decimal(1)
