from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.marketing.models import Contact


def subscribe(session: Session, email: str) -> Contact:
    contact = Contact(email=email.lower(), opted_in=True)
    session.add(contact)
    session.flush()
    return contact


def audience(session: Session) -> list[str]:
    return list(session.scalars(select(Contact.email).where(Contact.opted_in)))
