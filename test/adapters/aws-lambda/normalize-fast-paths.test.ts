import t from 'tap';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import * as ev from '../../helpers/lambda-events';

// normalize's shortcuts (upperMethod, functionUrl in normalize.ts) give what the calls they spare give.

t.test('the method is upper-cased as toUpperCase does, with or without the call', async (t) => {
  for (const m of ['POST', 'post', 'Post', 'gEt', 'DELETE', 'M-SEARCH', 'ß', 'straße', 'ﬀ', 'é', 'GET\u0000', '', 'PATCH ']) {
    const v2 = ev.apiGatewayV2({ method: 'GET', path: '/x' });
    (v2.requestContext.http as { method: string }).method = m;
    const n2 = normalize(v2);
    t.equal(n2.kind === 'http' ? n2.request.method : 'none', m.toUpperCase(), `v2 ${JSON.stringify(m)}`);
    const v1 = ev.apiGatewayV1({ method: 'GET', path: '/x' });
    (v1 as { httpMethod: string }).httpMethod = m;
    const n1 = normalize(v1);
    t.equal(n1.kind === 'http' ? n1.request.method : 'none', m.toUpperCase(), `v1 ${JSON.stringify(m)}`);
  }
});

t.test('the trigger follows the domain of each event, alternating or repeated', async (t) => {
  const url = () => ev.functionUrl({ method: 'GET', path: '/x' });
  const api = () => ev.apiGatewayV2({ method: 'GET', path: '/x' });
  for (const [make, want] of [[url, 'function-url'], [url, 'function-url'], [api, 'apigw-v2'], [url, 'function-url'], [api, 'apigw-v2'], [api, 'apigw-v2']] as const) {
    const n = normalize(make());
    t.equal(n.kind === 'http' ? n.trigger : 'none', want);
  }
});
