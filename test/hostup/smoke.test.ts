import { runNode } from '../helpers/n8n';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());

test('smoke', async () => {
	const result = await runNode({
		type: 'hostUp',
		parameters: {
			resource: 'wordpressSite',
			operation: 'createSsoLink',
			accountId: { __rl: true, mode: 'id', value: hostUpAccountId(0) },
			siteId: { __rl: true, mode: 'id', value: hostUpSiteId(0, 0) },
		},
		credentials: { hostUpApi: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } },
	});
	console.log(JSON.stringify(result.items), result.error);
});
