/**
 * Drugs the pharmacogenomics service proposes instead of the drafted one, with the dose offered.
 * Coded at RxNorm ingredient level with the dose in dosageInstruction (an ingredient concept plus a
 * dose is a complete order); ingredient RxCUIs verified in cpicpgx/cpic-schema drug.sql where noted,
 * "[unverified]" otherwise (clinical-reference.md §3). Doses are the usual adult starting doses of
 * each label.
 */
import { SYSTEM, type DrugProduct } from '../codes';
import type { AlternativeKey } from './cpic-recommendations';

const rx = (code: string, display: string, strengthMg: number, timesPerDay: number, sig: string): DrugProduct =>
  ({ system: SYSTEM.rxnorm, code, display, strengthMg, timesPerDay, sig });

export const ALTERNATIVE_PRODUCTS: Readonly<Record<AlternativeKey, DrugProduct>> = {
  /** [unverified] ticagrelor ingredient 1116632 (rxnorm-table.ts). Label: 90 mg twice daily after a 180 mg load (ACS). */
  ticagrelor: rx('1116632', 'ticagrelor 90 mg', 90, 2, '90 mg by mouth twice daily'),
  /** [unverified] prasugrel ingredient 613391. Label: 10 mg daily after a 60 mg load (ACS managed with PCI). */
  prasugrel: rx('613391', 'prasugrel 10 mg', 10, 1, '10 mg by mouth once daily'),
  /** Verified ingredient 301542 (CPIC drug.sql). Moderate intensity 5-10 mg (ACC/AHA 2018). */
  rosuvastatin: rx('301542', 'rosuvastatin 10 mg', 10, 1, '10 mg by mouth once daily'),
  /** Verified ingredient 42463 (CPIC drug.sql). Moderate intensity 40-80 mg (ACC/AHA 2018). */
  pravastatin: rx('42463', 'pravastatin 40 mg', 40, 1, '40 mg by mouth once daily'),
  /** Verified ingredient 83367 (CPIC drug.sql). Moderate intensity 10-20 mg. */
  atorvastatin: rx('83367', 'atorvastatin 20 mg', 20, 1, '20 mg by mouth once daily'),
  /** Verified ingredient 7052 (CPIC drug.sql): a non-codeine, non-tramadol opioid (CPIC 2021). */
  morphine: rx('7052', 'morphine sulfate 15 mg (immediate release)', 15, 6, '15 mg by mouth every 4 hours as needed for pain'),
};

/** Simvastatin at a dose below 20 mg/day (CPIC 2022): verified ingredient 36567 (CPIC drug.sql). */
export const SIMVASTATIN_INGREDIENT = { system: SYSTEM.rxnorm, code: '36567', display: 'simvastatin' } as const;
export const ROSUVASTATIN_INGREDIENT = { system: SYSTEM.rxnorm, code: '301542', display: 'rosuvastatin' } as const;
export const FLUVASTATIN_INGREDIENT = { system: SYSTEM.rxnorm, code: '41127', display: 'fluvastatin' } as const;
