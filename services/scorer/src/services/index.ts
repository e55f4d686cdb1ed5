/**
 * The four built-in CDS services (ids used by integrators and monitoring).
 */
import type { ClinicalService } from '../clinical-service';
import { afStrokePreventionService } from './af-stroke-prevention';
import { cardiovascularRiskService } from './cardiovascular-risk';
import { ckdProgressionService } from './ckd-progression';
import { medicationSafetyService } from './medication-safety';
import { pharmacogenomicsSelectService, pharmacogenomicsService } from './pharmacogenomics/pharmacogenomics';

export { afStrokePreventionService, cardiovascularRiskService, ckdProgressionService, medicationSafetyService, pharmacogenomicsService, pharmacogenomicsSelectService };
export { assessApixabanDose } from './apixaban-dose';

/** ckd-progression, cardiovascular-risk, af-stroke-prevention (patient-view), medication-safety and pharmacogenomics (order-sign), pharmacogenomics-select (order-select). */
export function builtInServices(): ClinicalService[] {
  return [ckdProgressionService, cardiovascularRiskService, afStrokePreventionService, medicationSafetyService, pharmacogenomicsService, pharmacogenomicsSelectService];
}
