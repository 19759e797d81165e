from shop import Basket, Line, Order
from shop.basket import as_dict
from shop.schemas import catalogue, parse


def test_order_json_is_the_text_clients_compare():
    order = Order(id=1, lines=[{"sku": "ab"}])
    assert order.json() == '{"id": 1, "lines": [{"sku": "AB", "qty": 1}]}'


def test_a_new_basket_is_empty():
    # Pydantic 1 resolves a reference when a value needs it; Pydantic 2
    # builds the whole model before the first one.
    basket = Basket(owner="ann")
    assert as_dict(basket) == {"owner": "ann", "lines": []}
    assert Line(sku="x", qty=2).qty == 2


def test_required_fields():
    assert Order(id=2).required() == ["id"]


def test_the_catalogue_names_both_models():
    definitions = catalogue()["definitions"]
    assert sorted(definitions) == ["Line", "Order"]
    assert definitions["Order"]["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/Line"}


def test_bad_input_is_refused():
    assert parse({"id": "not a number"}) is None
    assert parse({"id": 3}).id == 3
