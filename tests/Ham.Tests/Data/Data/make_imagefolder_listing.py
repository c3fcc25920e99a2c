"""Writes imagefolder_pacs_mini.json: DomainBed's view of ../shared/data/PACS-mini, from
torchvision itself: domains = sorted subdirectories (MultipleEnvironmentImageFolder), and for each
an ImageFolder's classes and samples (path relative to the domain folder, class index).
Run once: /usr/bin/python3 make_imagefolder_listing.py
"""
import json, os
from torchvision.datasets import ImageFolder

ROOT = "../../../../../shared/data/PACS-mini"
domains = sorted(f.name for f in os.scandir(ROOT) if f.is_dir())
out = {}
for d in domains:
    folder = ImageFolder(os.path.join(ROOT, d))
    out[d] = {"classes": folder.classes,
              "samples": [[os.path.relpath(p, os.path.join(ROOT, d)), y] for p, y in folder.samples]}
with open("imagefolder_pacs_mini.json", "w") as f:
    json.dump(out, f)
print({d: len(v["samples"]) for d, v in out.items()})
