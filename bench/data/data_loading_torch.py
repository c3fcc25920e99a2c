"""PyTorch side of bench/data: decode (PIL) + train-augment (torchvision) every domain of a
DomainBed-layout folder into 224 px batches of 32, DataLoader with THREADS workers and an
infinite-style RandomSampler(replacement=True), as DomainBed's InfiniteDataLoader.
usage: data_loading_torch.py ROOT THREADS BATCHES clipood|domainbed -> "images_per_s N"
"""
import sys, time
import torch
import torchvision.transforms as T
from torchvision.datasets import ImageFolder
from torch.utils.data import ConcatDataset, DataLoader, RandomSampler
import os

root, threads, batches, augment = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.set_num_threads(1)
steps = [T.RandomResizedCrop(224, scale=(0.7, 1.0)), T.RandomHorizontalFlip()]
if augment == "domainbed":
    steps += [T.ColorJitter(0.3, 0.3, 0.3, 0.3), T.RandomGrayscale()]
steps += [T.ToTensor(), T.Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))]
transform = T.Compose(steps)
dataset = ConcatDataset([ImageFolder(os.path.join(root, d), transform) for d in sorted(os.listdir(root))])
sampler = RandomSampler(dataset, replacement=True, num_samples=(batches + 1) * 32)
loader = iter(DataLoader(dataset, batch_size=32, sampler=sampler, num_workers=threads, drop_last=True))
next(loader)  # first batch: worker start-up
start = time.perf_counter()
for _ in range(batches):
    next(loader)
print(f"images_per_s {batches * 32 / (time.perf_counter() - start):.1f}")
