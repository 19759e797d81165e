from decimal import Decimal

from sqlalchemy.orm import Session

from crm.billing.models import Invoice, InvoiceLine


def open_invoice(session: Session, number: str, account_name: str) -> Invoice:
    invoice = Invoice(number=number, account_name=account_name)
    session.add(invoice)
    return invoice


def add_line(invoice: Invoice, description: str, amount: str) -> InvoiceLine:
    line = InvoiceLine(description=description, amount=Decimal(amount))
    invoice.lines.append(line)
    return line
