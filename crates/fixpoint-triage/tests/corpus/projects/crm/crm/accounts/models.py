from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class AccountsBase(DeclarativeBase):
    pass


class Account(AccountsBase):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    tier: Mapped[str] = mapped_column(String(20), default="standard")

    contacts: Mapped[list["Contact"]] = relationship("Contact", back_populates="account")


class Contact(AccountsBase):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    email: Mapped[str] = mapped_column(String(200))

    account: Mapped[Account] = relationship(back_populates="contacts")
