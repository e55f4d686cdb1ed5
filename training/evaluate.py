"""Evaluation of the learned model beside KFRE on the same test samples: AUROC, AUPRC, Brier,
calibration intercept and slope, with patient-level bootstrap 95 % intervals, overall and by
subgroup (sex, age band, CKD G stage at the index, eGFR trajectory)."""
import numpy as np

from metrics import all_metrics

HORIZONS = ['2y', '5y']


def col(desc, name):
    return desc['metaColumns'].index(name)


def subgroups(meta, desc):
    age = meta[:, col(desc, 'age_years')]
    egfr = meta[:, col(desc, 'egfr')]
    slope = meta[:, col(desc, 'egfr_slope_per_year')]
    male = meta[:, col(desc, 'sex_male')]
    return {
        'sex=male': male == 1, 'sex=female': male == 0,
        'age<65': age < 65, 'age 65-74': (age >= 65) & (age < 75), 'age>=75': age >= 75,
        'G3a (45-59)': egfr >= 45, 'G3b (30-44)': (egfr >= 30) & (egfr < 45), 'G4 (15-29)': (egfr >= 15) & (egfr < 30), 'G5 (<15)': egfr < 15,
        'eGFR slope < -5/yr (fast decline)': slope < -5, 'eGFR slope >= -3/yr (stable)': slope >= -3,
        'eGFR slope -5 to -3/yr': (slope >= -5) & (slope < -3), 'eGFR slope unknown': np.isnan(slope),
    }


def bootstrap(y, p_model, p_kfre, patients, reps, rng):
    """Patient-level (cluster) bootstrap of each metric and of the AUROC difference."""
    uniq = np.unique(patients)
    if len(uniq) == 0 or len(np.unique(y)) < 2:
        return None  # nothing to resample (e.g. a small local dataset with no test events)
    rows = {u: np.where(patients == u)[0] for u in uniq}
    keys = ['auroc', 'auprc', 'brier', 'cal_intercept', 'cal_slope']
    draws = {'model': {k: [] for k in keys}, 'kfre': {k: [] for k in keys}, 'auroc_diff': []}
    for _ in range(reps):
        pick = rng.choice(uniq, size=len(uniq), replace=True)
        idx = np.concatenate([rows[u] for u in pick])
        if len(np.unique(y[idx])) < 2:
            continue
        mm, mk = all_metrics(y[idx], p_model[idx]), all_metrics(y[idx], p_kfre[idx])
        for k in keys:
            draws['model'][k].append(mm[k])
            draws['kfre'][k].append(mk[k])
        draws['auroc_diff'].append(mm['auroc'] - mk['auroc'])
    ci = lambda v: [float(np.nanpercentile(v, 2.5)), float(np.nanpercentile(v, 97.5))] if len(v) else [float('nan')] * 2
    return {'model': {k: ci(v) for k, v in draws['model'].items()}, 'kfre': {k: ci(v) for k, v in draws['kfre'].items()}, 'auroc_diff': ci(draws['auroc_diff'])}


def evaluate(arr, desc, test_idx, test_p, bootstrap=200, seed=13):
    meta = arr['meta'][test_idx]
    labels, known = arr['labels'][test_idx], arr['label_known'][test_idx]
    kfre = np.stack([meta[:, col(desc, 'kfre_2y')], meta[:, col(desc, 'kfre_5y')]], axis=1)
    patients = meta[:, col(desc, 'patient')]
    groups = subgroups(meta, desc)
    rng = np.random.default_rng(seed)
    report = {'horizons': {}, 'subgroups': {}, 'bootstrapReps': bootstrap}
    headline = {}
    for j, h in enumerate(HORIZONS):
        m = (known[:, j] == 1) & np.isfinite(kfre[:, j])
        y, pm, pk = labels[m, j], test_p[m, j], kfre[m, j]
        res = {'model': all_metrics(y, pm), 'kfre': all_metrics(y, pk)}
        res['ci95'] = bootstrap_ci = globals()['bootstrap'](y, pm, pk, patients[m], bootstrap, rng) if bootstrap > 0 else None
        if len(y) == 0:
            res['note'] = 'no test samples with a known outcome at this horizon'
        report['horizons'][h] = res
        headline[h] = {'n': res['model']['n'], 'events': res['model']['events'], 'auroc_model': res['model']['auroc'], 'auroc_kfre': res['kfre']['auroc'],
                       'auroc_diff_ci95': bootstrap_ci['auroc_diff'] if bootstrap_ci else None}
        sub = {}
        for name, g in groups.items():
            gm = g[m]
            if gm.sum() < 10:
                sub[name] = {'n': int(gm.sum()), 'note': 'fewer than 10 samples'}
                continue
            sub[name] = {'model': all_metrics(y[gm], pm[gm]), 'kfre': all_metrics(y[gm], pk[gm])}
        report['subgroups'][h] = sub
    report['headline'] = headline
    return report
