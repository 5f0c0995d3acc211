/**
 * The error a sink throws when it stops an operation. It is a RaspError with code `RASP_ERR_BLOCKED`,
 * like the engine's RequestBlockedError, so an adapter that already maps that code to its native
 * blocked response (403, dead-letter path) needs one more `instanceof` at most.
 */
import { RaspError } from '../errors';
import type { Finding } from '../types';

/** A finding made at a sink or by a least-privilege policy. */
export interface SinkFinding extends Finding {
  /** `sink`: input changed the structure of an operation. `policy`: a least-privilege rule was broken. */
  kind: 'sink' | 'policy';
  /** What was called, e.g. `child_process.execSync`, `better-sqlite3.prepare`, `fetch`, `fs.readFileSync`. */
  operation: string;
  /** Whether the operation was stopped (false in monitor mode or for an `alert` policy). */
  blocked: boolean;
  /** A short, truncated excerpt of the operation (command, query, path, host). Never an env value. */
  target?: string;
}

export class SinkBlockedError extends RaspError {
  readonly finding: SinkFinding;
  readonly requestId: string | undefined;
  constructor(finding: SinkFinding, requestId?: string) {
    const what = finding.kind === 'policy' ? 'a policy violation' : `a ${finding.class} attempt`;
    super('RASP_ERR_BLOCKED', `serverless-rasp blocked ${what} at ${finding.operation}: ${finding.rule} (${finding.path})`);
    this.name = 'SinkBlockedError';
    this.finding = finding;
    this.requestId = requestId;
  }
}

/**
 * Finds a SinkBlockedError in an error, its `cause` chain or an AggregateError (fetch wraps socket
 * errors as `TypeError('fetch failed', { cause })`; drivers wrap theirs too). Bounded depth.
 */
export function findSinkBlock(err: unknown, depth = 0): SinkBlockedError | undefined {
  if (err instanceof SinkBlockedError) return err;
  if (depth > 8 || err === null || typeof err !== 'object') return undefined;
  const e = err as { cause?: unknown; errors?: unknown };
  const viaCause = e.cause !== undefined ? findSinkBlock(e.cause, depth + 1) : undefined;
  if (viaCause) return viaCause;
  if (Array.isArray(e.errors)) {
    for (const x of e.errors.slice(0, 16)) {
      const f = findSinkBlock(x, depth + 1);
      if (f) return f;
    }
  }
  return undefined;
}
