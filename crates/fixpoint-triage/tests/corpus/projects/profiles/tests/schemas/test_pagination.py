from profiles.schemas.pagination import Page


def test_page_defaults():
    page = Page()
    assert (page.page, page.size) == (1, 50)
