/**
 * Every error the library throws has a stable `code` (documented in the README) and the underlying
 * error, when there is one, in `cause`.
 */
import type { Finding } from './types';

export type RaspErrorCode =
  /** An option is unknown, has the wrong type or an invalid value. Thrown at cold start. */
  | 'RASP_ERR_OPTIONS'
  /** A JSON schema given in `schema` or `schemas` does not compile. Thrown at cold start. */
  | 'RASP_ERR_SCHEMA'
  /** The `RASP_MODE` environment variable has a value other than block, monitor or off. */
  | 'RASP_ERR_ENV'
  /** A non-HTTP invocation was blocked; thrown so the platform retries into its dead-letter path. */
  | 'RASP_ERR_BLOCKED'
  /** The handler given to `protect` is not a function. */
  | 'RASP_ERR_HANDLER';

export class RaspError extends Error {
  readonly code: RaspErrorCode;
  constructor(code: RaspErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'RaspError';
  }
}

/** Misconfiguration found at cold start. The message says what to change. */
export class RaspConfigError extends RaspError {
  constructor(code: 'RASP_ERR_OPTIONS' | 'RASP_ERR_SCHEMA' | 'RASP_ERR_ENV' | 'RASP_ERR_HANDLER', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RaspConfigError';
  }
}

/**
 * Thrown instead of calling the handler for triggers that have no response to shape (S3, SNS,
 * EventBridge, Cognito, direct invokes, non-HTTP Azure and GCP triggers). The message names rules and
 * paths, never the payload.
 */
export class RequestBlockedError extends RaspError {
  readonly findings: readonly Finding[];
  readonly requestId: string | undefined;
  /**
   * `callerFacing`: the platform shows this error's message to whoever sent the request (Cognito
   * answers the app "PreSignUp failed with error …", AppSync puts it in the GraphQL `errors`). The
   * message then names only the request id, as an HTTP block's body does: which rule fired and where
   * would tell an attacker what to change. `findings` and the security event keep the details.
   */
  constructor(findings: readonly Finding[], requestId: string | undefined, options?: { callerFacing?: boolean }) {
    const first = findings[0];
    let detail: string;
    if (options?.callerFacing === true) detail = requestId ? ` (request ${requestId})` : '';
    else {
      const where = first ? `: ${first.rule} at ${first.path}` : '';
      const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
      detail = `${where}${more}`;
    }
    super('RASP_ERR_BLOCKED', `Request blocked by serverless-rasp${detail}`);
    this.name = 'RequestBlockedError';
    this.findings = findings;
    this.requestId = requestId;
  }
}
