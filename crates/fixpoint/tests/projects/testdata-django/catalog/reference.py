"""The publishers every catalog starts with."""

from catalog.models import Publisher

HOUSES = ("Faber & Faber", "Penguin", "Tor")


def seed_publishers():
    """Adds the house publishers that are missing; returns all of them."""
    return [Publisher.objects.get_or_create(name=name)[0] for name in HOUSES]
