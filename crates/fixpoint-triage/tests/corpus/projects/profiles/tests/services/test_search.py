from profiles.services.search import search


def test_search_matches_substring():
    assert search(["ada", "adam", "grace"], {"q": "ad"}) == ["ada", "adam"]


def test_search_respects_limit():
    assert search(["a1", "a2", "a3"], {"q": "a", "limit": 2}) == ["a1", "a2"]
