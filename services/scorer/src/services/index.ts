/**
 * The built-in CDS services (ids used by integrators and monitoring).
 */
import type { ClinicalService } from '../clinical-service';
import { withSafetyScreening } from '../safety/safety-prefetch';
import { afStrokePreventionService } from './af-stroke-prevention';
import { cardiovascularRiskService } from './cardiovascular-risk';
import { ckdProgressionService } from './ckd-progression';
import { medicationSafetyService } from './medication-safety';
import { pharmacogenomicsSelectService, pharmacogenomicsService } from './pharmacogenomics/pharmacogenomics';

export { afStrokePreventionService, cardiovascularRiskService, ckdProgressionService, medicationSafetyService, pharmacogenomicsService, pharmacogenomicsSelectService };
export { assessApixabanDose } from './apixaban-dose';

/** ckd-progression, cardiovascular-risk, af-stroke-prevention (patient-view), medication-safety and pharmacogenomics (order-sign), pharmacogenomics-select (order-select). */
export function builtInServices(): ClinicalService[] {
  // Every built-in service offers or checks drugs: each gets the safety feature set and prefetch keys,
  // so the screening stage (src/safety, run by the engine on every card) sees allergies, pregnancy,
  // conditions, potassium and co-medication, pharmacogenomic alternatives included.
  return [ckdProgressionService, cardiovascularRiskService, afStrokePreventionService, medicationSafetyService, pharmacogenomicsService, pharmacogenomicsSelectService]
    .map((s) => ({ ...s, descriptor: withSafetyScreening(s.descriptor) }));
}
