"""Writes the t-SNE benchmark's input: seeded synthetic "features" in ham tsne's features.csv
format (model,domain,class,path,f0,...), 4 domains x 7 classes, one Gaussian cluster per class
shifted per domain, plus unit noise. Both sides of bench/tsne/run.sh read this one file.

usage: /usr/bin/python3 make_features.py OUT.csv [POINTS=2000] [DIM=512] [SEED=0]
"""
import sys

import numpy as np

out = sys.argv[1]
points = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
dim = int(sys.argv[3]) if len(sys.argv) > 3 else 512
rng = np.random.RandomState(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
domains = ["photo", "art_painting", "cartoon", "sketch"]
classes = ["dog", "elephant", "giraffe", "guitar", "horse", "house", "person"]
class_centres = rng.normal(scale=0.3, size=(len(classes), dim))
domain_shifts = rng.normal(scale=0.15, size=(len(domains), dim))
domain = np.arange(points) % len(domains)
label = rng.randint(len(classes), size=points)
x = class_centres[label] + domain_shifts[domain] + rng.normal(scale=0.1, size=(points, dim))
with open(out, "w") as f:
    f.write("model,domain,class,path," + ",".join(f"f{d}" for d in range(dim)) + "\n")
    for i in range(points):
        f.write(f"synthetic,{domains[domain[i]]},{classes[label[i]]},{i}.png," + ",".join(repr(float(np.float32(v))) for v in x[i]) + "\n")
