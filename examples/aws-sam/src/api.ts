/**
 * HTTP API (payload 2.0): `POST /orders` and `GET /orders/{id}`.
 *
 * Every request is inspected before this code runs: query, headers, cookies, path parameters and the
 * body. A `POST /orders` body must also match `orderSchema` (400 otherwise). An attack is answered
 * `403 {"error":"blocked","requestId":"…"}` and the handler is not called.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { protect } from 'serverless-rasp/aws-lambda';
import { orderSchema, type Order } from './orders';

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function api(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  switch (event.routeKey) {
    case 'POST /orders': {
      const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
      const order = JSON.parse(raw) as Order; // valid JSON matching orderSchema: protect() checked it
      const units = order.items.reduce((n, item) => n + item.qty, 0);
      return json(201, { id: randomUUID(), customer: order.customer.name, units });
    }
    case 'GET /orders/{id}': {
      const id = event.pathParameters?.id ?? '';
      return json(200, { id, status: 'processing' });
    }
    default:
      return json(404, { error: 'not_found' });
  }
}

export const handler = protect(api, {
  schemas: { 'POST /orders': orderSchema },
});
