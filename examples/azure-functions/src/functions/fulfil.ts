/**
 * Storage queue `orders`. Each message is inspected (and validated against `orderSchema`) before the
 * handler runs. A malicious message makes the invocation throw `RequestBlockedError`: the Functions
 * host retries it up to `maxDequeueCount` (host.json: 5) and then moves it to `orders-poison`.
 */
import { app, type InvocationContext } from '@azure/functions';
import { protect } from 'serverless-rasp/azure-functions';
import { orderMessageSchema, type Order } from '../orders';

export const fulfilOrder = protect(
  async (message: unknown, context: InvocationContext): Promise<void> => {
    // The runtime hands over the message already parsed when it is JSON.
    const order = (typeof message === 'string' ? JSON.parse(message) : message) as Order & { id?: string };
    context.log(JSON.stringify({ msg: 'order fulfilled', id: order.id, customer: order.customer.name, items: order.items.length }));
  },
  { schema: orderMessageSchema },
);

app.storageQueue('fulfilOrder', {
  queueName: 'orders',
  connection: 'AzureWebJobsStorage',
  handler: fulfilOrder,
});
