from orders.services import shipping


def test_start_shipment():
    shipment = shipping.start_shipment("SO-1", "DPD")
    assert shipment.events == []


def test_latest_event_of_new_shipment():
    assert shipping.latest_event(shipping.start_shipment("SO-2", "Royal Mail")) is None
