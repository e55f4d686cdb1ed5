import { createRng } from '@prognos/fhir-features';
import { PIECE_BYTES, parseJsonBytes } from './parse-json-bytes';

/** Deterministic pseudo-random numbers in [0, 1) (the generator's seeded PRNG). */
function rng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.next();
}

/** Strings that stress the byte scan: quotes, backslashes, brackets, commas, non-ASCII, surrogates. */
const AWKWARD = ['', 'a', 'é', '≥ 90', '😀', '"', '\\', '\\"', '{', '}', '[', ']', ',', ':', '"},{"', '\n\t', 'µmol/L', '\u0000', 'ok\\', '__proto__', '0', '10'];

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth <= 0 || pick < 0.3) {
    const s = r();
    if (s < 0.35) return AWKWARD[Math.floor(r() * AWKWARD.length)]! + 'x'.repeat(Math.floor(r() * 40));
    if (s < 0.55) return Math.round((r() - 0.5) * 1e6) / (r() < 0.5 ? 1 : 1000);
    if (s < 0.65) return r() < 0.5;
    if (s < 0.7) return null;
    return `${AWKWARD[Math.floor(r() * AWKWARD.length)]!}${Math.floor(r() * 1e9)}`;
  }
  if (pick < 0.6) return Array.from({ length: Math.floor(r() * 12) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 8); i > 0; i--) o[r() < 0.2 ? AWKWARD[Math.floor(r() * AWKWARD.length)]! : `k${Math.floor(r() * 20)}`] = randomValue(r, depth - 1);
  return o;
}

/** JSON text with random whitespace between tokens (JSON.stringify's own indent, varied). */
function serialise(v: unknown, r: () => number): string {
  const ws = [' ', '\n', '\t', '\r\n', '  '][Math.floor(r() * 5)]!;
  return r() < 0.5 ? JSON.stringify(v) : JSON.stringify(v, null, ws === ' ' ? 1 : ws.replace(/\r/, ''));
}

/** What parseJsonBytes must agree with: decode the whole, JSON.parse it (value or error message). */
function reference(buf: Buffer): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: JSON.stringify(JSON.parse(buf.toString('utf8'))) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

function outcome(buf: Buffer, pieceBytes: number, maxDepth = 64): { ok: true; text: string } | { ok: false; message: string } {
  try {
    const r = parseJsonBytes(buf, 0, buf.length, maxDepth, pieceBytes);
    if (r.kind !== 'value') throw new Error('too deep');
    return { ok: true, text: JSON.stringify(r.value) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

describe('parseJsonBytes (JSON.parse in pieces under the large-object size)', () => {
  it('gives JSON.parse\'s value and key order for 400 random documents, cut into pieces of every size', () => {
    const r = rng(7);
    for (let n = 0; n < 400; n++) {
      const doc = { resourceType: 'Bundle', entry: Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomValue(r, 5)), tail: randomValue(r, 3) };
      const buf = Buffer.from(serialise(r() < 0.8 ? doc : [doc, randomValue(r, 4)], r));
      const expected = reference(buf);
      for (const piece of [8, 24, 100, 1000]) expect(outcome(buf, piece)).toEqual(expected);
    }
  });

  it('keeps duplicate keys as JSON.parse does (first position, last value) and "__proto__" as an own key', () => {
    const text = `{"a":1,"b":[${'1,'.repeat(50)}2],"a":{"x":"${'y'.repeat(80)}"},"__proto__":{"polluted":true},"c":"${'z'.repeat(80)}"}`;
    const r = parseJsonBytes(Buffer.from(text), 0, text.length, 64, 32);
    expect(r.kind).toBe('value');
    const v = (r as { value: Record<string, unknown> }).value;
    expect(JSON.stringify(v)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.keys(v)).toEqual(['a', 'b', '__proto__', 'c']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes invalid UTF-8 and multi-byte characters exactly as decoding the whole body does', () => {
    const parts = [Buffer.from('{"a":["'), Buffer.from([0xc3]), Buffer.from('", "'), Buffer.from([0xe2, 0x89]), Buffer.from('x", "'),
      Buffer.from([0xf0, 0x9f, 0x98, 0x80]), Buffer.from(`${'é'.repeat(40)}"], "b": "`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')];
    const buf = Buffer.concat(parts);
    for (const piece of [4, 16, 64]) expect(outcome(buf, piece)).toEqual(reference(buf));
  });

  it('answers malformed bodies with JSON.parse\'s own error, wherever the damage is', () => {
    const r = rng(11);
    let malformed = 0;
    for (let n = 0; n < 300; n++) {
      const good = Buffer.from(serialise({ entry: Array.from({ length: 4 }, () => randomValue(r, 4)) }, r));
      const at = Math.floor(r() * good.length);
      const damage = Math.floor(r() * 4);
      const bad = damage === 0 ? good.subarray(0, at)
        : damage === 1 ? Buffer.concat([good.subarray(0, at), good.subarray(at + 1)])
          : damage === 2 ? Buffer.concat([good.subarray(0, at), Buffer.from([',', '}', '"', ']', ':', 'x'][Math.floor(r() * 6)]!), good.subarray(at)])
            : Buffer.concat([good, Buffer.from([' ]', ',', 'x', ' {}'][Math.floor(r() * 4)]!)]);
      const expected = reference(bad);
      if (!expected.ok) malformed += 1;
      for (const piece of [8, 40, 200]) expect(outcome(bad, piece)).toEqual(expected);
    }
    expect(malformed).toBeGreaterThan(200);
  });

  it('refuses nesting deeper than the bound before parsing, and accepts it at the bound, large or small', () => {
    const nest = (n: number, pad: string) => `${'['.repeat(n - 1)}{"p":"${pad}"}${']'.repeat(n - 1)}`;
    for (const pad of ['', 'x'.repeat(5000)]) {
      const atBound = Buffer.from(nest(8, pad));
      const over = Buffer.from(nest(9, pad));
      expect(parseJsonBytes(atBound, 0, atBound.length, 8, 1024).kind).toBe('value');
      expect(parseJsonBytes(over, 0, over.length, 8, 1024).kind).toBe('too-deep');
    }
    const veryDeep = Buffer.from(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(parseJsonBytes(veryDeep, 0, veryDeep.length, 64).kind).toBe('too-deep');
  });

  it('never hands JSON.parse a string over PIECE_BYTES for a 1.5 MB FHIR-shaped body, and parses a range of a buffer', () => {
    const entry = (i: number) => ({ fullUrl: `urn:uuid:${i}`, resource: { resourceType: 'Observation', id: `o${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '33914-3', display: 'eGFR ≥ 60' }] }, valueQuantity: { value: i % 90, unit: 'mL/min/{1.73_m2}' }, note: [{ text: `"quoted" {brace} [bracket] \\ ${i}` }] } });
    const body = { hook: 'patient-view', hookInstance: 'h', context: { patientId: 'p' }, prefetch: { observations: { resourceType: 'Bundle', entry: Array.from({ length: 5000 }, (_, i) => entry(i)) }, patient: { resourceType: 'Patient', id: 'p' } } };
    const text = JSON.stringify(body);
    expect(text.length).toBeGreaterThan(1_000_000);
    const padded = Buffer.concat([Buffer.from('xx'), Buffer.from(text), Buffer.from('yy')]);
    const lengths: number[] = [];
    const parse = JSON.parse;
    const spy = jest.spyOn(JSON, 'parse').mockImplementation((t: string, rev?: Parameters<typeof JSON.parse>[1]) => { lengths.push(t.length); return parse(t, rev); });
    let r: ReturnType<typeof parseJsonBytes>;
    try {
      r = parseJsonBytes(padded, 2, padded.length - 2, 64);
    } finally {
      spy.mockRestore();
    }
    expect(r.kind).toBe('value');
    expect(JSON.stringify((r as { value: unknown }).value)).toBe(text);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(PIECE_BYTES + 2); // not all ASCII ("≥"): 60 KiB pieces
    // Runs of entries, not one parse per entry.
    expect(lengths.length).toBeLessThan(200);
    // The bytes borrowed to bracket each run are given back.
    expect(padded.toString('utf8', 2, padded.length - 2)).toBe(text);
  });

  it('cuts an all-ASCII body in pieces up to twice PIECE_BYTES (one byte per character)', () => {
    const text = JSON.stringify({ entry: Array.from({ length: 4000 }, (_, i) => ({ resource: { id: `o${i}`, note: 'plain ascii text '.repeat(4) } })) });
    const lengths: number[] = [];
    const parse = JSON.parse;
    const spy = jest.spyOn(JSON, 'parse').mockImplementation((t: string, rev?: Parameters<typeof JSON.parse>[1]) => { lengths.push(t.length); return parse(t, rev); });
    let r: ReturnType<typeof parseJsonBytes>;
    try {
      r = parseJsonBytes(Buffer.from(text), 0, text.length, 64);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.stringify((r as { value: unknown }).value)).toBe(text);
    expect(Math.max(...lengths)).toBeGreaterThan(PIECE_BYTES);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(2 * PIECE_BYTES + 2);
  });

  it('takes the whole-string path, with the same value, for a large container nested deeper than it records', () => {
    const deepBig = { a: [[[[[[[[[['x'.repeat(200), 'y'.repeat(200), { z: 'w'.repeat(300) }]]]]]]]]]] };
    const text = JSON.stringify(deepBig);
    expect(outcome(Buffer.from(text), 64)).toEqual({ ok: true, text });
    // A bracket that closes the wrong kind of container, inside and outside pieces.
    for (const bad of [`{"a":[${'1,'.repeat(100)}1}}`, `[${'{"a":1},'.repeat(30)}{"a":1]]`, `{"a":{"b":[1,2}]}`]) {
      expect(outcome(Buffer.from(bad), 16)).toEqual(reference(Buffer.from(bad)));
    }
  });
});
