/**
 * Two functions in one source, deployed separately (`--entry-point`):
 *
 * - `api` (HTTP): `POST /orders` (body validated against `orderSchema`) and `GET /orders?q=…`. Every
 *   request is inspected before the handler runs: query, headers, cookies, the path and each of its
 *   segments, and the exact body bytes. An attack is answered `403 {"error":"blocked","requestId":…}`.
 * - `fulfilOrder` (CloudEvent, Pub/Sub topic `orders`): the base64 message data, its attributes and
 *   ordering key are inspected. A malicious message is acknowledged and dropped (the handler is not
 *   called, no redelivery); the security event on stdout is the record.
 */
import { randomUUID } from 'node:crypto';
import * as functions from '@google-cloud/functions-framework';
import { protect } from 'serverless-rasp/gcp-functions';
import { orderSchema, type Order } from './orders';

/** The `data` of a Pub/Sub `messagePublished` CloudEvent. */
export interface MessagePublishedData {
  message: { data?: string; attributes?: Record<string, string>; messageId: string; publishTime: string; orderingKey?: string };
  subscription: string;
}

export const api = protect(
  (req: functions.Request, res: functions.Response): void => {
    if (req.method === 'POST' && req.path === '/orders') {
      const order = req.body as Order; // parsed by the framework, checked against orderSchema by protect()
      const units = order.items.reduce((n, item) => n + item.qty, 0);
      res.status(201).json({ id: randomUUID(), customer: order.customer.name, units });
      return;
    }
    if (req.method === 'GET' && req.path === '/orders') {
      res.status(200).json({ q: typeof req.query.q === 'string' ? req.query.q : '', results: [] });
      return;
    }
    res.status(404).json({ error: 'not_found' });
  },
  { schemas: { 'POST /orders': orderSchema } },
);

export const fulfilOrder = protect(async (event: functions.CloudEvent<MessagePublishedData>): Promise<void> => {
  const data = event.data?.message.data;
  const order = JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')) as Order;
  console.log(JSON.stringify({ msg: 'order fulfilled', eventId: event.id, customer: order.customer.name, items: order.items.length }));
});

functions.http('api', api);
functions.cloudEvent('fulfilOrder', fulfilOrder);
