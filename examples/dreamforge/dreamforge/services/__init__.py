"""Service layer: the table-side rules of DreamForge.

Services take an explicit SQLAlchemy ``Session`` where they touch the
database; they never commit, the caller owns the transaction.
"""
