/** Builders for sink tests: engine requests as the adapters produce them, and a temp dir. */
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectionRequest } from '../../src/types';

/** An API Gateway-like request with a JSON body and optional query parameters. */
export function httpRequest(body: unknown, query: Record<string, string> = {}): InspectionRequest {
  return {
    provider: 'aws',
    trigger: 'apigw-v2',
    method: 'POST',
    path: '/run',
    sources: [
      { kind: 'query', path: 'query', value: query },
      { kind: 'header', path: 'headers', value: { 'content-type': 'application/json', 'user-agent': 'test' } },
      { kind: 'body', path: 'body', value: JSON.stringify(body), decoding: 'body', contentType: 'application/json', validate: true },
    ],
  };
}

/** An S3 notification's object key (already URL-decoded, as the Lambda adapter does). */
export function s3Request(key: string): InspectionRequest {
  return { provider: 'aws', trigger: 's3', sources: [{ kind: 'record', path: 'records[0].s3.object.key', value: key }] };
}

/** An SQS record whose body is JSON. */
export function sqsRequest(body: unknown): InspectionRequest {
  return { provider: 'aws', trigger: 'sqs', sources: [{ kind: 'record', path: 'records[0].body', value: JSON.stringify(body), decoding: 'auto', validate: true }] };
}

export function tempDir(prefix = 'rasp-sinks-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}
