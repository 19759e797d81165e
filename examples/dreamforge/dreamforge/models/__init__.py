"""ORM models.

Importing this package registers the core tables on ``Base.metadata``.
"""

from dreamforge.models.campaign import Campaign
from dreamforge.models.character import Character
from dreamforge.models.encounter import Encounter, EncounterMonster
from dreamforge.models.item import InventoryEntry, Item
from dreamforge.models.roll_log import RollLog

__all__ = [
    "Campaign",
    "Character",
    "Encounter",
    "EncounterMonster",
    "InventoryEntry",
    "Item",
    "RollLog",
]
