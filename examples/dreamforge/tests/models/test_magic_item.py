import pytest

from dreamforge.models.magic_item import MAX_ATTUNED_ITEMS, AttunementError, MagicItem


def test_attuning_links_item_to_character(session, party):
    cloak = MagicItem(name="Cloak of Protection", rarity="uncommon", requires_attunement=True)
    session.add(cloak)
    cloak.attune(party[2])
    session.flush()

    assert cloak.attuned_to_id == party[2].id


def test_attunement_limit(session, party):
    ring = MagicItem(name="Ring of Warmth", requires_attunement=True)
    session.add(ring)

    with pytest.raises(AttunementError, match="already attuned"):
        ring.attune(party[1], already_attuned=MAX_ATTUNED_ITEMS)
