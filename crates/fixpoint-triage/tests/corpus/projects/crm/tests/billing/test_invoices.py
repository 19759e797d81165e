from decimal import Decimal

import pytest

from crm.billing import service
from crm.billing.models import BillingBase, Invoice


@pytest.fixture
def session(make_session):
    return make_session(BillingBase)


def test_open_invoice(session):
    invoice = service.open_invoice(session, "INV-001", "Globex")
    session.flush()
    assert invoice.id is not None


def test_invoice_total(session):
    invoice = service.open_invoice(session, "INV-002", "Initech")
    service.add_line(invoice, "Consulting", "1200.00")
    service.add_line(invoice, "Travel", "80.50")
    assert invoice.total == Decimal("1280.50")


def test_empty_invoice_total_is_zero():
    assert Invoice(number="INV-003", account_name="Hooli").total == Decimal("0")
