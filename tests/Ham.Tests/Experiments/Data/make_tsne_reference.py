"""Writes tsne_reference.json: a small seeded dataset (120 points in 10-d, three Gaussian clusters)
and what scikit-learn's exact t-SNE makes of it (TsneTests.cs runs Ham's t-SNE on the same points).

Run with Debian's python3-sklearn (1.2.1): /usr/bin/python3 make_tsne_reference.py
Stored: points (120 x 10), labels, perplexity, iterations; joint_p (the joint probabilities of
sklearn.manifold._t_sne._joint_probabilities on the squared Euclidean distances, in its
condensed form: p_ij for i < j, row by row); kl_random and kl_pca (TSNE(method="exact") with
init "random" and "pca", random_state 0, learning_rate "auto", its kl_divergence_) and
kl_random_seeds: the final KL of init "random" for random_state 0..19 (one run's KL varies by a
few percent with the start, so the test compares with their mean).
"""
import json

import numpy as np
import sklearn
from sklearn.manifold import TSNE
from sklearn.manifold._t_sne import _joint_probabilities
from sklearn.metrics import pairwise_distances

PERPLEXITY = 20.0
ITERATIONS = 1000

rng = np.random.RandomState(0)
centres = rng.normal(scale=4.0, size=(3, 10))
labels = np.repeat(np.arange(3), 40)
points = centres[labels] + rng.normal(size=(120, 10))

distances = pairwise_distances(points, metric="euclidean", squared=True)
joint_p = _joint_probabilities(distances, PERPLEXITY, 0)


def final_kl(init, seed):
    tsne = TSNE(n_components=2, perplexity=PERPLEXITY, n_iter=ITERATIONS, method="exact", init=init,
                learning_rate="auto", random_state=seed)
    tsne.fit(points)
    return float(tsne.kl_divergence_), int(tsne.n_iter_)


kl_random, iterations_random = final_kl("random", 0)
kl_pca, iterations_pca = final_kl("pca", 0)
seeds = [final_kl("random", s)[0] for s in range(20)]
print(f"sklearn {sklearn.__version__}: KL random {kl_random:.6f} ({iterations_random + 1} iterations), "
      f"pca {kl_pca:.6f} ({iterations_pca + 1}); random over seeds 0-19: {min(seeds):.6f} .. {max(seeds):.6f}, mean {sum(seeds) / len(seeds):.6f}")
with open("tsne_reference.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "perplexity": PERPLEXITY, "iterations": ITERATIONS,
               "points": points.tolist(), "labels": labels.tolist(), "joint_p": joint_p.tolist(),
               "kl_random": kl_random, "kl_pca": kl_pca, "kl_random_seeds": seeds}, f)
    f.write("\n")
