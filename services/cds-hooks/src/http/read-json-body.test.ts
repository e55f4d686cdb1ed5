import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { createLogger } from '../logger';
import { createErrorHandler } from './error-handler';
import { limitJsonDepth } from './limit-json-depth';
import { parseByteSize, readJsonBody } from './read-json-body';

/** The reader as the app mounts it: express.json + depth check as the fallback; echo the parsed body. */
function app(limit = '1kb', maxDepth = 8): express.Express {
  const a = express();
  const json = express.json({ limit, type: ['application/json', 'application/*+json'] });
  const depth = limitJsonDepth(maxDepth);
  a.post('/echo', readJsonBody({
    limitBytes: parseByteSize(limit), maxDepth,
    fallback: (req, res, next) => json(req, res, (e?: unknown) => (e ? next(e) : depth(req, res, next))),
  }), (req, res) => { res.json({ body: req.body as unknown }); });
  a.use(createErrorHandler(createLogger('silent')));
  return a;
}

let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer(app());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => { await new Promise<void>((r) => server.close(() => r())); });

/** Sends raw bytes; `chunked` omits Content-Length. */
function send(body: Buffer, headers: Record<string, string> = {}, chunked = false): Promise<{ status: number; json: { body?: unknown; issue?: { diagnostics: string }[] } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', path: '/echo', method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(body.length) }), ...headers } }, (res) => {
      let t = '';
      res.on('data', (d: Buffer) => { t += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(t) as never }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('readJsonBody (the hook body reader)', () => {
  it('parses a JSON object, chunked or with a length, with or without a UTF-8 BOM', async () => {
    expect((await send(Buffer.from('{"a":[1,{"b":"é"}]}'))).json.body).toEqual({ a: [1, { b: 'é' }] });
    expect((await send(Buffer.from(' {"a":1}'), {}, true)).json.body).toEqual({ a: 1 });
    expect((await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":2}')]))).json.body).toEqual({ a: 2 });
    expect((await send(Buffer.from('{"a":3}'), { 'content-type': 'application/fhir+json; charset=UTF-8' })).json.body).toEqual({ a: 3 });
  });

  it('answers an empty body with {} and refuses a JSON scalar or broken JSON with 400', async () => {
    expect((await send(Buffer.alloc(0))).json.body).toEqual({});
    for (const text of ['"just a string"', '42', '{"a":', 'null']) {
      const r = await send(Buffer.from(text));
      expect(r.status).toBe(400);
      expect(r.json.issue?.[0]?.diagnostics).toBe('Request body is not valid JSON');
    }
  });

  it('refuses bodies over the limit with 413, declared or streamed, and keeps the connection usable', async () => {
    const big = Buffer.from(JSON.stringify({ a: 'x'.repeat(2000) }));
    expect((await send(big)).status).toBe(413);
    expect((await send(big, {}, true)).status).toBe(413);
    const exact = Buffer.from(JSON.stringify({ a: 'x'.repeat(1024 - 8) }));
    expect(exact.length).toBe(1024);
    expect((await send(exact)).status).toBe(200);
  });

  it('refuses a body nested deeper than the bound (400) and accepts one at the bound', async () => {
    const nest = (n: number) => `${'['.repeat(n - 1)}{}${']'.repeat(n - 1)}`;
    expect((await send(Buffer.from(nest(8)))).status).toBe(200);
    const deep = await send(Buffer.from(nest(9)));
    expect(deep.status).toBe(400);
    expect(deep.json.issue?.[0]?.diagnostics).toContain('MAX_JSON_DEPTH');
    // Far deeper than the stack could recurse: still a 400, never a crash.
    expect((await send(Buffer.from(`{"a":${'['.repeat(400)}${']'.repeat(400)}}`))).status).toBe(400);
  });

  it('hands compressed bodies and other charsets to the fallback (express.json)', async () => {
    const gz = zlib.gzipSync(Buffer.from('{"z":1}'));
    expect((await send(gz, { 'content-encoding': 'gzip' })).json.body).toEqual({ z: 1 });
    expect((await send(Buffer.from('{"a":1}'), { 'content-type': 'application/json; charset=latin1' })).status).toBe(415);
  });

  it('reads sizes as body-parser does', () => {
    expect(parseByteSize('5mb')).toBe(5 * 1024 * 1024);
    expect(parseByteSize('64kb')).toBe(65536);
    expect(parseByteSize('1000')).toBe(1000);
    expect(() => parseByteSize('lots')).toThrow();
  });
});
