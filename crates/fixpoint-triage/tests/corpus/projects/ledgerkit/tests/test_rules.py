from ledgerkit.rules import KeywordRule


def test_keyword_rule_matches_case_insensitively():
    assert KeywordRule("tesco", "5000").applies("TESCO STORES 2231")
