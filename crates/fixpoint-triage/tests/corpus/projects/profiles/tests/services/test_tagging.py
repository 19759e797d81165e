from profiles.services.tagging import normalise_tags


def test_tags_are_deduplicated():
    assert normalise_tags(["Python", "python ", "SQL"]).tags == ["python", "sql"]
