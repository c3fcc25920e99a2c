"""The scikit-learn side of bench/tsne/run.sh: reads ham tsne's features.csv and runs
TSNE(method="exact") with the same perplexity, iterations and start; prints the seconds of
fit (affinities and optimisation, not the file reading), the final KL and the iterations run.

usage: /usr/bin/python3 tsne_sklearn.py FEATURES.csv PERPLEXITY ITERATIONS INIT
"""
import sys
import time

import numpy as np
from sklearn.manifold import TSNE

path, perplexity, iterations, init = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
x = np.loadtxt(path, delimiter=",", skiprows=1, usecols=None, dtype=str)[:, 4:].astype(np.float32)
tsne = TSNE(n_components=2, perplexity=perplexity, n_iter=iterations, method="exact", init=init, learning_rate="auto", random_state=0)
start = time.perf_counter()
tsne.fit(x)
seconds = time.perf_counter() - start
print(f"{seconds:.3f} {tsne.kl_divergence_:.6f} {tsne.n_iter_ + 1}")
