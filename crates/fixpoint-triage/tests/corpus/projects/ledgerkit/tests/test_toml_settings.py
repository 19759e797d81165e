def test_read_settings_file(tmp_path):
    import tomli

    path = tmp_path / "ledger.toml"
    path.write_text('currency = "GBP"\n')
    assert tomli.loads(path.read_text())["currency"] == "GBP"
