"""Trains, calibrates, exports and evaluates the learned CKD progression model.

    python training/train.py --data DATASET_DIR --out MODEL_DIR [--quick] [--seed 13]

Reads the dataset the TypeScript builder wrote (seq/mask/static/labels .npy + dataset.json, with
KFRE predictions filled into meta.npy), trains a GRU (prognos_model.py) with masked BCE on the 2-
and 5-year labels (censored labels carry no loss), early-stops on validation loss, fits one
calibration temperature per output on the validation split only, exports ONNX (legacy exporter,
opset 17, dynamic batch and step axes), writes reference inputs/outputs for the parity tests, and
evaluates against KFRE on the temporal test split (evaluate.py). Seeds are fixed; CUDA is used when
torch sees it.
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from prognos_model import CalibratedModel, ProgressionGRU
import evaluate


def load(data_dir):
    arr = {k: np.load(os.path.join(data_dir, f'{k}.npy')) for k in ['seq', 'mask', 'static', 'static_present', 'labels', 'label_known', 'meta']}
    with open(os.path.join(data_dir, 'dataset.json')) as f:
        desc = json.load(f)
    return arr, desc


def tensors(arr, idx, device):
    return [torch.from_numpy(arr[k][idx].astype(np.float32)).to(device) for k in ['seq', 'mask', 'static', 'static_present', 'labels', 'label_known']]


def masked_bce(logits, y, known):
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction='none')
    return (loss * known).sum() / known.sum().clamp(min=1.0)


def trim(seq, mask):
    """Drops all-padding steps at the end of a batch (shorter GRU runs; the result is unchanged)."""
    steps = int(mask.sum(dim=1).max().item()) if mask.numel() else 1
    steps = max(steps, 1)
    return seq[:, :steps], mask[:, :steps]


def predict_logits(model, arr, idx, device, batch=1024):
    """Logits in idx order (computed in length-sorted batches, then put back in order)."""
    model.eval()
    idx = np.asarray(idx)
    if len(idx) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    order = np.argsort(arr['mask'][idx].sum(axis=1), kind='stable')
    out = np.zeros((len(idx), 2), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(order), batch):
            pos = order[s:s + batch]
            seq, mask, st, sp, _, _ = tensors(arr, idx[pos], device)
            seq, mask = trim(seq, mask)
            out[pos] = model.logits(seq, mask, st, sp).cpu().numpy()
    return out


def fit_temperature(logits, y, known):
    """1-D search of the temperature minimising validation NLL (per output)."""
    m = known == 1
    z, t = logits[m].astype(np.float64), y[m].astype(np.float64)
    if len(z) == 0 or len(np.unique(t)) < 2:
        return 1.0
    best, best_nll = 1.0, float('inf')
    for T in np.exp(np.linspace(np.log(0.25), np.log(4.0), 241)):
        p = 1 / (1 + np.exp(-z / T))
        nll = -np.mean(t * np.log(np.clip(p, 1e-9, 1)) + (1 - t) * np.log(np.clip(1 - p, 1e-9, 1)))
        if nll < best_nll:
            best, best_nll = float(T), nll
    return best


def clean(x):
    """JSON has no NaN: undefined metrics (e.g. AUROC without events) become null."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, float) and not np.isfinite(x):
        return None
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--seed', type=int, default=13)
    ap.add_argument('--epochs', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    started = time.time()

    arr, desc = load(args.data)
    split = arr['meta'][:, 0]
    train_idx, val_idx, test_idx = (np.where(split == k)[0] for k in (0, 1, 2))
    C, S = arr['seq'].shape[2], arr['static'].shape[1]
    model = ProgressionGRU(C, S).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
    max_epochs = args.epochs or (4 if args.quick else 30)
    patience = 2 if args.quick else 5
    batch = 256
    rng = np.random.default_rng(args.seed)
    best_val, best_state, bad, history = float('inf'), None, 0, []
    yv = torch.from_numpy(arr['labels'][val_idx]).float()
    kv = torch.from_numpy(arr['label_known'][val_idx]).float()
    lengths = arr['mask'].sum(axis=1)
    for epoch in range(max_epochs):
        model.train()
        # Length buckets: shuffle, sort by length within chunks of 16 batches, shuffle the batches;
        # a batch then pads to about its own length instead of the longest history (3-4x faster).
        order = rng.permutation(train_idx)
        chunk = batch * 16
        order = np.concatenate([c[np.argsort(lengths[c], kind='stable')] for c in np.array_split(order, max(1, len(order) // chunk))]) if len(order) else order
        batches = [order[s:s + batch] for s in range(0, len(order), batch)]
        rng.shuffle(batches)
        total, count = 0.0, 0
        for b in batches:
            seq, mask, st, sp, y, known = tensors(arr, b, device)
            seq, mask = trim(seq, mask)
            loss = masked_bce(model.logits(seq, mask, st, sp), y, known)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += float(loss.detach()) * len(y)
            count += len(y)
        val_logits = torch.from_numpy(predict_logits(model, arr, val_idx, device))
        val_loss = float(masked_bce(val_logits, yv, kv))
        history.append({'epoch': epoch + 1, 'train_loss': total / max(count, 1), 'val_loss': val_loss})
        print(f'epoch {epoch + 1}: train {total / max(count, 1):.4f} val {val_loss:.4f}', flush=True)
        if val_loss < best_val - 1e-4:
            best_val, bad = val_loss, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if bad >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    train_seconds = time.time() - started

    # Calibration on validation only.
    val_logits = predict_logits(model, arr, val_idx, device)
    temps = [fit_temperature(val_logits[:, j], arr['labels'][val_idx, j], arr['label_known'][val_idx, j]) for j in range(2)]
    calibrated = CalibratedModel(model, temps).to('cpu').eval()
    model.to('cpu')

    # Export (CPU, legacy exporter: GRU with dynamic batch and step axes).
    onnx_path = os.path.join(args.out, 'model.onnx')
    ex = [torch.from_numpy(arr[k][:2, :8].astype(np.float32)) if k in ('seq', 'mask') else torch.from_numpy(arr[k][:2].astype(np.float32)) for k in ('seq', 'mask', 'static', 'static_present')]
    torch.onnx.export(
        calibrated, tuple(ex), onnx_path, dynamo=False, opset_version=17,
        input_names=['seq', 'mask', 'static', 'static_present'], output_names=['risk_2y', 'risk_5y'],
        dynamic_axes={'seq': {0: 'batch', 1: 'steps'}, 'mask': {0: 'batch', 1: 'steps'}, 'static': {0: 'batch'},
                      'static_present': {0: 'batch'}, 'risk_2y': {0: 'batch'}, 'risk_5y': {0: 'batch'}},
    )

    # Reference inputs/outputs: test samples of varying lengths, padded to the longest of them.
    ref_idx = test_idx[:24] if len(test_idx) >= 24 else np.arange(min(24, len(split)))
    seq, mask, st, sp, _, _ = tensors(arr, ref_idx, 'cpu')
    seq, mask = trim(seq, mask)
    with torch.no_grad():
        r2, r5 = calibrated(seq, mask, st, sp)
    reference = {
        'shape': {'batch': int(seq.shape[0]), 'steps': int(seq.shape[1]), 'channels': int(C), 'statics': int(S)},
        'inputs': {'seq': seq.flatten().tolist(), 'mask': mask.flatten().tolist(), 'static': st.flatten().tolist(), 'static_present': sp.flatten().tolist()},
        'outputs': {'risk_2y': r2.flatten().tolist(), 'risk_5y': r5.flatten().tolist()},
        'producedBy': f'torch {torch.__version__}',
    }
    with open(os.path.join(args.out, 'reference.json'), 'w') as f:
        json.dump(reference, f)

    # Evaluation on the temporal test split, beside KFRE.
    test_logits = predict_logits(model, arr, test_idx, 'cpu')
    test_p = 1 / (1 + np.exp(-test_logits / np.array(temps)[None, :]))
    test_p[:, 1] = np.maximum(test_p[:, 1], test_p[:, 0])
    report = evaluate.evaluate(arr, desc, test_idx, test_p, bootstrap=50 if args.quick else 200, seed=args.seed)
    report['training'] = {
        'device': str(device), 'torch': torch.__version__, 'threads': args.threads, 'epochs_run': len(history),
        'best_val_loss': best_val, 'history': history, 'temperatures': temps, 'train_seconds': round(train_seconds, 1),
        'samples': {'train': int(len(train_idx)), 'validation': int(len(val_idx)), 'test': int(len(test_idx))},
        'parameters': int(sum(p.numel() for p in model.parameters())), 'quick': args.quick, 'seed': args.seed,
    }
    with open(os.path.join(args.out, 'metrics.json'), 'w') as f:
        json.dump(clean(report), f, indent=2, allow_nan=False)
    print(json.dumps({'headline': clean(report['headline']), 'train_seconds': round(train_seconds, 1), 'device': str(device)}, indent=1))


if __name__ == '__main__':
    main()
