from profiles.schemas.address import Address


def test_address_strips_whitespace():
    address = Address(street=" 1 High St ", city="Bath", postcode="BA1 1AA")
    assert address.street == "1 High St"
