"""Unit tests of the sequence model: padding invariance, monotone horizons, ONNX export parity."""
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from prognos_model import CalibratedModel, ProgressionGRU  # noqa: E402
from metrics import auroc, auprc, calibration  # noqa: E402


def make(n=5, t=7, c=10, s=9, seed=0):
    g = torch.Generator().manual_seed(seed)
    seq = torch.randn(n, t, c, generator=g)
    lengths = torch.tensor([t, 1, 3, t - 1, 2])[:n]
    mask = (torch.arange(t)[None, :] < lengths[:, None]).float()
    seq = seq * mask.unsqueeze(-1)
    return seq, mask, torch.randn(n, s, generator=g), torch.ones(n, s)


def test_extra_padding_changes_nothing():
    torch.manual_seed(1)
    m = CalibratedModel(ProgressionGRU(10, 9), [1.3, 0.8]).eval()
    seq, mask, st, sp = make()
    with torch.no_grad():
        a2, a5 = m(seq, mask, st, sp)
        pad = torch.zeros(seq.shape[0], 5, seq.shape[2])
        b2, b5 = m(torch.cat([seq, pad + 7.0], 1), torch.cat([mask, torch.zeros(seq.shape[0], 5)], 1), st, sp)
    assert torch.allclose(a2, b2, atol=1e-6) and torch.allclose(a5, b5, atol=1e-6)
    assert bool((a5 >= a2).all())


def test_onnx_export_matches_torch():
    import onnxruntime as ort
    torch.manual_seed(2)
    m = CalibratedModel(ProgressionGRU(10, 9), [1.0, 1.0]).eval()
    seq, mask, st, sp = make()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'm.onnx')
        torch.onnx.export(m, (seq[:2, :4], mask[:2, :4], st[:2], sp[:2]), path, dynamo=False, opset_version=17,
                          input_names=['seq', 'mask', 'static', 'static_present'], output_names=['risk_2y', 'risk_5y'],
                          dynamic_axes={'seq': {0: 'b', 1: 't'}, 'mask': {0: 'b', 1: 't'}, 'static': {0: 'b'}, 'static_present': {0: 'b'}})
        sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
        out = sess.run(None, {'seq': seq.numpy(), 'mask': mask.numpy(), 'static': st.numpy(), 'static_present': sp.numpy()})
    with torch.no_grad():
        r2, r5 = m(seq, mask, st, sp)
    assert np.abs(out[0] - r2.numpy()).max() <= 1e-5
    assert np.abs(out[1] - r5.numpy()).max() <= 1e-5


def test_metrics_against_hand_values():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    assert abs(auroc(y, p) - 0.75) < 1e-12          # 3 of 4 positive-negative pairs ordered
    assert abs(auprc(y, p) - (1.0 + 2 / 3) / 2) < 1e-12  # precision at each positive: 1/1, 2/3
    a, b = calibration(np.array([0, 1, 0, 1, 1, 0, 0, 1]), np.array([0.2, 0.8, 0.3, 0.7, 0.6, 0.4, 0.1, 0.9]))
    assert b > 0
