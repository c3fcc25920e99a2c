"""PyTorch side of the CLIP benchmark: ViT-B/16 image encoding (no grad) and text encoding,
random weights, OpenAI's module structure (the ViT of bench/foundation plus a causal text
transformer pooled at the end-of-text token). Run by bench/clip/run.sh next to Ham.

usage: clip_encode_torch.py THREADS IMAGE_BATCHES PROMPTS
prints: images images_per_s  /  texts prompts_per_s
"""
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "foundation"))
from vit_train_torch import Block, VisionTransformer  # noqa: E402

WIDTH, LAYERS, PATCH, IMAGE, EMBED = 768, 12, 16, 224, 512
TEXT_WIDTH, TEXT_LAYERS, CONTEXT, VOCAB = 512, 12, 77, 49408
BATCH, TEXT_BATCH = 32, 100


class TextTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB, TEXT_WIDTH)
        self.positional_embedding = nn.Parameter(0.01 * torch.randn(CONTEXT, TEXT_WIDTH))
        self.blocks = nn.ModuleList([Block(TEXT_WIDTH) for _ in range(TEXT_LAYERS)])
        self.ln_final = nn.LayerNorm(TEXT_WIDTH)
        self.text_projection = nn.Parameter(TEXT_WIDTH ** -0.5 * torch.randn(TEXT_WIDTH, EMBED))
        self.register_buffer("mask", torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1))

    def forward(self, tokens):
        x = (self.token_embedding(tokens) + self.positional_embedding).permute(1, 0, 2)
        for block in self.blocks:
            h = block.ln_1(x)
            x = x + block.attn(h, h, h, need_weights=False, attn_mask=self.mask)[0]
            x = x + block.mlp(block.ln_2(x))
        x = self.ln_final(x.permute(1, 0, 2))
        return x[torch.arange(x.shape[0]), tokens.argmax(dim=-1)] @ self.text_projection


def timed(fn, repeats):
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def main():
    threads, image_batches, prompts = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    vision = VisionTransformer(WIDTH, LAYERS, PATCH, IMAGE, EMBED).eval()
    text = TextTransformer().eval()
    images = torch.randn(BATCH, 3, IMAGE, IMAGE)
    # Prompts of 5..16 tokens: start, random ids, end (the largest id), zero padding.
    tokens = torch.zeros(prompts, CONTEXT, dtype=torch.long)
    lengths = torch.randint(5, 17, (prompts,))
    for i in range(prompts):
        tokens[i, 0] = 49406
        tokens[i, 1:lengths[i] - 1] = torch.randint(1, 49000, (int(lengths[i]) - 2,))
        tokens[i, lengths[i] - 1] = 49407
    with torch.no_grad():
        seconds = timed(lambda: vision(images), image_batches)
        print(f"images {BATCH / seconds:.3f}")
        seconds = timed(lambda: [text(tokens[s:s + TEXT_BATCH]) for s in range(0, prompts, TEXT_BATCH)], 1)
        print(f"texts {prompts / seconds:.3f}")


if __name__ == "__main__":
    main()
