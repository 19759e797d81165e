from orders.models import Shipment


def start_shipment(order_number: str, carrier: str) -> Shipment:
    return Shipment(order_number=order_number, carrier=carrier)


def latest_event(shipment: Shipment):
    return shipment.events[-1] if shipment.events else None
