from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)


class ArchivedProduct(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
