/**
 * The transport's hold on its turn at the gate when something between sending
 * and reporting throws (a provider's parser meeting a body nobody foresaw).
 * The context stands in for n8n's: only what the transport calls, answering
 * as n8n's HTTP helper does with `returnFullResponse`.
 */
import type { IExecuteFunctions, NodeApiError } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderApi } from '../../nodes/shared/provider';
import { SYSTEM_CLOCK, TRAFFIC } from '../../nodes/shared/gate';
import { apiRequest } from '../../nodes/shared/transport';
import { FakeClock } from '../helpers/fake-clock';

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

describe("apiRequest's retry path, on an injected clock", () => {
	const clock = new FakeClock();
	const okApi: ProviderApi = { ...throwingApi, parseFailure: (response) => (response.status === 200 ? undefined : { provider: throwingApi.provider, code: 'rate_limit_exceeded', httpCode: response.status, message: 'Too many requests.' }) };
	const request = { method: 'POST' as const, path: '/sso', schema: z.unknown() };
	let sent = 0;

	/** A context whose HTTP helper answers from `answers` in turn (the last one repeats). */
	function scripted(answers: Array<{ statusCode: number; headers?: Record<string, string> }>): IExecuteFunctions {
		return {
			...context({ statusCode: 200, body: '{}' }),
			helpers: {
				httpRequestWithAuthentication: async () => {
					const answer = answers[Math.min(sent++, answers.length - 1)];
					return { headers: {}, body: '{}', ...answer };
				},
			},
		} as unknown as IExecuteFunctions;
	}

	beforeEach(() => {
		TRAFFIC.useClock(clock);
		sent = 0;
	});
	afterAll(() => TRAFFIC.useClock(SYSTEM_CLOCK));

	it('waits exactly the Retry-After a 429 asks for, then sends again', async () => {
		const started = clock.now();
		let done = false;
		const result = apiRequest(scripted([{ statusCode: 429, headers: { 'retry-after': '2' } }, { statusCode: 200 }]), okApi, request).then(() => (done = true));
		await clock.advance(1999);
		expect({ done, sent }).toEqual({ done: false, sent: 1 });
		await clock.advance(1);
		await result;
		expect({ done, sent, waited: clock.now() - started }).toEqual({ done: true, sent: 2, waited: 2000 });
	});

	it('a pause longer than Max Retry Wait fails the refused request and every later one at once, with one request sent', async () => {
		const ctx = scripted([{ statusCode: 429, headers: { 'retry-after': '3600' } }]);
		await expect(apiRequest(ctx, okApi, request)).rejects.toThrow(/^Too many requests\. Retry in 3600 seconds \(at /);
		for (let execution = 0; execution < 20; execution++) {
			const error = (await apiRequest(ctx, okApi, request).catch((thrown: unknown) => thrown)) as NodeApiError;
			expect(error.message).toMatch(/^Too many requests\. Retry in 3600 seconds \(at /);
			expect(error.description).toMatch(/Nothing was sent: until .* every request to Test/);
			expect(error.httpCode).toBe('429');
		}
		expect(sent).toBe(1);
		expect(clock.pendingTimers).toBe(0);
	});

	it('a picker (no node run: a person waits) waits seconds at most: a 20 s pause is answered at once with the retry time', async () => {
		const picker = scripted([{ statusCode: 429, headers: { 'retry-after': '20' } }, { statusCode: 200 }]);
		const started = clock.now();
		await expect(apiRequest(picker, okApi, { ...request, method: 'GET' })).rejects.toThrow(/Retry in 20 seconds/);
		await expect(apiRequest(picker, okApi, { ...request, method: 'GET' })).rejects.toThrow(/Retry in 20 seconds/);
		expect(clock.now()).toBe(started);
		expect(sent).toBe(1);
	});
});
