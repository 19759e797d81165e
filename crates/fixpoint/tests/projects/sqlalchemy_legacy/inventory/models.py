"""The ORM side: shelves and their books."""

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import relation

Base = declarative_base()


class Shelf(Base):
    __tablename__ = "shelves"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    books = relation("Book", back_populates="shelf")


class Book(Base):
    __tablename__ = "books"

    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    shelf_id = Column(Integer, ForeignKey("shelves.id"))
    shelf = relation("Shelf", back_populates="books")
