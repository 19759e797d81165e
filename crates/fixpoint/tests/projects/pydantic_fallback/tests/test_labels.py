from shop.labels import Label


def test_number_codes_are_coerced_to_text():
    assert Label(code=123).code == "123"


def test_codes_are_upper_case():
    assert Label(code="ab1").code == "AB1"
