"""Writes split_cases.json, the reference for Ham's DomainBed splits, from numpy 1.24 itself:
 - "shuffles": np.random.RandomState(seed).shuffle(list(range(n))) for several (n, seed) pairs;
 - "seed_hash": DomainBed's misc.seed_hash(*args) for several argument tuples;
 - "pacs_mini": the in/out keys DomainBed's train.py makes for PACS-mini (280 images a domain),
   holdout_fraction 0.2, uda_holdout_fraction 0, for (trial_seed, test_env) = (0, 0) and (2, 3).
Run once: /usr/bin/python3 make_split_cases.py
"""
import hashlib, json
import numpy as np


def seed_hash(*args):  # domainbed/lib/misc.py
    return int(hashlib.md5(str(args).encode("utf-8")).hexdigest(), 16) % (2**31)


def split_keys(keys, n, seed):  # domainbed/lib/misc.py split_dataset, on key lists
    order = list(range(len(keys)))
    np.random.RandomState(seed).shuffle(order)
    return [keys[k] for k in order[:n]], [keys[k] for k in order[n:]]


shuffles = []
for n, seeds in [(1, [0, 7]), (2, [0, 1, 5]), (7, [0, 1, 42, 2**32 - 1]), (1000, [0, 1234567890, 2**31 - 1]), (10000, [2**32 - 1])]:
    for seed in seeds:
        keys = list(range(n))
        np.random.RandomState(seed).shuffle(keys)
        shuffles.append({"n": n, "seed": seed, "keys": keys})

hashes = [{"args": list(a), "hash": seed_hash(*a)} for a in [(0, 0), (0, 1), (41, 3), (12345, 5), (5,), (0,), (), (-3, 2, 1)]]

pacs = []
for trial_seed, test_env in [(0, 0), (2, 3)]:
    domains = {}
    for env_i, name in enumerate(["art_painting", "cartoon", "photo", "sketch"]):
        out, in_ = split_keys(list(range(280)), int(280 * 0.2), seed_hash(trial_seed, env_i))
        if env_i == test_env:
            uda, in_ = split_keys(in_, int(len(in_) * 0), seed_hash(trial_seed, env_i))
        domains[name] = {"in": in_, "out": out}
    pacs.append({"trial_seed": trial_seed, "test_env": test_env, "domains": domains})

with open("split_cases.json", "w") as f:
    json.dump({"shuffles": shuffles, "seed_hash": hashes, "pacs_mini": pacs}, f)
