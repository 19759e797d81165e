from profiles.schemas.feature_flags import FeatureFlags


def test_flags_default_empty():
    assert FeatureFlags().model_dump() == {}
