"""Newsletter subscribers. Shares the accounts database and Base."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.accounts.models import AccountsBase


class Contact(AccountsBase):
    __tablename__ = "marketing_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    opted_in: Mapped[bool] = mapped_column(default=False)
