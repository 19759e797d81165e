from decimal import Decimal


class PaymentGateway:
    name = "abstract"

    def charge(self, order_number: str, amount: Decimal) -> str:
        raise NotImplementedError

    def refund(self, charge_id: str, amount: Decimal) -> str:
        raise NotImplementedError


class FakeCardGateway(PaymentGateway):
    name = "fake-card"

    def __init__(self):
        self.charges: dict[str, Decimal] = {}

    def charge(self, order_number: str, amount: Decimal) -> str:
        charge_id = f"ch_{order_number}"
        self.charges[charge_id] = amount
        return charge_id


def settle(gateway: PaymentGateway, order_number: str, amount: Decimal) -> str:
    return gateway.charge(order_number, amount)


def refund_in_full(gateway: PaymentGateway, charge_id: str, amount: Decimal) -> str:
    return gateway.refund(charge_id, amount)


def vat_for(country: str, amount: Decimal) -> Decimal:
    if country == "GB":
        return (amount * Decimal("0.20")).quantize(Decimal("0.01"))
    raise NotImplementedError(f"VAT rules for {country} are not implemented yet")
