from stockroom.models import Product, StockLevel


def test_product_gets_an_id(session):
    product = Product(sku="BOLT-8", name="M8 bolt", price_cents=15)
    session.add(product)
    session.flush()
    assert product.id is not None


def test_stock_level_links_product_and_warehouse(session, widget, main_warehouse):
    level = StockLevel(product=widget, warehouse=main_warehouse, quantity=3)
    session.add(level)
    session.flush()
    assert widget.stock_levels == [level]
    assert main_warehouse.stock_levels[0].quantity == 3


def test_display_price_has_two_decimals(widget):
    assert widget.display_price == "$12.50"
