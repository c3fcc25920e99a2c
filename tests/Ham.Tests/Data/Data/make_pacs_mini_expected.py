"""Writes pacs_mini_expected.tsv: for every image of ../shared/data/PACS-mini (sorted relative
path), PIL's Image.open(f).convert("RGB") width, height, per-channel pixel sums and md5 of the
RGB bytes. Run once with Debian's python3 (Pillow 9.4): /usr/bin/python3 make_pacs_mini_expected.py
"""
import hashlib, os
import numpy as np
from PIL import Image

ROOT = "../../../../../shared/data/PACS-mini"
paths = sorted(os.path.relpath(os.path.join(d, f), ROOT) for d, _, fs in os.walk(ROOT) for f in fs)
with open("pacs_mini_expected.tsv", "w") as out:
    out.write("path\twidth\theight\tsum_r\tsum_g\tsum_b\tmd5\n")
    for rel in paths:
        px = np.asarray(Image.open(os.path.join(ROOT, rel)).convert("RGB"))
        s = px.reshape(-1, 3).sum(0, dtype=np.int64)
        out.write(f"{rel}\t{px.shape[1]}\t{px.shape[0]}\t{s[0]}\t{s[1]}\t{s[2]}\t{hashlib.md5(px.tobytes()).hexdigest()}\n")
print(len(paths), "images")
