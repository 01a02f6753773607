"""The bytes of the portal's images: one valid 1x1 grey baseline JPEG, built here.

Every image URL answers with the same picture; extractors only need a real JPEG.
"""

from __future__ import annotations


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _tiny_jpeg() -> bytes:
    jfif = b"JFIF\x00" + bytes((1, 1, 0, 0, 1, 0, 1, 0, 0))  # v1.1, 1:1 aspect, no thumb
    quant = bytes((0,)) + bytes([1] * 64)  # table 0, all ones
    frame = bytes((8, 0, 1, 0, 1, 1, 1, 0x11, 0))  # 8 bit, 1x1, one component (grey)
    # One-code Huffman tables: DC class 0 and AC class 1 each map code "0" to symbol 0.
    dc_table = bytes((0x00, 1)) + bytes(15) + bytes((0,))
    ac_table = bytes((0x10, 1)) + bytes(15) + bytes((0,))
    scan = bytes((1, 1, 0x00, 0, 63, 0))
    # Entropy data: DC difference of size 0 ("0"), end of block ("0"), padded with ones.
    data = bytes((0b0011_1111,))
    return (
        b"\xff\xd8"
        + _segment(0xE0, jfif)
        + _segment(0xDB, quant)
        + _segment(0xC0, frame)
        + _segment(0xC4, dc_table)
        + _segment(0xC4, ac_table)
        + _segment(0xDA, scan)
        + data
        + b"\xff\xd9"
    )


JPEG = _tiny_jpeg()
