from orders.customers import Address, Customer


def test_address_default_country():
    assert Address(line1="2 Quay St", city="Cork", postcode="T12").country == "GB"


def test_customer_without_address():
    customer = Customer(id=1, name="Bo Chen")
    assert customer.shipping_address is None


def test_irish_address():
    address = Address(line1="3 Main St", city="Dublin", postcode="D02", country="IRL")
    assert address.country == "IRL"
