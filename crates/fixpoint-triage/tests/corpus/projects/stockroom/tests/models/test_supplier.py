from models.supplier import Supplier


def test_supplier_defaults(session):
    supplier = Supplier(name="Acme Fasteners")
    session.add(supplier)
    session.flush()
    assert supplier.lead_time_days == 7


def test_supplier_name_is_stored(session):
    supplier = Supplier(name="Bolt & Nut Ltd")
    session.add(supplier)
    session.flush()
    assert supplier.name == "Bolt & Nut Ltd"
