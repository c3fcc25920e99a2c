"""PyTorch side of the ResNet benchmark: one torchvision resnet50 training step (forward in train
mode, cross-entropy over 1000 classes, backward, AdamW step) per iteration on batch 32 of 224 px,
images/s. Run by bench/resnet/run.sh next to the Ham side with the same model, batch and threads.

usage: resnet_train_torch.py THREADS STEPS [LAYOUT]
  LAYOUT nchw (default: torchvision as it is usually run) or channels-last (the input made
  torch.channels_last, as Ham.Vision's ResNet runs: the like-for-like comparison)
prints one line: resnet50 images_per_s seconds_per_step (the median step)
"""
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

BATCH, IMAGE, CLASSES = 32, 224, 1000


def main():
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    layout = sys.argv[3] if len(sys.argv) > 3 else "nchw"
    if layout not in ("nchw", "channels-last"):
        sys.exit(f"LAYOUT: expected nchw or channels-last, got {layout!r}")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torchvision.models.resnet50(num_classes=CLASSES).train()
    images = torch.randn(BATCH, 3, IMAGE, IMAGE)
    if layout == "channels-last":
        images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, CLASSES, (BATCH,))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)

    def step():
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    seconds = sorted(times)[steps // 2]  # the median step, as the Ham side reports it
    print(f"resnet50 {BATCH / seconds:.3f} {seconds:.6f}")


if __name__ == "__main__":
    main()
