"""PyTorch side of the foundation benchmark: one CLIP-style ViT training step
(forward + backward + AdamW step) per iteration, images/s. Run by bench/foundation/run.sh
next to the Ham side with the same model, batch and thread count.

usage: vit_train_torch.py CONFIG THREADS STEPS   (CONFIG: vit-b16 | tiny)
prints one line: CONFIG images_per_s seconds_per_step
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    # width, layers, patch, image, batch, embed dim
    "vit-b16": (768, 12, 16, 224, 8, 512),
    "tiny": (128, 4, 4, 32, 64, 64),
}
CLASSES = 10


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, width // 64 if width >= 64 else 1)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, width * 4), QuickGELU(), nn.Linear(width * 4, width))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class VisionTransformer(nn.Module):
    def __init__(self, width, layers, patch, image, embed):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, patch, patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((image // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.Sequential(*[Block(width) for _ in range(layers)])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, embed))

    def forward(self, x):
        x = self.conv1(x).flatten(2).transpose(1, 2)  # (N, grid^2, width)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x).permute(1, 0, 2)  # (L, N, width)
        x = self.blocks(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


def main():
    config, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    width, layers, patch, image, batch, embed = CONFIGS[config]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = VisionTransformer(width, layers, patch, image, embed)
    text = F.normalize(torch.randn(CLASSES, embed), dim=-1)
    images = torch.randn(batch, 3, image, image)
    labels = torch.randint(0, CLASSES, (batch,))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.1)

    def step():
        features = F.normalize(model(images), dim=-1)
        loss = F.cross_entropy(100.0 * features @ text.t(), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    print(f"{config} {batch / seconds:.3f} {seconds:.6f}")


if __name__ == "__main__":
    main()
