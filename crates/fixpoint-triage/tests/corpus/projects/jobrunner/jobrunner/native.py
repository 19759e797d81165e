"""Fast checksums over raw frame buffers via ctypes."""

import ctypes
import zlib

HEADER_SIZE = 8  # every frame starts with an 8-byte length/flags header


def _address_of(buf) -> int:
    if buf is None:
        return 0
    return ctypes.addressof(ctypes.c_char.from_buffer(buf))


def checksum(frame: bytearray | None, size: int) -> int:
    """CRC32 of the payload that follows the frame header."""
    raw = ctypes.string_at(_address_of(frame) + HEADER_SIZE, size)
    return zlib.crc32(raw)
