"""Small demo models, each with an example batch and a loss, sized so that activations dominate
memory (large batch, narrow layers) while the traced step stays at a few hundred nodes."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def _classification_loss(model, x, y):
    return F.cross_entropy(model(x), y)


def mlp():
    # Batch 1024 x width 64: each activation is 256 KiB, each weight matrix 16 KiB. Twelve
    # layers, so that 0.6 of the peak leaves room for checkpoints: with at most two
    # computations per node, a shallow chain has too few places to cut.
    layers = [nn.Linear(32, 64), nn.ReLU()]
    for _ in range(11):
        layers += [nn.Linear(64, 64), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 10))
    batch = (torch.randn(1024, 32), torch.randint(0, 10, (1024,)))
    return model, batch, _classification_loss


def _conv_relu(c_in, c_out):
    return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU()]


def cnn():
    # Two stages of 3x3 convolutions (6 at 32x32 with 8 channels, 4 at 16x16 with 16), each
    # followed by max pooling, then a linear classifier. Batch 4: 128 KiB per activation.
    layers = _conv_relu(3, 8)
    for _ in range(5):
        layers += _conv_relu(8, 8)
    layers += [nn.MaxPool2d(2)] + _conv_relu(8, 16)
    for _ in range(3):
        layers += _conv_relu(16, 16)
    layers += [nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 8 * 8, 10)]
    batch = (torch.randn(4, 3, 32, 32), torch.randint(0, 10, (4,)))
    return nn.Sequential(*layers), batch, _classification_loss


class BasicBlock(nn.Module):
    """A ResNet basic block. BatchNorm keeps no running statistics: updating them is a side
    effect that a recomputation would repeat, so the tracer refuses it."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels, track_running_stats=False)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels, track_running_stats=False)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(h)))


def resnet_block():
    # A stem and four basic blocks at 16 channels, 32x32, batch 8 (512 KiB per activation).
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False),
        nn.BatchNorm2d(16, track_running_stats=False), nn.ReLU(),
        *[BasicBlock(16) for _ in range(4)],
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )
    batch = (torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,)))
    return model, batch, _classification_loss


class TransformerBlock(nn.Module):
    """Pre-norm transformer block: self-attention and a GELU MLP, both residual."""

    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class TinyTransformer(nn.Module):
    def __init__(self, dim=64, heads=4, depth=2, classes=16):
        super().__init__()
        self.blocks = nn.Sequential(*[TransformerBlock(dim, heads) for _ in range(depth)])
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        return self.head(self.blocks(x))


def transformer_block():
    model = TinyTransformer()
    x = torch.randn(8, 64, 64)  # batch 8, 64 tokens, width 64

    def loss(m, x, y):
        return F.cross_entropy(m(x).flatten(0, 1), y.flatten())

    return model, (x, torch.randint(0, 16, (8, 64))), loss


MODELS = {
    "mlp": mlp,
    "cnn": cnn,
    "resnet-block": resnet_block,
    "transformer-block": transformer_block,
}


def build(name, seed=0):
    """(model, batch, loss_fn) for a demo model, with deterministic weights and data."""
    torch.manual_seed(seed)
    return MODELS[name]()
