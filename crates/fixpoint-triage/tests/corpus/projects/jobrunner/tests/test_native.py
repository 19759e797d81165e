from jobrunner.native import checksum


def test_checksum_of_frame_payload():
    frame = bytearray(b"\x00\x00\x00\x03\x00\x00\x00\x00abc")
    assert checksum(frame, 3) == 891568578


def test_checksum_of_empty_frame():
    assert checksum(None, 16) == 0
