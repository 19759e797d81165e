from pathlib import Path

from stockroom.services import catalog

DATA = Path(__file__).parent.parent / "data"


def test_add_product(session):
    product = catalog.add_product(session, "NUT-8", "M8 nut", 5)
    assert product.id is not None


def test_get_seeded_product(session):
    product = catalog.get_product(session, "SKU-1001")
    assert product.name == "Pallet jack"


def test_count_products(session, widget):
    assert catalog.count_products(session) == 1


def test_main_warehouse_lookup(session):
    warehouse = catalog.warehouse_by_name(session, "Main")
    assert warehouse.city == "Bristol"


def test_default_warehouse_by_primary_key(session):
    warehouse = session.get_one(catalog.Warehouse, 1)
    assert warehouse.name == "Central"


def test_load_price_list():
    prices = catalog.load_price_list(DATA / "prices_2024.csv")
    assert prices["WID-1"] == 1250


def test_total_units_over_warehouses(session, widget, main_warehouse):
    from stockroom.models import StockLevel, Warehouse

    north = Warehouse(name="North", city="York")
    session.add_all(
        [
            StockLevel(product=widget, warehouse=main_warehouse, quantity=4),
            StockLevel(product=widget, warehouse=north, quantity=6),
        ]
    )
    session.flush()
    assert catalog.total_units(session, widget) == 10
