/**
 * Redis health for the dashboard in distributed mode, from one INFO call on the queue's own
 * connection: version, uptime, memory (used, peak, maxmemory), clients, eviction policy (BullMQ
 * needs noeviction) and persistence (AOF / RDB), with the warnings an operator must act on.
 */
export interface RedisHealth {
  version: string | null;
  uptimeS: number | null;
  usedMemory: string | null;
  peakMemory: string | null;
  maxMemory: string | null;
  connectedClients: number | null;
  blockedClients: number | null;
  evictionPolicy: string | null;
  aofEnabled: boolean | null;
  rdbLastSaveStatus: string | null;
  rdbChangesSinceLastSave: number | null;
  warnings: string[];
}

/** Parses INFO text (`key:value` lines) into a map. */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

export function redisHealthFromInfo(text: string): RedisHealth {
  const info = parseInfo(text);
  const num = (k: string) => (info.has(k) && Number.isFinite(Number(info.get(k))) ? Number(info.get(k)) : null);
  const str = (k: string) => info.get(k) ?? null;
  const policy = str('maxmemory_policy');
  const aof = info.has('aof_enabled') ? info.get('aof_enabled') === '1' : null;
  const saves = str('rdb_last_bgsave_status');
  const warnings: string[] = [];
  if (policy !== null && policy !== 'noeviction') warnings.push(`maxmemory-policy is ${policy}: Redis may evict queued jobs (set noeviction)`);
  if (aof === false) warnings.push('appendonly is off: feedback and queued jobs since the last RDB snapshot are lost on a restart');
  if (saves && saves !== 'ok') warnings.push(`last RDB save: ${saves}`);
  return {
    version: str('redis_version'),
    uptimeS: num('uptime_in_seconds'),
    usedMemory: str('used_memory_human'),
    peakMemory: str('used_memory_peak_human'),
    maxMemory: str('maxmemory_human'),
    connectedClients: num('connected_clients'),
    blockedClients: num('blocked_clients'),
    evictionPolicy: policy,
    aofEnabled: aof,
    rdbLastSaveStatus: saves,
    rdbChangesSinceLastSave: num('rdb_changes_since_last_save'),
    warnings,
  };
}

interface InfoClient { info(): Promise<string> }

/** INFO through a BullMQ queue's own connection (BullMQ 6: `getBackend().client`; 5: `client`). */
export async function readRedisHealth(queue: {
  getBackend?(): { client?: Promise<InfoClient> };
  client?: Promise<InfoClient | undefined>;
}): Promise<RedisHealth> {
  const redis = (await queue.getBackend?.().client) ?? (await queue.client);
  if (!redis || typeof redis.info !== 'function') throw new Error('no Redis connection on the queue');
  return redisHealthFromInfo(await redis.info());
}
