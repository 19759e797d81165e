def test_trail(trail):
    assert trail is not None
