import yaml


def test_config_round_trip(tmp_path):
    path = tmp_path / "ledger.yml"
    path.write_text(yaml.safe_dump({"currency": "GBP"}))
    assert yaml.safe_load(path.read_text())["currency"] == "GBP"
