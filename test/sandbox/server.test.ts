/**
 * The sandbox's own instruments, which the bench relies on: in-flight counts
 * per provider and rate-limit headers on every answer.
 */
import { Agent, request } from 'undici';

import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from './hostup';
import { INSTALLATRON_INSTALLS, INSTALLATRON_KEYS } from './installatron';
import { Sandbox } from './server';

let sandbox: Sandbox;
const agent = new Agent({ connections: 50 });

beforeAll(async () => {
	sandbox = await Sandbox.start();
});

afterAll(async () => {
	await agent.close();
	await sandbox.close();
});

beforeEach(() => sandbox.reset());

async function installatronLogin(): Promise<number> {
	const response = await request(`${sandbox.baseUrl('installatron')}/installs/${INSTALLATRON_INSTALLS.wordpress}/login`, {
		method: 'POST',
		dispatcher: agent,
		headers: { 'x-api-key': INSTALLATRON_KEYS.valid, 'content-type': 'application/json' },
		body: '{}',
	});
	await response.body.text();
	return response.statusCode;
}

async function hostUpMint(): Promise<{ status: number; headers: Record<string, unknown> }> {
	const response = await request(
		`${sandbox.baseUrl('hostup')}/api/v2/shared-hosting/${hostUpAccountId(0)}/wordpress/${hostUpSiteId(0, 0)}/actions/sso`,
		{ method: 'POST', dispatcher: agent, headers: { authorization: `Bearer ${HOSTUP_KEYS.full}` } },
	);
	await response.body.text();
	return { status: response.statusCode, headers: response.headers };
}

describe('in-flight counts', () => {
	it('counts requests answered side by side, per provider, and none once they are answered', async () => {
		// Long enough that all twelve arrive before the first is answered, even on a loaded machine.
		sandbox.latencyMs = 1500;
		const statuses = await Promise.all(Array.from({ length: 12 }, installatronLogin));
		expect(statuses.every((status) => status === 200)).toBe(true);
		expect(sandbox.maxInFlight('installatron')).toBe(12);
		expect(sandbox.currentInFlight('installatron')).toBe(0);
		expect(sandbox.maxInFlight('hostup')).toBe(0);
	});

	it('counts one at a time for requests sent one after another', async () => {
		sandbox.latencyMs = 20;
		for (let index = 0; index < 4; index++) await installatronLogin();
		expect(sandbox.maxInFlight('installatron')).toBe(1);
	});

	it('counts 429s and faults, and releases them when they are answered or the connection is reset', async () => {
		sandbox.latencyMs = 50;
		sandbox.limitRate('hostup', 2);
		sandbox.fault({ provider: 'hostup', fault: { kind: 'status', status: 500 } });
		const answers = await Promise.all(Array.from({ length: 6 }, hostUpMint));
		expect(answers.map((answer) => answer.status).sort()).toEqual([200, 429, 429, 429, 429, 500]);
		expect(sandbox.maxInFlight('hostup')).toBe(6);
		sandbox.reset();
		sandbox.fault({ provider: 'hostup', fault: { kind: 'reset' } });
		await expect(hostUpMint()).rejects.toThrow();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(sandbox.currentInFlight('hostup')).toBe(0);
		expect(sandbox.maxInFlight('hostup')).toBe(1);
	});

	it('restarts the maxima on reset() and reports them over the control API', async () => {
		sandbox.latencyMs = 50;
		await Promise.all(Array.from({ length: 3 }, installatronLogin));
		const control = await request(`${sandbox.origin}/__sandbox/in-flight`, { dispatcher: agent });
		expect(await control.body.json()).toMatchObject({ installatron: { current: 0, max: 3 } });
		sandbox.reset();
		expect(sandbox.maxInFlight('installatron')).toBe(0);
	});
});

describe('rate-limit headers', () => {
	it('are only on 429s by default, as HostUp documents', async () => {
		sandbox.limitRate('hostup', 1);
		const [accepted, refused] = [await hostUpMint(), await hostUpMint()];
		expect(accepted.status).toBe(200);
		expect(accepted.headers['x-ratelimit-limit']).toBeUndefined();
		expect(refused.status).toBe(429);
		expect(refused.headers).toMatchObject({ 'retry-after': '1', 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' });
	});

	it('are on every answer with headersOnEveryAnswer, counting down what is left', async () => {
		sandbox.limitRate('hostup', 3, { headersOnEveryAnswer: true });
		const answers: Array<{ status: number; headers: Record<string, unknown> }> = [];
		for (let index = 0; index < 4; index++) answers.push(await hostUpMint());
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
		expect(answers.map((answer) => answer.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
		for (const answer of answers) {
			expect(answer.headers['x-ratelimit-limit']).toBe('3');
			expect(Date.parse(String(answer.headers['x-ratelimit-reset']))).toBeGreaterThan(Date.now() - 1000);
		}
		expect(answers[0].headers['retry-after']).toBeUndefined();
	});
});

describe('the delay fault', () => {
	it('slows only the requests it matches, each by its time', async () => {
		sandbox.fault({ provider: 'installatron', method: 'POST', fault: { kind: 'delay', ms: 400 } });
		const started = Date.now();
		expect(await installatronLogin()).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);
		const other = Date.now();
		expect((await hostUpMint()).status).toBe(200);
		expect(Date.now() - other).toBeLessThan(300);
	});
});
