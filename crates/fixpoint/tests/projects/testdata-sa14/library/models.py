"""A lending library, in SQLAlchemy 1.4's classic declarative style."""

import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import relationship

from library.db import Base


class BookStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    OUT_OF_PRINT = "out_of_print"


class Author(Base):
    __tablename__ = "authors"

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    email = Column(String(120), unique=True, nullable=False)
    bio = Column(Text)
    born = Column(Date)
    created_at = Column(DateTime, server_default=func.now())
    # The book an author is proudest of: a cycle with Book.author_id, broken here.
    favorite_book_id = Column(Integer, ForeignKey("books.id", use_alter=True, name="fk_favorite_book"), nullable=True)

    books = relationship("Book", back_populates="author", foreign_keys="Book.author_id")


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (
        CheckConstraint("price >= 0", name="ck_price"),
        CheckConstraint("pages > 0 AND pages <= 5000", name="ck_pages"),
    )

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    isbn = Column(String(13), unique=True, nullable=False)
    price = Column(Numeric(8, 2), nullable=False)
    pages = Column(Integer, nullable=False)
    status = Column(Enum(BookStatus), nullable=False)
    in_stock = Column(Boolean, nullable=False, default=True)
    author_id = Column(Integer, ForeignKey("authors.id"), nullable=False)

    author = relationship("Author", back_populates="books", foreign_keys=[author_id])
    loans = relationship("Loan", back_populates="book")


class Member(Base):
    __tablename__ = "members"

    id = Column(Integer, primary_key=True)
    first_name = Column(String(40), nullable=False)
    last_name = Column(String(40), nullable=False)
    phone = Column(String(20))
    tier = Column(Enum("basic", "premium", name="member_tier"), nullable=False)


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (UniqueConstraint("book_id", "member_id", "due", name="uq_loan"),)

    id = Column(Integer, primary_key=True)
    book_id = Column(Integer, ForeignKey("books.id", ondelete="CASCADE"), nullable=False)
    member_id = Column(Integer, ForeignKey("members.id"), nullable=False)
    due = Column(Date, nullable=False)
    fee = Column(Numeric(6, 2), CheckConstraint("fee >= 0"))

    book = relationship("Book", back_populates="loans")
    member = relationship("Member")
