from profiles.schemas.phone import PhoneNumber


def test_number_is_normalised():
    assert PhoneNumber(number="(0117) 496 0000").number == "01174960000"
