/**
 * Worker heartbeats in Redis: one JSON key per worker with a TTL of three periods, indexed by a
 * sorted set per queue. A worker is online while its key lives, so freshness does not depend on
 * clocks agreeing across hosts. Redis 7.0 has no per-field hash expiry, hence key + index.
 */
import type { Redis } from 'ioredis';
import { workerHeartbeatKey, workerIndexKey, type WorkerHeartbeat } from './protocol';

/** Writes one heartbeat (SET EX + ZADD in one round trip). Rejects when Redis is unreachable. */
export async function writeHeartbeat(redis: Redis, beat: WorkerHeartbeat, ttlMs: number): Promise<void> {
  await redis.multi()
    .set(workerHeartbeatKey(beat.queue, beat.id), JSON.stringify(beat), 'PX', ttlMs)
    .zadd(workerIndexKey(beat.queue), Date.now(), beat.id)
    .exec();
}

/** Removes a worker's heartbeat at graceful shutdown, so it stops counting as online at once. */
export async function removeHeartbeat(redis: Redis, queueName: string, workerId: string): Promise<void> {
  await redis.multi()
    .del(workerHeartbeatKey(queueName, workerId))
    .zrem(workerIndexKey(queueName), workerId)
    .exec();
}

/**
 * Heartbeats of the workers online for a queue. Index entries whose key expired (a worker that died
 * without a goodbye) are pruned on the way.
 */
export async function readHeartbeats(redis: Redis, queueName: string): Promise<WorkerHeartbeat[]> {
  const ids = await redis.zrange(workerIndexKey(queueName), '0', '-1');
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => workerHeartbeatKey(queueName, id)));
  const beats: WorkerHeartbeat[] = [];
  const gone: string[] = [];
  values.forEach((v, i) => {
    if (v === null) { gone.push(ids[i]); return; }
    try {
      beats.push(JSON.parse(v) as WorkerHeartbeat);
    } catch {
      gone.push(ids[i]);
    }
  });
  if (gone.length > 0) await redis.zrem(workerIndexKey(queueName), ...gone);
  return beats;
}
