"""PyTorch side of the training benchmark: one lockstep HAM step, 3 source encoders (ViT-B/16 at
224 px, random weights), batch 8 each: per source, SAE confidences on every batch (no grad), CE
on the enriched batch + sign loss against the detached mean update, AdamW, historical average.
Same step as bench/Ham.Bench/HamTrainingStep.cs.

usage: ham_step_torch.py THREADS STEPS   -> "seconds_per_step peak_rss_mb_per_source"
"""
import copy
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "foundation"))
from vit_train_torch import VisionTransformer  # noqa: E402

SOURCES, BATCH, CLASSES = 3, 8, 7


def main():
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = VisionTransformer(768, 12, 16, 224, 512)
    encoders = [first] + [copy.deepcopy(first) for _ in range(SOURCES - 1)]
    theta0 = [p.detach().clone() for p in first.parameters()]
    optimizers = [torch.optim.AdamW(e.parameters(), lr=5e-6, weight_decay=0.1) for e in encoders]
    averages = [[p.detach().clone() for p in e.parameters()] for e in encoders]
    weight_sums = [1.0] * SOURCES
    classes = F.normalize(torch.randn(CLASSES, 512), dim=-1)
    batches = [(torch.randn(BATCH, 3, 224, 224), torch.randint(0, CLASSES, (BATCH,))) for _ in range(SOURCES)]

    def logits(encoder, images):
        return 100.0 * F.normalize(encoder(images), dim=-1) @ classes.t()

    def step():
        with torch.no_grad():
            mean_update = [torch.stack([list(e.parameters())[l] for e in encoders]).mean(0) - theta0[l] for l in range(len(theta0))]
        for i, encoder in enumerate(encoders):
            with torch.no_grad():
                confidence = [logits(encoder, images).softmax(-1).max(-1).values for images, _ in batches]
            tau = confidence[i].mean()
            images = [batches[i][0]] + [batches[j][0][confidence[j] > tau] for j in range(SOURCES) if j != i]
            labels = [batches[i][1]] + [batches[j][1][confidence[j] > tau] for j in range(SOURCES) if j != i]
            ce = F.cross_entropy(logits(encoder, torch.cat(images)), torch.cat(labels))
            sign = sum(torch.clamp(-((p - p0) * v).sum(), min=0) for p, p0, v in zip(encoder.parameters(), theta0, mean_update)) / len(theta0)
            optimizers[i].zero_grad()
            (ce + sign).backward()
            optimizers[i].step()
            with torch.no_grad():
                weight = 1.0  # the Beta weight's value does not change the cost
                r = weight / weight_sums[i]
                for a, p in zip(averages[i], encoder.parameters()):
                    a.add_(p, alpha=r).mul_(1 / (1 + r))
                weight_sums[i] += weight

    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {(peak - baseline) / SOURCES:.0f}")


if __name__ == "__main__":
    main()
