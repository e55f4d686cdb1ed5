/**
 * The four built-in CDS services (ids used by integrators and monitoring).
 */
import type { ClinicalService } from '../clinical-service';
import { withSafetyScreening } from '../safety/safety-prefetch';
import { afStrokePreventionService } from './af-stroke-prevention';
import { cardiovascularRiskService } from './cardiovascular-risk';
import { ckdProgressionService } from './ckd-progression';
import { medicationSafetyService } from './medication-safety';

export { afStrokePreventionService, cardiovascularRiskService, ckdProgressionService, medicationSafetyService };
export { assessApixabanDose } from './apixaban-dose';

/** ckd-progression, cardiovascular-risk, af-stroke-prevention (patient-view), medication-safety (order-sign). */
export function builtInServices(): ClinicalService[] {
  // Every built-in service offers or checks drugs: each gets the safety feature set and prefetch keys.
  return [ckdProgressionService, cardiovascularRiskService, afStrokePreventionService, medicationSafetyService]
    .map((s) => ({ ...s, descriptor: withSafetyScreening(s.descriptor) }));
}
