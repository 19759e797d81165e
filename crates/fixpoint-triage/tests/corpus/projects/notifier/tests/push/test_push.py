from notifier import spool


def test_push_enqueue(queue):
    assert queue is not None


def test_devices_are_registered(device_registry):
    assert device_registry == []


def test_device_count(device_registry):
    assert len(device_registry) == 0


def test_spool_and_flush(spool_dir):
    spool.spool(spool_dir, {"to": "device-1"})
    assert spool.flush(spool_dir) == 1


def test_spool_numbering(spool_dir):
    first = spool.spool(spool_dir, {"to": "a"})
    second = spool.spool(spool_dir, {"to": "b"})
    assert (first.name, second.name) == ("00000.json", "00001.json")


def test_push_token_format(push_token):
    assert push_token.startswith("tok_")


def test_web_push_endpoint(client):
    assert client.post("/push", json={"to": "x"}).status_code == 202


def test_render_into_tmp(tmp_pth):
    (tmp_pth / "x.txt").write_text("x")
