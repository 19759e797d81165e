from stockroom.models.supplier import Supplier
from stockroom.models.product import Product
from stockroom.models.warehouse import StockLevel, Warehouse
from stockroom.models.audit import AuditEntry

__all__ = ["AuditEntry", "Product", "StockLevel", "Supplier", "Warehouse"]
