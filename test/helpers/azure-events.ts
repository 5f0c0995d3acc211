/** Event documents of Azure Functions triggers, as the host hands them to @azure/functions. */

let kafkaOffset = 1000;

/** A Kafka trigger's record with `dataType: 'string'` (Headers' values are base64, as the extension sends them). */
export function kafkaRecord(value: string, headers: Array<{ Key: string; Value: string }> = [], key: string | null = 'order-7') {
  return {
    Offset: kafkaOffset++,
    Partition: 2,
    Topic: 'orders',
    Timestamp: '2026-05-01T10:00:00.123Z',
    Key: key,
    Value: value,
    Headers: headers,
  };
}
