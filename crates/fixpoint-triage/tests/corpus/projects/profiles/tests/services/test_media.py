from profiles.services import media


def test_avatar_for():
    avatar = media.avatar_for({"url": "https://cdn.example.com/a.png"})
    assert avatar.width == 128


def test_thumbnail_is_half_size():
    assert media.thumbnail({"url": "https://cdn.example.com/a.png", "width": 200, "height": 100}) == (100, 50)
