/**
 * Builders for the Lambda events of triggers beyond HTTP and queues: Kafka (Amazon MSK and
 * self-managed), Kinesis Data Firehose transformation, CloudWatch Logs subscriptions, SES receipts
 * and AppSync direct resolvers. Written from the documented shapes (`@types/aws-lambda`
 * trigger/msk.d.ts, self-managed-kafka.d.ts, kinesis-firehose-transformation.d.ts,
 * cloudwatch-logs.d.ts, ses.d.ts, appsync-resolver.d.ts and the Lambda developer guide), with
 * plausible values; no sample file is copied.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type {
  AppSyncIdentity,
  AppSyncResolverEvent,
  CloudWatchLogsDecodedData,
  CloudWatchLogsEvent,
  FirehoseTransformationEvent,
  MSKEvent,
  SelfManagedKafkaEvent,
  SESEvent,
  SESMailHeader,
} from 'aws-lambda';
import { ACCOUNT_ID, REGION } from '../../helpers/lambda-events';

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

// ---------------------------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------------------------

export interface KafkaRecordInput {
  /** Record value as the producer wrote it (text); base64-encoded here. `null` for a tombstone. */
  value?: string | null;
  /** Already-encoded value, sent as is (for malformed payloads). Wins over `value`. */
  rawValue?: string;
  /** Record key as text; base64-encoded here. */
  key?: string | null;
  /** Already-encoded key, sent as is. */
  rawKey?: string;
  /** Headers as name → text; sent as Kafka sends them, each value a byte array. */
  headers?: Array<Record<string, string>>;
  offset?: number;
}

export interface KafkaOptions {
  /** A self-managed cluster (`SelfManagedKafka`) rather than Amazon MSK (`aws:kafka`). */
  selfManaged?: boolean;
}

/**
 * `partitions` maps `topic-partition` (e.g. `orders-0`) to that partition's records, as Lambda
 * groups them.
 */
export function kafka(partitions: Record<string, KafkaRecordInput[]>, opts: KafkaOptions = {}): MSKEvent | SelfManagedKafkaEvent {
  const records: MSKEvent['records'] = {};
  let ts = Date.UTC(2024, 4, 1, 12, 0, 0);
  for (const [tp, list] of Object.entries(partitions)) {
    const dash = tp.lastIndexOf('-');
    const topic = tp.slice(0, dash);
    const partition = Number(tp.slice(dash + 1));
    records[tp] = list.map((r, i) => ({
      topic,
      partition,
      offset: r.offset ?? 1000 + i,
      timestamp: (ts += 17),
      timestampType: 'CREATE_TIME' as const,
      key: r.rawKey ?? (r.key === null || r.key === undefined ? (r.key as unknown as string) : b64(r.key)),
      value: r.rawValue ?? (r.value === null || r.value === undefined ? (r.value as unknown as string) : b64(r.value)),
      headers: (r.headers ?? [{ 'content-type': 'application/json' }]).map((h) =>
        Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [...Buffer.from(v, 'utf8')]])),
      ),
    }));
  }
  if (opts.selfManaged) {
    return { eventSource: 'SelfManagedKafka', bootstrapServers: 'kafka-1.internal.example.com:9092,kafka-2.internal.example.com:9092', records };
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: `arn:aws:kafka:${REGION}:${ACCOUNT_ID}:cluster/orders-cluster/6f1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9-3`,
    bootstrapServers: `b-1.orders-cluster.x7k2pq.c3.kafka.${REGION}.amazonaws.com:9098,b-2.orders-cluster.x7k2pq.c3.kafka.${REGION}.amazonaws.com:9098`,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// Kinesis Data Firehose transformation
// ---------------------------------------------------------------------------------------------

export interface FirehoseRecordInput {
  /** Record payload as text; base64-encoded here. */
  data?: string;
  /** Already-encoded data, sent as is. */
  rawData?: string;
  recordId?: string;
  /** When set, the delivery stream reads a Kinesis data stream and records carry its metadata. */
  partitionKey?: string;
}

export function firehose(records: FirehoseRecordInput[]): FirehoseTransformationEvent {
  const fromStream = records.some((r) => r.partitionKey !== undefined);
  const arrival = Date.UTC(2024, 4, 1, 12, 0, 0);
  const event: FirehoseTransformationEvent = {
    invocationId: randomUUID(),
    deliveryStreamArn: `arn:aws:firehose:${REGION}:${ACCOUNT_ID}:deliverystream/orders-to-s3`,
    region: REGION,
    records: records.map((r, i) => {
      const rec: FirehoseTransformationEvent['records'][number] = {
        recordId: r.recordId ?? `4954698668313554428650745793632162567570019247115678${String(5000 + i)}`,
        approximateArrivalTimestamp: arrival + i,
        data: r.rawData ?? b64(r.data ?? ''),
      };
      if (r.partitionKey !== undefined) {
        rec.kinesisRecordMetadata = {
          shardId: 'shardId-000000000000',
          partitionKey: r.partitionKey,
          approximateArrivalTimestamp: arrival + i,
          sequenceNumber: `4954698668313554428650745793632162567570019247115678${String(7000 + i)}`,
          subsequenceNumber: '',
        };
      }
      return rec;
    }),
  };
  if (fromStream) event.sourceKinesisStreamArn = `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/orders`;
  return event;
}

/** A transformation handler that upper-cases each payload and answers `Ok`. */
export function upperCaseTransform(event: FirehoseTransformationEvent): { records: Array<{ recordId: string; result: 'Ok'; data: string }> } {
  return {
    records: event.records.map((r) => ({
      recordId: r.recordId,
      result: 'Ok' as const,
      data: b64(Buffer.from(r.data, 'base64').toString('utf8').toUpperCase()),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs subscription
// ---------------------------------------------------------------------------------------------

export function cloudWatchLogsDocument(messages: string[], logGroup = '/aws/lambda/orders-api'): CloudWatchLogsDecodedData {
  const t0 = Date.UTC(2024, 4, 1, 12, 0, 0);
  return {
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNT_ID,
    logGroup,
    logStream: '2024/05/01/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    subscriptionFilters: ['ship-to-analytics'],
    logEvents: messages.map((message, i) => ({
      // Log event ids are 56-digit decimal strings.
      id: `3719570386216486491244089537658592883457296740396037${String(1000 + i)}`,
      timestamp: t0 + i * 250,
      message,
    })),
  };
}

/** `awslogs.data`: base64 of gzip of the JSON document, as CloudWatch Logs delivers it. */
export function cloudWatchLogs(messages: string[]): CloudWatchLogsEvent {
  return cloudWatchLogsRaw(gzipSync(JSON.stringify(cloudWatchLogsDocument(messages))).toString('base64'));
}

export function cloudWatchLogsRaw(data: string): CloudWatchLogsEvent {
  return { awslogs: { data } };
}

// ---------------------------------------------------------------------------------------------
// SES receipt
// ---------------------------------------------------------------------------------------------

export interface SesOptions {
  from?: string;
  to?: string[];
  subject?: string;
  /** Further headers, in order, after the usual ones. */
  extraHeaders?: SESMailHeader[];
}

export function ses(opts: SesOptions = {}): SESEvent {
  const from = opts.from ?? 'Jane Doe <jane.doe@example.com>';
  const to = opts.to ?? ['orders@shop.example.net'];
  const subject = opts.subject ?? 'Order #4471: delivery address';
  const messageId = 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g01';
  const date = 'Wed, 1 May 2024 12:00:00 +0000';
  const headers: SESMailHeader[] = [
    { name: 'Return-Path', value: '<jane.doe@example.com>' },
    {
      name: 'Received',
      value: `from mail-yw1-f170.google.com (mail-yw1-f170.google.com [209.85.128.170]) by inbound-smtp.${REGION}.amazonaws.com with SMTP id ${messageId} for orders@shop.example.net; ${date}`,
    },
    { name: 'X-SES-Spam-Verdict', value: 'PASS' },
    { name: 'X-SES-Virus-Verdict', value: 'PASS' },
    {
      name: 'Received-SPF',
      value: 'pass (spfCheck: domain of example.com designates 209.85.128.170 as permitted sender) client-ip=209.85.128.170; envelope-from=jane.doe@example.com; helo=mail-yw1-f170.google.com;',
    },
    {
      name: 'Authentication-Results',
      value: `amazonses.com; spf=pass (spfCheck: domain of example.com designates 209.85.128.170 as permitted sender) client-ip=209.85.128.170; envelope-from=jane.doe@example.com; helo=mail-yw1-f170.google.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com;`,
    },
    {
      name: 'DKIM-Signature',
      value:
        'v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=20230601; t=1714564800; x=1715169600; h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=Vh3kT1yB9sQ2lW0pX4mN7cR5dF8gJ6hK2zL1qA3wE9rT5yU7iO0pS4dF6gH8jK1lZ3xC5vB7nM9qW2eR4tY6uI8oP0aS2dF4gH6jK8lZ0xC2vB4nM6qW8eR0tY2uI4oP6aS8dF0gH2jK4lZ6xC8vB0nM2qW4eR6tY8uI0oP2aS4dF6gH8jK0l',
    },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'From', value: from },
    { name: 'Date', value: date },
    { name: 'Message-ID', value: '<CAJ5x2Yb9V+Q7kE1m3nP0r@mail.example.com>' },
    { name: 'Subject', value: subject },
    { name: 'To', value: to.join(', ') },
    { name: 'Content-Type', value: 'multipart/alternative; boundary="000000000000a1b2c3061746f2e1"' },
    ...(opts.extraHeaders ?? []),
  ];
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: '2024-05-01T12:00:01.123Z',
            source: 'jane.doe@example.com',
            messageId,
            destination: to,
            headersTruncated: false,
            headers,
            commonHeaders: {
              returnPath: 'jane.doe@example.com',
              from: [from],
              date,
              to,
              messageId: '<CAJ5x2Yb9V+Q7kE1m3nP0r@mail.example.com>',
              subject,
            },
          },
          receipt: {
            timestamp: '2024-05-01T12:00:01.123Z',
            processingTimeMillis: 412,
            recipients: to,
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: 'PASS' },
            dkimVerdict: { status: 'PASS' },
            dmarcVerdict: { status: 'PASS' },
            action: { type: 'Lambda', functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:orders-api`, invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// AppSync direct Lambda resolver
// ---------------------------------------------------------------------------------------------

export interface AppSyncOptions {
  arguments?: Record<string, unknown>;
  headers?: Record<string, string>;
  identity?: AppSyncIdentity;
  source?: Record<string, unknown> | null;
  prev?: { result: Record<string, unknown> } | null;
  parentTypeName?: string;
  fieldName?: string;
}

export function cognitoIdentity(claims: Record<string, unknown> = {}): AppSyncIdentity {
  const sub = '7d8ca528-4931-4254-9273-ea5ee853f271';
  return {
    sub,
    issuer: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_AbCdEf123`,
    username: 'jdoe',
    claims: {
      sub,
      iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_AbCdEf123`,
      'cognito:username': 'jdoe',
      aud: '7b3h2k9qj1fj3s5l6p8r0t2v4x',
      token_use: 'id',
      auth_time: 1714564700,
      name: 'Jane Doe',
      email: 'jane.doe@example.com',
      exp: 1714568300,
      iat: 1714564700,
      ...claims,
    },
    sourceIp: ['198.51.100.23'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  };
}

export function appSync(opts: AppSyncOptions = {}): AppSyncResolverEvent<Record<string, unknown>> {
  const parentTypeName = opts.parentTypeName ?? 'Mutation';
  const fieldName = opts.fieldName ?? 'createOrder';
  return {
    arguments: opts.arguments ?? { input: { sku: 'BK-1042', quantity: 2, note: 'Leave at the door' } },
    identity: opts.identity === undefined ? cognitoIdentity() : opts.identity,
    source: opts.source === undefined ? null : opts.source,
    request: {
      headers: {
        host: 'x7k2pqabcdefghij.appsync-api.us-east-1.amazonaws.com',
        accept: 'application/json, text/plain, */*',
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
        'x-forwarded-for': '198.51.100.23, 130.176.1.10',
        'x-amzn-trace-id': 'Root=1-66323a40-0a1b2c3d4e5f60718293a4b5',
        ...opts.headers,
      },
      domainName: null,
    },
    info: {
      selectionSetList: ['id', 'status'],
      selectionSetGraphQL: '{\n  id\n  status\n}',
      parentTypeName,
      fieldName,
      variables: {},
    },
    prev: opts.prev === undefined ? null : opts.prev,
    stash: {},
  };
}
