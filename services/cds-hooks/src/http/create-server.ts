/**
 * The Node HTTP server with explicit timeouts (Node's defaults hold an authenticated slow body for
 * 300 s): headers must arrive within HTTP_HEADERS_TIMEOUT_MS, the whole request within
 * HTTP_REQUEST_TIMEOUT_MS (else 408 and the connection is closed), and an idle keep-alive
 * connection lives HTTP_KEEP_ALIVE_TIMEOUT_MS. Timeouts are checked every second.
 */
import http from 'node:http';
import type { Express } from 'express';
import type { Config } from '../config';

type TimeoutConfig = Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>;

export function createHttpServer(app: Express, config: TimeoutConfig): http.Server {
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  const server = http.createServer({
    requestTimeout,
    // Node requires headersTimeout <= requestTimeout.
    headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout),
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1000, requestTimeout),
  }, app);
  return server;
}
