def test_typo(:
    pass
