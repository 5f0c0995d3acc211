/**
 * Deriving the caller key a per-caller limit counts against. Keys are bounded in length; API keys are
 * hashed (a secret must never reach logs, alerts or the shared store).
 */
import type * as crypto from 'node:crypto';

// node:crypto is needed only for API-key hashing: required on first use, not at import (loading it
// costs ~3 ms when nothing else, such as https, has loaded it yet).
let sha: typeof crypto.createHash | undefined;

export type CallerKeyKind = 'ip' | 'user' | 'apiKey' | 'route';

/** What an adapter knows about the caller of one invocation. */
export interface CallerRequest {
  /** Caller IP the platform vouches for (API Gateway sourceIp, Azure/GCP forwarded by the front end). */
  ip?: string | undefined;
  /** Request headers (any case). */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** Verified auth claims (API Gateway JWT/Lambda authorizer, Cognito, Easy Auth). */
  claims?: Readonly<Record<string, unknown>> | undefined;
  /** Route key, e.g. `POST /orders/{id}`. */
  route?: string | undefined;
}

export type CallerKeyOption = CallerKeyKind | ((req: CallerRequest) => string | undefined);

/** Longest key kept; longer keys are cut (a key is an identifier, not a payload). */
export const MAX_KEY_LENGTH = 200;

/** Claims that identify a user, in order: OIDC subject, Cognito user name, Entra ID object id. */
const USER_CLAIMS = ['sub', 'cognito:username', 'oid'];
/**
 * Headers set by the platform's own authentication in front of the function (clients cannot forge them
 * there): Azure App Service / Functions Easy Auth and Google Identity-Aware Proxy.
 */
const USER_HEADERS = ['x-ms-client-principal-id', 'x-goog-authenticated-user-id'];

function header(headers: CallerRequest['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  let v = headers[name];
  if (v === undefined) {
    for (const k of Object.keys(headers)) {
      if (k.length === name.length && k.toLowerCase() === name) {
        v = headers[k];
        break;
      }
    }
  }
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function cut(s: string): string {
  return s.length > MAX_KEY_LENGTH ? s.slice(0, MAX_KEY_LENGTH) : s;
}

/** SHA-256 prefix of an API key: stable, not reversible, safe to log and to share. */
export function hashApiKey(value: string): string {
  sha ??= (require('node:crypto') as typeof crypto).createHash;
  return 'apikey:' + sha('sha256').update(value).digest('hex').slice(0, 32);
}

/** The `'ip'` caller key of a request from `ip` (the default key). */
export function ipKey(ip: string | undefined): string | undefined {
  const v = ip?.trim();
  return v ? cut(v) : undefined;
}

/**
 * The caller key for `key`: `'ip'` (default), `'user'` (auth claim `sub`, `cognito:username` or `oid`,
 * else a platform auth header), `'apiKey'` (the `x-api-key` header, hashed), `'route'`, or a function of
 * the request. `undefined` when the request has no such key (then no per-caller limit applies to it).
 * Never throws: a throwing key function yields `undefined`.
 */
export function callerKey(key: CallerKeyOption | undefined, req: CallerRequest): string | undefined {
  switch (key ?? 'ip') {
    case 'ip':
      return ipKey(req.ip);
    case 'user': {
      const claims = req.claims;
      if (claims) {
        for (const c of USER_CLAIMS) {
          const v = claims[c];
          if ((typeof v === 'string' && v !== '') || typeof v === 'number') return cut(`user:${v}`);
        }
      }
      for (const h of USER_HEADERS) {
        const v = header(req.headers, h);
        if (v) return cut(`user:${v}`);
      }
      return undefined;
    }
    case 'apiKey': {
      const v = header(req.headers, 'x-api-key');
      return v ? hashApiKey(v) : undefined;
    }
    case 'route':
      return req.route ? cut(`route:${req.route}`) : undefined;
    default: {
      if (typeof key !== 'function') return undefined;
      try {
        const v = key(req);
        return typeof v === 'string' && v !== '' ? cut(v) : undefined;
      } catch {
        return undefined;
      }
    }
  }
}
