import app.coins
import app.loot


def test_value():
    assert app.loot.value() == 1


def test_coins():
    assert app.coins.coins() == 2


def test_the_module_exports_nothing_but_value():
    # Passes before the fix and breaks after it: what verification must catch.
    public = [name for name in vars(app.loot) if not name.startswith("_")]
    assert public == ["value"]
