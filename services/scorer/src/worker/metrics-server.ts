/**
 * A worker's own small HTTP server: GET /metrics (prom-client default registry: inference rows,
 * runs, batch sizes, worker job outcomes), /healthz (process alive) and /readyz (consuming, Redis
 * up). Prometheus scrapes it; Kubernetes probes it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { port: number; host?: string; ready: () => boolean }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      client.register.metrics().then((text) => {
        res.writeHead(200, { 'content-type': client.register.contentType }).end(text);
      }, () => res.writeHead(500).end());
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      const ready = options.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ready }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
