/**
 * Plain-TypeScript IWPC pharmacogenetic warfarin algorithm, written straight from the published
 * equation (NEJM 2009;360:753, supplementary appendix) with its own genotype/race categories: the
 * independent reference the ONNX graph is tested against.
 */
export interface IwpcInputs {
  ageYears: number; heightCm: number; weightKg: number;
  vkorc1: 'G/G' | 'A/G' | 'A/A' | 'unknown';
  cyp2c9: '*1/*1' | '*1/*2' | '*1/*3' | '*2/*2' | '*2/*3' | '*3/*3' | 'unknown';
  race: 'white' | 'asian' | 'black' | 'missing_or_mixed';
  enzymeInducer: boolean; amiodarone: boolean;
}

export function iwpcWeeklyDose(x: IwpcInputs): number {
  const decades = Math.floor(x.ageYears / 10);
  const vk = { 'G/G': 0, 'A/G': -0.8677, 'A/A': -1.6974, unknown: -0.4854 }[x.vkorc1];
  const cyp = { '*1/*1': 0, '*1/*2': -0.5211, '*1/*3': -0.9357, '*2/*2': -1.0616, '*2/*3': -1.9206, '*3/*3': -2.3312, unknown: -0.2188 }[x.cyp2c9];
  const race = { white: 0, asian: -0.1092, black: -0.2760, missing_or_mixed: -0.1032 }[x.race];
  const root = 5.6044 - 0.2614 * decades + 0.0087 * x.heightCm + 0.0128 * x.weightKg + vk + cyp + race
    + (x.enzymeInducer ? 1.1816 : 0) - (x.amiodarone ? 0.5503 : 0);
  return Math.max(0, root) ** 2;
}

/** The same inputs as a warfarin-iwpc feature row (contract order). */
export function iwpcRow(x: IwpcInputs): number[] {
  const c = x.cyp2c9;
  return [
    x.ageYears, x.heightCm, x.weightKg,
    x.vkorc1 === 'A/G' ? 1 : 0, x.vkorc1 === 'A/A' ? 1 : 0, x.vkorc1 === 'unknown' ? 1 : 0,
    c === '*1/*2' ? 1 : 0, c === '*1/*3' ? 1 : 0, c === '*2/*2' ? 1 : 0, c === '*2/*3' ? 1 : 0, c === '*3/*3' ? 1 : 0, c === 'unknown' ? 1 : 0,
    x.race === 'asian' ? 1 : 0, x.race === 'black' ? 1 : 0, x.race === 'missing_or_mixed' ? 1 : 0,
    x.enzymeInducer ? 1 : 0, x.amiodarone ? 1 : 0,
  ];
}
