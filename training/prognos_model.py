"""The learned CKD progression model: a GRU over irregular visit sequences.

Each step carries the time before the index and the gap since the previous visit (so the network
sees irregular sampling), and per concept a normalised value with a 0/1 mask (missing values are
zero and flagged, never imputed silently). Sequences are right-padded; padding is handled with the
step mask, not packed sequences (which do not export to ONNX): the GRU is causal, so its output at
the last real step does not depend on the padding after it, and that output is selected with a
mask-derived one-hot, an elementwise product that exports to any opset.

Outputs: risk_2y and risk_5y, with the 5-year logit = 2-year logit + softplus(increment) so that
5-year risk >= 2-year risk by construction; calibration temperatures are applied per output.
"""
import torch
from torch import nn


class ProgressionGRU(nn.Module):
    def __init__(self, channels: int, statics: int, hidden: int = 48, head: int = 32):
        super().__init__()
        self.gru = nn.GRU(input_size=channels, hidden_size=hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden + 2 * statics, head), nn.ReLU(), nn.Linear(head, 2))

    def logits(self, seq: torch.Tensor, mask: torch.Tensor, static: torch.Tensor, static_present: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(seq)                                   # [N, T, H]
        nxt = torch.cat([mask[:, 1:], torch.zeros_like(mask[:, :1])], dim=1)
        last = (mask * (1.0 - nxt)).unsqueeze(-1)               # one-hot of the last real step
        h = (out * last).sum(dim=1)                              # [N, H]
        z = self.head(torch.cat([h, static, static_present], dim=1))
        z2 = z[:, 0:1]
        z5 = z2 + nn.functional.softplus(z[:, 1:2])
        return torch.cat([z2, z5], dim=1)                        # [N, 2]

    def forward(self, seq, mask, static, static_present):
        return self.logits(seq, mask, static, static_present)


class CalibratedModel(nn.Module):
    """What is exported: temperature-scaled probabilities, risk_5y kept >= risk_2y."""

    def __init__(self, model: ProgressionGRU, temperatures):
        super().__init__()
        self.model = model
        self.register_buffer('inv_t', torch.tensor([[1.0 / float(temperatures[0]), 1.0 / float(temperatures[1])]], dtype=torch.float32))

    def forward(self, seq, mask, static, static_present):
        p = torch.sigmoid(self.model.logits(seq, mask, static, static_present) * self.inv_t)
        r2 = p[:, 0:1]
        r5 = torch.maximum(p[:, 1:2], r2)
        return r2, r5
