from profiles.schemas.docs import ProfilePatch, openapi_example


def test_patch_is_optional():
    assert ProfilePatch().model_dump() == {"display_name": None, "bio": None}


def test_openapi_example_for_patch():
    example = openapi_example(ProfilePatch)
    assert example["display_name"] == "Ada L."
