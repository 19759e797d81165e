from decimal import Decimal

from orders.services import payments


def test_settle_with_fake_gateway():
    gateway = payments.FakeCardGateway()
    assert payments.settle(gateway, "SO-1", Decimal("10.00")) == "ch_SO-1"


def test_refund_in_full():
    gateway = payments.FakeCardGateway()
    charge_id = payments.settle(gateway, "SO-2", Decimal("25.00"))
    assert payments.refund_in_full(gateway, charge_id, Decimal("25.00")).startswith("re_")


def test_vat_gb():
    assert payments.vat_for("GB", Decimal("100.00")) == Decimal("20.00")


def test_vat_for_germany():
    assert payments.vat_for("DE", Decimal("100.00")) == Decimal("19.00")


def test_abstract_gateway_charge():
    assert payments.PaymentGateway().charge("SO-3", Decimal("1.00"))
