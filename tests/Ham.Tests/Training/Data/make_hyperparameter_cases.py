"""Writes hyperparameter_cases.json: Ham's hyperparameter spaces drawn as DomainBed draws its
own (domainbed/hparams_registry.py and scripts/train.py), the reference for HyperparameterTests.cs.

Run once: /usr/bin/python3 make_hyperparameter_cases.py [DOMAINBED_CHECKOUT]
DomainBed's rule: hparams_seed 0 gives the defaults; otherwise random_seed =
seed_hash(hparams_seed, trial_seed), and each hyperparameter NAME is drawn by its random_val_fn
from np.random.RandomState(seed_hash(random_seed, NAME)). The spaces below restate Ham's
registry (src/Ham.Training/Hyperparameters) in that form. Given a DomainBed checkout, the script
also asserts that its draws of DomainBed's own hyperparameters (the resnet backbone's lr,
weight_decay, batch_size and the irm/mmd/coral/mixup ones) equal DomainBed's real
hparams_registry.random_hparams / default_hparams for dataset PACS.
"""
import hashlib
import json
import sys

import numpy as np


def seed_hash(*args):  # domainbed/lib/misc.py
    return int(hashlib.md5(str(args).encode("utf-8")).hexdigest(), 16) % (2**31)


MERGES = ["average", "task-arithmetic", "ties", "dare-ta", "dare-ties", "rhm", "score", "tsv", "iso-c", "wise-ft", "bn-stats", "trajectory"]


def space(algorithm, backbone):
    """name -> (default, random_val_fn), in Ham's order: the backbone's, then the algorithm's."""
    s = {}
    if backbone == "clip":
        s["lr"] = (5e-6, lambda r: r.choice([5e-6, 1e-5]))
        s["weight_decay"] = (0.1, lambda r: 0.1)
        s["batch_size"] = (24, lambda r: 24)
        s["steps"] = (1000, lambda r: int(r.choice([500, 3000, 5000, 10000])))
    else:  # DomainBed's, for datasets other than the small-image ones and DomainNet
        s["lr"] = (5e-5, lambda r: 10**r.uniform(-5, -3.5))
        s["weight_decay"] = (0.0, lambda r: 10**r.uniform(-6, -2))
        s["batch_size"] = (32, lambda r: int(2**r.uniform(3, 5.5)))
        s["steps"] = (5000, lambda r: 5000)
    if algorithm == "ham":
        s["lambda"] = (1.0, lambda r: r.choice([0.1, 0.5, 1.0]))
        s["trim"] = (0.2, lambda r: r.choice([0.2, 0.4, 0.6, 0.8]))
        s["beta"] = (0.5, lambda r: 0.5)
        s["sae"] = (True, lambda r: True)
        s["opa"] = ("layer-dot", lambda r: "layer-dot")
        s["merge"] = ("rhm", lambda r: "rhm")
        s["density"] = (0.2, lambda r: 0.2)
        s["drop"] = (0.9, lambda r: 0.9)
        s["trim_scope"] = ("model", lambda r: "model")
        s["bn_statistics"] = ("mixture", lambda r: "mixture")
        s["average"] = (True, lambda r: True)
    elif algorithm == "per-source":
        s["merge"] = ("rhm", lambda r: "rhm")
        s["trim"] = (0.2, lambda r: r.choice([0.2, 0.4, 0.6, 0.8]))
        s["density"] = (0.2, lambda r: 0.2)
        s["drop"] = (0.9, lambda r: 0.9)
        s["trim_scope"] = ("model", lambda r: "model")
        s["bn_statistics"] = ("mixture", lambda r: "mixture")
        s["beta"] = (0.5, lambda r: 0.5)
        s["average"] = (False, lambda r: False)
    elif algorithm == "erm":
        s["beta"] = (0.5, lambda r: 0.5)
        s["average"] = (False, lambda r: False)
    elif algorithm == "clipood":
        s["margin"] = (0.3, lambda r: 0.3)
        s["beta"] = (0.5, lambda r: 0.5)
        s["average"] = (True, lambda r: True)
    elif algorithm == "irm":  # DomainBed's IRM
        s["irm_lambda"] = (1e2, lambda r: 10**r.uniform(-1, 5))
        s["irm_penalty_anneal_iters"] = (500, lambda r: int(10**r.uniform(0, 4)))
    elif algorithm in ("mmd", "coral"):  # DomainBed's MMD, CORAL
        s["mmd_gamma"] = (1.0, lambda r: 10**r.uniform(-1, 1))
    elif algorithm == "mixup":  # DomainBed's Mixup
        s["mixup_alpha"] = (0.2, lambda r: 10**r.uniform(-1, 1))
    if algorithm in ("irm", "mmd", "coral", "mixup"):  # every model keeps a historical average; these deliver their final weights
        s["beta"] = (0.5, lambda r: 0.5)
        s["average"] = (False, lambda r: False)
    return s


def plain(value):
    """numpy scalars to JSON's types."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return str(value)


def resolve(algorithm, backbone, hparams_seed, trial_seed):  # train.py's choice of default or random hparams
    s = space(algorithm, backbone)
    if hparams_seed == 0:
        return {name: plain(default) for name, (default, _) in s.items()}
    random_seed = seed_hash(hparams_seed, trial_seed)
    return {name: plain(fn(np.random.RandomState(seed_hash(random_seed, name)))) for name, (_, fn) in s.items()}


ALGORITHMS = ["ham", "per-source", "erm", "clipood", "irm", "coral", "mmd", "mixup"]
SEEDS = [(0, 0), (0, 3), (1, 0), (2, 0), (3, 0), (1, 1), (5, 3), (17, 2), (123, 41), (99999, 0), (-4, 7)]
cases = [
    {"algorithm": a, "backbone": b, "hparams_seed": h, "trial_seed": t, "values": resolve(a, b, h, t)}
    for a in ALGORITHMS for b in ("clip", "resnet") for h, t in SEEDS
]
hashes = [{"args": list(args), "hash": seed_hash(*args)} for args in [(7, "lr"), (0, "weight_decay"), (2**31 - 1, "irm_penalty_anneal_iters"), (12345, "mixup_alpha"), (-1, "x")]]

if len(sys.argv) > 1:  # check against DomainBed's own registry
    sys.path.insert(0, sys.argv[1])
    from domainbed import hparams_registry
    from domainbed.lib import misc

    assert all(misc.seed_hash(*c["args"]) == c["hash"] for c in hashes)
    ours_to_domainbed = {"irm": "IRM", "mmd": "MMD", "coral": "CORAL", "mixup": "Mixup", "erm": "ERM"}
    checked = 0
    for c in cases:
        if c["backbone"] != "resnet" or c["algorithm"] not in ours_to_domainbed:
            continue
        name, h, t = ours_to_domainbed[c["algorithm"]], c["hparams_seed"], c["trial_seed"]
        theirs = hparams_registry.default_hparams(name, "PACS") if h == 0 else hparams_registry.random_hparams(name, "PACS", misc.seed_hash(h, t))
        for key, value in c["values"].items():
            if key in theirs:
                assert plain(theirs[key]) == value, (c, key, theirs[key])
                checked += 1
    print("equal to DomainBed's hparams_registry on", checked, "values")

with open("hyperparameter_cases.json", "w") as f:
    json.dump({"seed_hash": hashes, "cases": cases}, f, indent=0)
print(len(cases), "cases")
