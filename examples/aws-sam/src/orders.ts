/**
 * The order document both functions work on, and its JSON Schema. `protect()` validates request bodies
 * (and queue messages) against it before your code runs; `pattern` keywords run on RE2.
 */
export interface OrderItem {
  sku: string;
  qty: number;
}

export interface Order {
  customer: { name: string; email: string };
  items: OrderItem[];
  note?: string;
}

export const orderSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['customer', 'items'],
  properties: {
    customer: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'email'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        email: { type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' },
      },
    },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'qty'],
        properties: {
          sku: { type: 'string', pattern: '^[A-Z0-9-]{3,32}$' },
          qty: { type: 'integer', minimum: 1, maximum: 100 },
        },
      },
    },
    note: { type: 'string', maxLength: 500 },
  },
};
