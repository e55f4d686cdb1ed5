/**
 * Sample patients for the sandbox: the project's seeded generator (one per clinical profile,
 * records ending today) and, when present, the shared Synthea R4 bundles. Synthetic data only: a
 * real record can be tried by uploading a Bundle in the page (it stays in that request).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { generatePatient, PATIENT_PROFILES, type PatientProfile } from '@prognos/fhir-features';
import { recordFromBundle, type SandboxRecord } from './record-from-bundle';

export interface SamplePatient {
  id: string;
  label: string;
  source: 'generated' | 'synthea';
}

/** What each generated profile shows (clinical picture the generator builds). */
const PROFILE_LABELS: Record<PatientProfile, string> = {
  'ckd-g3b-a3-t2d': 'CKD G3b A3 with type 2 diabetes',
  'ckd-g4-a3': 'CKD G4 A3',
  't2d-ckd-g3a': 'Type 2 diabetes with CKD G3a',
  'af-hf': 'Atrial fibrillation with heart failure',
  'statin-primary': 'Primary prevention, statin candidate',
  healthy: 'No chronic condition',
  pgx: 'Pharmacogenomic panel on file',
};

/** Synthea's file names: Given_Family_uuid.json (synthetic names). */
const SYNTHEA_FILE = /^([A-Za-z'-]+)_([A-Za-z'-]+?)\d*_([0-9a-f-]{36})\.json$/;

export class SamplePatients {
  private readonly cache = new Map<string, SandboxRecord>();

  /** @param syntheaDir folder of Synthea R4 bundles, or undefined / missing for none */
  constructor(private readonly syntheaDir: string | undefined, private readonly now: () => Date = () => new Date()) {}

  private syntheaFiles(): string[] {
    if (!this.syntheaDir || !fs.existsSync(this.syntheaDir)) return [];
    return fs.readdirSync(this.syntheaDir).filter((f) => SYNTHEA_FILE.test(f)).sort();
  }

  list(): SamplePatient[] {
    const generated = PATIENT_PROFILES.map((p) => ({ id: `generated:${p}`, label: `Generated: ${PROFILE_LABELS[p]}`, source: 'generated' as const }));
    const synthea = this.syntheaFiles().map((f) => {
      const m = SYNTHEA_FILE.exec(f)!;
      return { id: `synthea:${m[3]}`, label: `Synthea: ${m[1]} ${m[2]}`, source: 'synthea' as const };
    });
    return [...generated, ...synthea];
  }

  /** The record of a sample (undefined when there is no such sample). */
  record(id: string): SandboxRecord | undefined {
    const hit = this.cache.get(id);
    if (hit) return hit;
    let record: SandboxRecord | undefined;
    if (id.startsWith('generated:')) {
      const profile = id.slice('generated:'.length) as PatientProfile;
      if (!PATIENT_PROFILES.includes(profile)) return undefined;
      const seed = 1 + PATIENT_PROFILES.indexOf(profile);
      record = recordFromBundle(generatePatient({ seed, profile, targetResources: 300, asOf: this.now() }));
    } else if (id.startsWith('synthea:')) {
      const uuid = id.slice('synthea:'.length);
      const file = this.syntheaFiles().find((f) => SYNTHEA_FILE.exec(f)![3] === uuid);
      if (!file) return undefined;
      record = recordFromBundle(JSON.parse(fs.readFileSync(path.join(this.syntheaDir!, file), 'utf8')) as Bundle);
    }
    if (record) {
      if (this.cache.size >= 16) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, record);
    }
    return record;
  }
}
