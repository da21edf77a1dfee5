/**
 * The transport's hold on its turn at the gate when something between sending
 * and reporting throws (a provider's parser meeting a body nobody foresaw).
 * The context stands in for n8n's: only what the transport calls, answering
 * as n8n's HTTP helper does with `returnFullResponse`.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderApi } from '../../nodes/shared/provider';
import { TRAFFIC } from '../../nodes/shared/gate';
import { apiRequest } from '../../nodes/shared/transport';

function context(answer: { statusCode: number; headers?: Record<string, string>; body: string }): IExecuteFunctions {
	return {
		getNode: () => ({ id: 'n', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCredentials: async () => ({ apiKey: 'secret-key', baseUrl: 'https://api.example.test' }),
		helpers: { httpRequestWithAuthentication: async () => ({ headers: {}, ...answer }) },
	} as unknown as IExecuteFunctions;
}

const throwingApi: ProviderApi = {
	provider: { id: 'test', displayName: 'Test' },
	credentialType: 'testApi',
	baseUrl: (credentials) => String(credentials.baseUrl),
	secretFields: ['apiKey'],
	parseFailure: () => {
		throw new TypeError('parser bug');
	},
};

it('releases the permit when the provider parser throws, so the endpoint is not blocked for good', async () => {
	TRAFFIC.clear();
	const request = { method: 'GET' as const, path: '/x', schema: z.unknown() };
	for (let attempt = 0; attempt < 3; attempt++) {
		await expect(apiRequest(context({ statusCode: 200, body: '{}' }), throwingApi, request)).rejects.toThrow('parser bug');
	}
	// The one gate the three requests used.
	expect(TRAFFIC.size).toBe(1);
	expect(TRAFFIC.for(TRAFFIC.keys()[0], { maxInFlight: 1 }).idle).toBe(true);
});

it('keys gates without any secret in the key', async () => {
	TRAFFIC.clear();
	const okApi: ProviderApi = { ...throwingApi, parseFailure: () => undefined };
	await apiRequest(context({ statusCode: 200, body: '{}' }), okApi, { method: 'GET', path: '/x', schema: z.unknown() });
	const keys = TRAFFIC.keys();
	expect(keys).toHaveLength(1);
	expect(keys[0]).not.toContain('secret-key');
	expect(keys[0]).not.toContain('api.example.test');
});
