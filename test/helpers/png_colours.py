#!/usr/bin/env python3
# Reads an 8-bit RGB or RGBA PNG (what rsvg-convert writes) with zlib alone, and prints, for each box
# "x0,y0,x1,y1" given (pixels, end exclusive), the colours in it and how many pixels have each, as JSON:
# [{"#00ff00": 12, "#000000": 130}, ...]. PNG: RFC 2083 / ISO 15948 (chunks, filters 0-4, Paeth).
import json, struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB/RGBA, not interlaced"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows

width, height, channels, rows = read_png(sys.argv[1])
out = []
for box in sys.argv[2:]:
    x0, y0, x1, y1 = (int(v) for v in box.split(","))
    counts = {}
    for y in range(max(0, y0), min(height, y1)):
        for x in range(max(0, x0), min(width, x1)):
            px = rows[y][x * channels:x * channels + 3]
            key = "#%02x%02x%02x" % (px[0], px[1], px[2])
            counts[key] = counts.get(key, 0) + 1
    out.append(counts)
print(json.dumps({"width": width, "height": height, "boxes": out}))
