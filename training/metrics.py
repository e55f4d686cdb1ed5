"""Discrimination and calibration metrics in plain numpy (no scikit-learn needed)."""
import numpy as np


def auroc(y: np.ndarray, p: np.ndarray) -> float:
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return float('nan')
    order = np.argsort(p, kind='mergesort')
    ranks = np.empty(len(p), dtype=np.float64)
    sp = p[order]
    i = 0
    while i < len(sp):  # average ranks over ties
        j = i
        while j + 1 < len(sp) and sp[j + 1] == sp[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def auprc(y: np.ndarray, p: np.ndarray) -> float:
    """Average precision (step-wise area under the precision-recall curve)."""
    n1 = int((y == 1).sum())
    if n1 == 0:
        return float('nan')
    order = np.argsort(-p, kind='mergesort')
    ys = y[order]
    tp = np.cumsum(ys)
    precision = tp / np.arange(1, len(ys) + 1)
    return float((precision * ys).sum() / n1)


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def calibration(y: np.ndarray, p: np.ndarray):
    """Logistic recalibration logit(P(y)) = a + b * logit(p): returns (intercept a, slope b)."""
    eps = 1e-6
    x = np.log(np.clip(p, eps, 1 - eps) / (1 - np.clip(p, eps, 1 - eps)))
    X = np.stack([np.ones_like(x), x], axis=1)
    w = np.zeros(2)
    for _ in range(50):  # Newton-Raphson
        mu = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (y - mu)
        H = X.T @ (X * (mu * (1 - mu))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(H, g)
        w += step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), float(w[1])


def all_metrics(y, p):
    if len(y) == 0:
        nan = float('nan')
        return {'auroc': nan, 'auprc': nan, 'brier': nan, 'cal_intercept': nan, 'cal_slope': nan, 'n': 0, 'events': 0, 'mean_predicted': nan}
    a, b = calibration(y, p) if len(np.unique(y)) > 1 else (float('nan'), float('nan'))
    return {'auroc': auroc(y, p), 'auprc': auprc(y, p), 'brier': brier(y, p), 'cal_intercept': a, 'cal_slope': b,
            'n': int(len(y)), 'events': int(y.sum()), 'mean_predicted': float(np.mean(p)) if len(p) else float('nan')}
