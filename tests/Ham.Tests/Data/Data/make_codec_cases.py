"""Makes the codec test images in codec/ and their expected decodes in codec_expected.json.

Run once with Debian's python3 (Pillow 9.4, numpy): /usr/bin/python3 make_codec_cases.py
Expected pixels are PIL's Image.open(f).convert("RGB"), except for the 16-bit files: Ham (through
libpng's simplified API) rescales 16-bit samples to round(v * 255 / 65535), computed here from the
samples written; PIL keeps the high byte v >> 8 for RGB (at most 1 lower) and clips 16-bit
greyscale to 255. PIL's sums for those files are kept as "pil_sum" for the record.
"""
import hashlib, json, struct, zlib
import numpy as np
from PIL import Image

SRC = "../../../../../shared/data/PACS-mini/photo/dog/056_0001.jpg"
rgb = Image.open(SRC).convert("RGB").crop((20, 30, 57, 53))  # 37 x 23: odd sizes on purpose
a = np.asarray(rgb)
h, w = a.shape[:2]
alpha = (np.arange(w)[None, :] * 7 + np.arange(h)[:, None] * 11) % 256


def write_raw_png(path, arr, color_type, bit_depth):
    """A minimal PNG (filter 0 on every row) for the 16-bit cases PIL cannot write."""
    arr = arr.astype(">u2" if bit_depth == 16 else np.uint8)  # PNG samples are big-endian
    rows = b"".join(b"\x00" + row.tobytes() for row in arr)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", arr.shape[1], arr.shape[0], bit_depth, color_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


rgb.save("codec/rgb.png")
rgb.save("codec/rgb420.jpg", quality=90)
rgb.save("codec/rgb444.jpg", quality=90, subsampling=0)
rgb.save("codec/progressive.jpg", quality=90, progressive=True)
rgb.convert("L").save("codec/grey.jpg", quality=90)
rgb.convert("CMYK").save("codec/cmyk.jpg", quality=90)
rgb.convert("L").save("codec/grey.png")
Image.fromarray(np.dstack([np.asarray(rgb.convert("L")), alpha]).astype(np.uint8), "LA").save("codec/grey_alpha.png")
Image.fromarray(np.dstack([a, alpha]).astype(np.uint8), "RGBA").save("codec/rgba.png")
rgb.convert("P", palette=Image.ADAPTIVE, colors=16).save("codec/palette.png")
p = rgb.convert("P", palette=Image.ADAPTIVE, colors=16)
p.info["transparency"] = 3
p.save("codec/palette_alpha.png", transparency=3)
rgb.convert("1").save("codec/bilevel.png")
wide = a.astype(np.uint16) * 256 + (np.arange(w)[None, :, None] % 200).astype(np.uint16)
write_raw_png("codec/rgb16.png", wide, 2, 16)
write_raw_png("codec/rgba16.png", np.dstack([wide, (alpha.astype(np.uint16) * 257)[..., None]]), 6, 16)
write_raw_png("codec/grey16.png", wide[..., 0].copy(), 0, 16)

SIXTEEN_BIT = {"rgb16.png": wide, "rgba16.png": wide, "grey16.png": np.repeat(wide[..., :1], 3, axis=2)}
expected = {}
for name in ["rgb.png", "rgb420.jpg", "rgb444.jpg", "progressive.jpg", "grey.jpg", "cmyk.jpg", "grey.png",
             "grey_alpha.png", "rgba.png", "palette.png", "palette_alpha.png", "bilevel.png", "rgb16.png", "rgba16.png", "grey16.png"]:
    im = Image.open("codec/" + name)
    mode = im.mode
    px = np.asarray(im.convert("RGB"))
    entry = {"mode": mode, "width": im.size[0], "height": im.size[1]}
    if name in SIXTEEN_BIT:
        entry["pil_sum"] = [int(s) for s in px.reshape(-1, 3).sum(0)]
        px = np.ascontiguousarray(((SIXTEEN_BIT[name].astype(np.int64) * 255 + 32767) // 65535).astype(np.uint8))
    entry["sum"] = [int(s) for s in px.reshape(-1, 3).sum(0)]
    entry["md5"] = hashlib.md5(px.tobytes()).hexdigest()
    expected[name] = entry
with open("codec_expected.json", "w") as f:
    json.dump(expected, f, indent=1)
print(json.dumps({k: v["mode"] for k, v in expected.items()}))
