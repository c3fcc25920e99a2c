"""Writes random_state_cases.json: numpy 1.24's legacy np.random.RandomState(seed) draws, the
reference for Ham.Data.Splits.LegacyRandomState (HyperparameterRandomStateTests.cs).

Run once: /usr/bin/python3 make_random_state_cases.py
For every seed, one RandomState replays the first calls of a fixed script (random_sample, uniform,
randint, choice over range(n), interleaved): 250 calls for most seeds, all 1500 for three, which
crosses MT19937's 624-word regeneration several times. So the test checks each value and how many
words each call consumes.
"""
import hashlib
import json
import random

import numpy as np


def seed_hash(*args):  # DomainBed's misc.seed_hash
    return int(hashlib.md5(str(args).encode("utf-8")).hexdigest(), 16) % (2**31)


UNIFORM = [(0.0, 1.0), (-5.0, -3.5), (-1.0, 5.0), (0.0, 4.0), (3.0, 5.5), (-6.0, -2.0), (2.0, 1.0), (1.5, 1.5), (-1e300, 1e300)]
RANDINT = [(0, 1), (0, 2), (0, 3), (0, 4), (0, 7), (0, 10), (-5, 5), (3, 1000), (0, 2**30 + 1), (0, 2**31 - 1), (-2**31, 2**31 - 1), (7, 8)]
CHOICE = [1, 2, 3, 4, 5, 7, 100]

script_rng = random.Random(20261201)
script = []
for _ in range(1500):
    kind = script_rng.choice(["random_sample", "uniform", "randint", "choice"])
    if kind == "random_sample":
        script.append(["random_sample", []])
    elif kind == "uniform":
        script.append(["uniform", list(script_rng.choice(UNIFORM))])
    elif kind == "randint":
        script.append(["randint", list(script_rng.choice(RANDINT))])
    else:
        script.append(["choice", [script_rng.choice(CHOICE)]])

seeds = [0, 1, 2, 3, 42, 1234, 5489, 2**31 - 1, 2**31, 2**32 - 1, 987654321]
seeds += [seed_hash(seed_hash(h, t), name) for h, t in [(1, 0), (2, 0), (7, 3)] for name in ["lr", "steps", "trim", "batch_size"]]

LONG = {0, 42, 2**32 - 1}
cases = []
for seed in seeds:
    r = np.random.RandomState(seed)
    results = []
    for op, args in script[: len(script) if seed in LONG else 250]:
        if op == "random_sample":
            results.append(float(r.random_sample()))
        elif op == "uniform":
            results.append(float(r.uniform(*args)))
        elif op == "randint":
            results.append(int(r.randint(*args)))
        else:
            results.append(int(r.choice(list(range(args[0])))))
    cases.append({"seed": seed, "results": results})

with open("random_state_cases.json", "w") as f:
    json.dump({"numpy": np.__version__, "script": script, "cases": cases}, f)
print(len(cases), "seeds,", sum(len(c["results"]) for c in cases), "calls")
