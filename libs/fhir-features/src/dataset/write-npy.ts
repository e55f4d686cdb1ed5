/**
 * Writes NumPy .npy files (format version 1.0, little-endian, C order) that numpy.load reads:
 * the dataset format the TypeScript builder and the Python trainer share.
 */
import fs from 'node:fs';

/** Bytes of an .npy file holding `data` with `shape` (float32 '<f4' or float64 '<f8'). */
export function encodeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape ${shape.join('x')} needs ${count} values, got ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n' must be a multiple of 64.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad === 64 ? 0 : pad) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

export function writeNpy(file: string, data: Float32Array | Float64Array, shape: readonly number[]): void {
  fs.writeFileSync(file, encodeNpy(data, shape));
}

/** Reads an .npy written by {@link encodeNpy} (or numpy, '<f4'/'<f8', C order). */
export function readNpy(file: string): { data: Float32Array | Float64Array; shape: number[] } {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not an .npy file`);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const offset = start + headerLen;
  const bytes = buf.subarray(offset);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (descr === '<f4') return { data: new Float32Array(copy.buffer), shape };
  if (descr === '<f8') return { data: new Float64Array(copy.buffer), shape };
  throw new Error(`${file}: dtype ${descr ?? '?'} is not supported`);
}
