/**
 * Why a distributed score() rejected. The HTTP side answers `{"cards": []}` for all of them; the
 * `code` lets it count them apart (deadline misses vs outages).
 */

/** The hook deadline passed before a worker's result arrived (or no worker is running). */
export class ScoringDeadlineError extends Error {
  readonly code = 'deadline';
  constructor(message = 'scoring did not finish before the hook deadline') { super(message); this.name = 'ScoringDeadlineError'; }
}

/** Redis is unreachable and QUEUE_FALLBACK is 'empty' (or the in-process fallback failed). */
export class QueueUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(message = 'scoring queue unavailable') { super(message); this.name = 'QueueUnavailableError'; }
}

/** A worker failed the job (reason is one of JOB_FAILURE) or returned a malformed result. */
export class ScoringJobFailedError extends Error {
  readonly code = 'job_failed';
  constructor(readonly reason: string) { super(`scoring job failed: ${reason}`); this.name = 'ScoringJobFailedError'; }
}

/** A caller error: invalid input, an unusable correlation id, or the engine is closed. */
export class ScoringRequestError extends Error {
  readonly code = 'request';
  constructor(message: string) { super(message); this.name = 'ScoringRequestError'; }
}
