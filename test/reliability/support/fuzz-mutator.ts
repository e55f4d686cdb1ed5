/**
 * A seeded mutator of CDS Hooks requests for the fuzz suite. Each case starts from a valid request
 * (patient-view with prefetch, order-sign with draft orders, feedback, discovery) and applies one
 * to three mutations: random JSON, wrong types, huge strings and arrays, deep nesting,
 * `__proto__`/`constructor`/`prototype` keys, invalid dates, unknown units, resources of the wrong
 * type in prefetch, Bundles with broken entries, SSRF-ish fhirServer values, or damage to the bytes
 * themselves (garbage, invalid UTF-8, truncation, wrong content type, over the body limit).
 * Deterministic for a seed, so a failing case can be replayed.
 */

/** mulberry32: small, fast, good enough for fuzzing. */
export function createPrng(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(a: readonly T[]): T; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)]!,
    chance: (p) => next() < p,
  };
}
export type Prng = ReturnType<typeof createPrng>;

/** One request to send. */
export interface FuzzCase {
  seed: number;
  method: 'POST' | 'GET' | 'PUT' | 'DELETE';
  path: string;
  contentType: string | undefined;
  body: Buffer | undefined;
  /** Mutations applied, for the report. */
  mutations: string[];
  /** Status the case must get (e.g. 413 over the body limit), when it is known in advance. */
  expectStatus?: number;
}

export interface FuzzBase {
  /** Path and valid JSON body. */
  path: string;
  body: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function randomString(r: Prng, max = 40): string {
  const alphabets = ['abcdefghijklmnopqrstuvwxyz', '0123456789', ' \t\n\\"\'{}[]<>&%$#@!?;:,./|~`^*()-_=+', 'éßøπ漢字😀\u0000\u202e\ufeff\ud83d'];
  let s = '';
  const n = r.int(0, max);
  for (let i = 0; i < n; i++) { const a = r.pick(alphabets); s += a[r.int(0, a.length - 1)]; }
  return s;
}

export function randomJson(r: Prng, depth = 0): Json {
  const k = r.int(0, depth > 3 ? 4 : 6);
  switch (k) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: return r.pick([0, -1, 1.5, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, r.int(-1e9, 1e9)]);
    case 3: return randomString(r);
    case 4: return r.pick(['', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e999', 'true', '{}', '[]', 'Patient/../../etc/passwd', '{{context.patientId}}', '${jndi:ldap://x}']);
    case 5: return Array.from({ length: r.int(0, 4) }, () => randomJson(r, depth + 1));
    default: {
      const o: { [k: string]: Json } = {};
      for (let i = r.int(0, 4); i > 0; i--) o[randomString(r, 8) || 'k'] = randomJson(r, depth + 1);
      return o;
    }
  }
}

/** Every (container, key) pair in the tree, for picking a mutation site. */
function sites(root: Json): { parent: Json[] | { [k: string]: Json }; key: string | number; value: Json }[] {
  const out: { parent: Json[] | { [k: string]: Json }; key: string | number; value: Json }[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 20_000) {
    const v = stack.pop()!;
    if (Array.isArray(v)) v.forEach((c, i) => { out.push({ parent: v, key: i, value: c }); if (c && typeof c === 'object') stack.push(c); });
    else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) { out.push({ parent: v, key: k, value: c }); if (c && typeof c === 'object') stack.push(c); }
  }
  return out;
}

function setAt(parent: Json[] | { [k: string]: Json }, key: string | number, value: Json): void {
  (parent as Record<string | number, Json>)[key] = value;
}

function wrongType(v: Json, r: Prng): Json {
  if (typeof v === 'string') return r.pick<Json>([Number(v.length), [v], { value: v }, true, null]);
  if (typeof v === 'number') return r.pick<Json>([String(v), [v], { v }, false]);
  if (typeof v === 'boolean') return r.pick<Json>(['true', 1, [v]]);
  if (Array.isArray(v)) return r.pick<Json>([{ ...v } as Json, v.length, 'array', null]);
  if (v && typeof v === 'object') return r.pick<Json>([Object.values(v), 'object', 0, []]);
  return r.pick<Json>([{}, [], '', 0]);
}

const BAD_DATES = ['2023-13-45', '2023-02-30T25:61:61Z', 'yesterday', '', '0000-00-00', '99999-01-01', '2023-01-01T00:00:00+99:99', '1e10', '-271821-04-20', '2023-06-01T12:00:00.123456789123456789Z'];
const BAD_UNITS = ['mg/dL/xyz', '{}', 'furlongs/fortnight', '', '%%', 'umol/L)', '10*3/uL^^', 'mL/min/{1.73_m2', 'kg.m-2.s', '\u0000', 'mmol/mol/mmol'];
const WRONG_RESOURCES: Json[] = [
  { resourceType: 'Patient', id: 'wrong', gender: 'other', birthDate: '1960-01-01' },
  { resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1, unit: 'mg/dL' } },
  { resourceType: 'Practitioner', id: 'p' },
  { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] },
  { resourceType: 'Bundle', type: 'searchset', entry: [] },
  { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'x' } }, { resource: { resourceType: 'Medication', id: 'm' } }] },
  { resourceType: 123 as unknown as string },
  { resourceType: '' },
  { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: 'http://169.254.169.254/latest/meta-data' }], entry: [] },
  [],
  'Patient/123',
];
const BROKEN_ENTRIES: Json[] = [
  [null, 1, 'x', {}, { resource: null }, { resource: { resourceType: 42 } }, { resource: [] }, { resource: { resourceType: 'Observation' } }],
  'not an array',
  { resource: { resourceType: 'Patient', id: 'x' } },
  [{ fullUrl: 'urn:uuid:x', resource: { resourceType: 'Observation', id: 'dup', status: 'final', code: {}, effectiveDateTime: 'garbage', valueQuantity: { value: 'NaN', unit: 'mg/dL' } } },
    { fullUrl: 'urn:uuid:x', resource: { resourceType: 'Observation', id: 'dup', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] }, effectiveDateTime: '2024-01-01', valueQuantity: { value: -5, unit: 'furlongs' } } }],
  [{ resource: { resourceType: 'Observation', id: 'cyc', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] }, valueQuantity: { value: 1e308, unit: 'mg/dL', code: 'mg/dL', system: 'http://unitsofmeasure.org' }, effectiveDateTime: '2024-01-01' } }],
];
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

/** Applies one structural mutation to a parsed body in place; returns its name. */
function mutateTree(root: { [k: string]: Json }, r: Prng, bodyLimitBytes: number): string {
  const all = sites(root);
  const site = all.length > 0 ? r.pick(all) : undefined;
  const kind = r.int(0, 13);
  switch (kind) {
    case 0: if (site) setAt(site.parent, site.key, randomJson(r)); return 'random-json';
    case 1: if (site) setAt(site.parent, site.key, wrongType(site.value, r)); return 'wrong-type';
    case 2: if (site && !Array.isArray(site.parent)) delete (site.parent as Record<string, Json>)[site.key as string]; return 'delete-key';
    case 3: {
      // A huge string, within the body limit most of the time (a placeholder, expanded as text).
      const n = r.chance(0.8) ? r.int(10_000, 300_000) : r.int(Math.floor(bodyLimitBytes * 0.3), Math.floor(bodyLimitBytes * 0.8));
      if (site) setAt(site.parent, site.key, `__HUGE_STR_${n}__`); return `huge-string-${n}`;
    }
    case 4: {
      const n = r.int(1_000, 50_000);
      const item = r.int(0, HUGE_ITEMS.length - 1);
      if (site) setAt(site.parent, site.key, `__HUGE_ARR_${n}_${item}__`); return `huge-array-${n}`;
    }
    case 5: {
      // Too deep for JSON.stringify here: a placeholder, expanded to text after serialisation.
      const depth = r.pick([100, 1_000, 5_000, 20_000, 100_000]);
      const token = `__DEEP_${depth}_${r.int(0, 1e9)}__`;
      if (site) setAt(site.parent, site.key, token); else root.deep = token;
      return `deep-nesting-${depth}`;
    }
    case 6: {
      const target = site && site.value && typeof site.value === 'object' && !Array.isArray(site.value) ? site.value as Record<string, Json> : root;
      const key = r.pick(SPECIAL_KEYS);
      // defineProperty: an own "__proto__" key that JSON.stringify writes out as such.
      Object.defineProperty(target, key, { value: r.pick<Json>([{ polluted: true, resourceType: 'Patient' }, 'x', [], null, { toString: 'boom' }]), enumerable: true, configurable: true, writable: true });
      return `special-key-${key}`;
    }
    case 7: {
      const dates = all.filter((s) => typeof s.value === 'string' && /^\d{4}-\d{2}/.test(s.value as string));
      const n = Math.max(1, Math.floor(dates.length * r.next()));
      for (let i = 0; i < n && dates.length; i++) { const d = r.pick(dates); setAt(d.parent, d.key, r.pick(BAD_DATES)); }
      return 'invalid-dates';
    }
    case 8: {
      const units = all.filter((s) => s.key === 'unit' || s.key === 'code' && typeof s.value === 'string' && !/^\d/.test(s.value as string));
      for (let i = 0; i < Math.max(1, units.length / 2) && units.length; i++) { const u = r.pick(units); setAt(u.parent, u.key, r.pick(BAD_UNITS)); }
      const values = all.filter((s) => s.key === 'value' && typeof s.value === 'number');
      for (let i = 0; i < Math.max(1, values.length / 3) && values.length; i++) { const v = r.pick(values); setAt(v.parent, v.key, r.pick<Json>([-1, 0, 1e12, -1e-12, 'NaN', null, '12 mg'])); }
      return 'unknown-units';
    }
    case 9: {
      const prefetch = root.prefetch;
      if (prefetch && typeof prefetch === 'object' && !Array.isArray(prefetch)) {
        const keys = Object.keys(prefetch);
        if (keys.length) (prefetch as Record<string, Json>)[r.pick(keys)] = clone(r.pick(WRONG_RESOURCES));
      } else root.prefetch = r.pick<Json>([[], 'prefetch', 1, { x: clone(r.pick(WRONG_RESOURCES)) }]);
      return 'wrong-resource-in-prefetch';
    }
    case 10: {
      const bundles = all.filter((s) => s.value && typeof s.value === 'object' && (s.value as { resourceType?: Json }).resourceType === 'Bundle');
      if (bundles.length) {
        const b = r.pick(bundles).value as Record<string, Json>;
        if (r.chance(0.7)) b.entry = clone(r.pick(BROKEN_ENTRIES));
        else b.link = r.pick<Json>([[{ relation: 'next', url: 'http://127.0.0.1:1/x' }], [{ relation: 'next', url: 'javascript:alert(1)' }], 'link', [null], [{ relation: 'next' }]]);
      }
      return 'broken-bundle';
    }
    case 11: {
      root.fhirServer = r.pick<Json>(['http://169.254.169.254/latest', 'http://127.0.0.1:6379/', 'file:///etc/passwd', 'gopher://x', 'http://user:pw@127.0.0.1/', 'not a url', '', 42, null]);
      if (r.chance(0.5)) root.fhirAuthorization = r.pick<Json>([{ access_token: 'tok', token_type: 'Bearer', scope: 'x', subject: 's', expires_in: 10 }, 'token', { access_token: 5 }]);
      if (r.chance(0.5)) delete root.prefetch;
      return 'fhir-server';
    }
    case 12: {
      root.hook = r.pick<Json>(['order-sign', 'patient-view', 'unknown-hook', '', 7, null]);
      if (r.chance(0.5)) root.hookInstance = r.pick<Json>(['not-a-uuid', '', 12, null, 'x'.repeat(5000)]);
      return 'hook-fields';
    }
    default: {
      const ctx = root.context;
      if (ctx && typeof ctx === 'object' && !Array.isArray(ctx)) {
        const c = ctx as Record<string, Json>;
        c[r.pick(['patientId', 'userId', 'encounterId', 'draftOrders', 'selections'])] = randomJson(r);
      } else root.context = randomJson(r);
      return 'context';
    }
  }
}

const HUGE_ITEMS = ['0', '"a"', 'null', '{}', '{"resourceType":"Observation"}'];

/**
 * Expands the placeholders left by mutateTree (too big or too deep to build as objects and
 * serialise here): "__DEEP_<depth>_<n>__" → nested arrays/objects, "__HUGE_STR_<n>__" → a string
 * of n characters, "__HUGE_ARR_<n>_<item>__" → an array of n items.
 */
function expandPlaceholders(text: string, r: Prng): string {
  return text.replace(/"__(DEEP|HUGE_STR|HUGE_ARR)_(\d+)_?(\d*)__"/g, (_m, kind: string, a: string, b: string) => {
    const n = Number(a);
    if (kind === 'HUGE_STR') return `"${'x'.repeat(n)}"`;
    if (kind === 'HUGE_ARR') return `[${new Array<string>(n).fill(HUGE_ITEMS[Number(b)] ?? '0').join(',')}]`;
    let open = '';
    let close = '';
    for (let i = 0; i < n; i++) {
      if (r.chance(0.5)) { open += '['; close = `]${close}`; } else { open += '{"a":'; close = `}${close}`; }
    }
    return `${open}${r.chance(0.5) ? '1' : '{}'}${close}`;
  });
}

/** Byte-level damage of a serialised body. */
function mutateBytes(buf: Buffer, r: Prng): { body: Buffer; name: string } {
  switch (r.int(0, 4)) {
    case 0: return { body: buf.subarray(0, r.int(0, buf.length)), name: 'truncated' };
    case 1: {
      const b = Buffer.from(buf);
      for (let i = r.int(1, 20); i > 0; i--) b[r.int(0, b.length - 1)] = r.int(0, 255);
      return { body: b, name: 'flipped-bytes' };
    }
    case 2: {
      // Invalid UTF-8 inside a JSON string: lone continuation bytes, overlongs, surrogates.
      const s = buf.toString('utf8');
      const at = s.indexOf('"', r.int(0, Math.max(0, s.length - 1)));
      const bad = Buffer.from(r.pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf4, 0x90, 0x80, 0x80]]));
      if (at < 0) return { body: Buffer.concat([bad, buf]), name: 'invalid-utf8' };
      const pre = Buffer.from(s.slice(0, at + 1));
      return { body: Buffer.concat([pre, bad, Buffer.from(s.slice(at + 1))]), name: 'invalid-utf8' };
    }
    case 3: return { body: Buffer.from(Array.from({ length: r.int(0, 4096) }, () => r.int(0, 255))), name: 'garbage' };
    default: return { body: Buffer.concat([Buffer.from('\ufeff'), buf, Buffer.from(r.pick(['', ',', '}', ' garbage', '\u0000']))]), name: 'bom-and-trailer' };
  }
}

const CONTENT_TYPES: (string | undefined)[] = [undefined, 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded',
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=utf-8', 'application/fhir+json', 'application/jsonx', '*/*', 'application/json, text/plain'];

/** Every byte percent-encoded (lone surrogates become U+FFFD first, as in any UTF-8 encoder). */
function percentEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** Case number `i` of a run seeded with `seed`. */
export function fuzzCase(seed: number, i: number, bases: readonly FuzzBase[], bodyLimitBytes: number): FuzzCase {
  const caseSeed = (seed * 100_003 + i) >>> 0;
  const r = createPrng(caseSeed);
  const base = r.pick(bases);
  const mutations: string[] = [];
  let path = base.path;
  let method: FuzzCase['method'] = 'POST';
  let contentType: string | undefined = 'application/json';
  let expectStatus: number | undefined;

  const lane = r.next();
  if (lane < 0.05) {
    // The path and method.
    path = r.pick([`${base.path}x`, '/cds-services/%2e%2e%2fadmin', '/cds-services/' + percentEncode(randomString(r, 20)), '/cds-services/ckd-progression/feedback/x', '/cds-services//', '/cds-services/__proto__', '/cds-services/constructor', '/cds-services/ckd-progression?x[__proto__][a]=1']);
    method = r.pick(['POST', 'GET', 'PUT', 'DELETE']);
    mutations.push(`path:${method}`);
  }
  const tree = clone(base.body) as { [k: string]: Json };
  let body: Buffer;
  if (lane >= 0.05 && lane < 0.07) {
    // Over the body limit: 413 expected.
    const pad = 'y'.repeat(bodyLimitBytes + r.int(1, 64 * 1024));
    body = Buffer.from(JSON.stringify({ ...tree, padding: pad }));
    mutations.push('over-body-limit');
    expectStatus = 413;
  } else {
    const n = r.int(1, 3);
    for (let k = 0; k < n; k++) mutations.push(mutateTree(tree, r, bodyLimitBytes));
    if (r.chance(0.08)) {
      const top = randomJson(r);
      body = Buffer.from(JSON.stringify(top) ?? 'null');
      mutations.length = 0;
      mutations.push('top-level-random-json');
    } else {
      body = Buffer.from(expandPlaceholders(JSON.stringify(tree), r));
    }
    if (r.chance(0.12)) { const m = mutateBytes(body, r); body = m.body; mutations.push(m.name); }
    if (Buffer.byteLength(body) > bodyLimitBytes) expectStatus = 413;
  }
  if (r.chance(0.08)) { contentType = r.pick(CONTENT_TYPES); mutations.push(`content-type:${contentType ?? 'none'}`); }
  if (method === 'GET' || method === 'DELETE') return { seed: caseSeed, method, path, contentType: undefined, body: undefined, mutations };
  // A wrong content type or charset is refused (415) before the body is read.
  const jsonType = contentType === 'application/json' || contentType === 'application/fhir+json' || contentType === 'application/json; charset=utf-8';
  if (!jsonType || method !== 'POST') expectStatus = undefined;
  return { seed: caseSeed, method, path, contentType, body, mutations, expectStatus };
}
