def running_totals(amounts):
    totals = []
    total = 0
    for amount in amounts:
        totl = total + amount
        totals.append(totl)
        total = totl
    return totals


def net(debits, credits):
    return sum(debits) - sum(creditz)


def as_money(value):
    return Decimal(value).quantize(Decimal("0.01"))
