def test_models():
    import app.models
