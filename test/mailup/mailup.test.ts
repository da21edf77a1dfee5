/**
 * The MailUp node and its password-grant credential, run inside real n8n
 * executions against the sandbox.
 */
import { expectNoSecrets, expectSsoLink, openLink } from '../helpers/assertions';
import { runNode, runNodeWithin, testCredential } from '../helpers/n8n';
import type { NodeRun, RunNodeOptions } from '../helpers/n8n';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

function credentials(overrides: Record<string, unknown> = {}) {
	return { mailUpApi: { ...MAILUP_ACCOUNT, baseUrl: sandbox.baseUrl('mailup'), ...overrides } };
}

function mailUp(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'mailUp', parameters, credentials: credentials(), ...extra });
}

const consoleLink = { resource: 'console', operation: 'createSsoLink' };

/** Every secret a run could leak: the credential's, and the access token it fetched. */
function secretsOf(run: NodeRun): string[] {
	const stored = run.credentialsHelper.store.mailUpApi ?? {};
	return [MAILUP_ACCOUNT.clientSecret, MAILUP_ACCOUNT.password, String(stored.accessToken || 'no-token-fetched')];
}

describe('credential', () => {
	it('test fetches a token and calls Console/Authentication/Info', async () => {
		expect(await testCredential('mailUpApi', credentials().mailUpApi)).toBe(200);
		expect(sandbox.requestsTo('mailup').map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			'POST /Authorization/OAuth/Token',
			'GET /API/v1.1/Rest/ConsoleService.svc/Console/Authentication/Info',
		]);
	});

	it('test fails for a wrong password', async () => {
		await expect(testCredential('mailUpApi', credentials({ password: 'wrong' }).mailUpApi)).rejects.toThrow();
	});

	it('fetches the token once and reuses it across items', async () => {
		const run = await mailUp(consoleLink, { items: [{}, {}, {}] });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(3);
		expect(sandbox.mailup.tokenRequests).toEqual([{ grant: 'password' }]);
		// n8n stores the fetched token with the credential for the next execution.
		expect(run.credentialsHelper.store.mailUpApi.accessToken).toEqual(expect.any(String));
		expect(run.credentialsHelper.preAuthenticationCalls).toEqual([{ type: 'mailUpApi', expired: false }]);
	});

	it('reuses a stored token without asking for a new one', async () => {
		const first = await mailUp({ resource: 'account', operation: 'get' });
		const token = first.credentialsHelper.store.mailUpApi.accessToken;
		const second = await mailUp({ resource: 'account', operation: 'get' }, { credentials: credentials({ accessToken: token }) });
		expect(second.error).toBeUndefined();
		expect(sandbox.mailup.tokenRequests).toHaveLength(1);
	});

	it('on 401 gets a new token once and repeats the call', async () => {
		const first = await mailUp({ resource: 'account', operation: 'get' });
		const token = first.credentialsHelper.store.mailUpApi.accessToken;
		sandbox.mailup.expireAllTokens();
		const run = await mailUp(consoleLink, { credentials: credentials({ accessToken: token }) });
		expect(run.error).toBeUndefined();
		expectSsoLink(run.items[0]);
		expect(sandbox.mailup.tokenRequests).toEqual([{ grant: 'password' }, { grant: 'password' }]);
		expect(run.credentialsHelper.preAuthenticationCalls).toEqual([{ type: 'mailUpApi', expired: true }]);
		expect(sandbox.requestsTo('mailup').slice(2).map((entry) => `${entry.status} ${entry.path}`)).toEqual([
			'401 /API/v1.1/Rest/ConsoleService.svc/Console/Sso',
			'200 /Authorization/OAuth/Token',
			'200 /API/v1.1/Rest/ConsoleService.svc/Console/Sso',
		]);
		expect(run.credentialsHelper.store.mailUpApi.accessToken).not.toBe(token);
	});

	it('a token n8n fetched during the run never shows in an error either', async () => {
		const first = await mailUp({ resource: 'account', operation: 'get' });
		const token = first.credentialsHelper.store.mailUpApi.accessToken;
		sandbox.mailup.expireAllTokens();
		sandbox.mailup.echoTokenOnSso = true;
		const run = await mailUp(consoleLink, { credentials: credentials({ accessToken: token }) });
		const renewed = run.credentialsHelper.store.mailUpApi.accessToken as string;
		expect(renewed).not.toBe(token);
		expect(run.error?.message).toContain('No console session could be opened for access token [redacted]');
		expect(JSON.stringify({ message: run.error?.message, description: run.error?.description })).not.toContain(renewed);
	});

	it('a token that expires between executions is renewed on the next call', async () => {
		sandbox.mailup.tokenLifetimeSeconds = 1;
		const first = await mailUp({ resource: 'account', operation: 'get' });
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const run = await mailUp(consoleLink, { credentials: credentials({ accessToken: first.credentialsHelper.store.mailUpApi.accessToken }) });
		expect(run.error).toBeUndefined();
		expectSsoLink(run.items[0]);
		expect(sandbox.mailup.tokenRequests).toHaveLength(2);
	});

	it('a wrong password is one clear error without secrets', async () => {
		const run = await mailUp(consoleLink, { credentials: credentials({ password: 'Wrong-Password-123' }) });
		expect(run.error?.message).toBe('MailUp rejected the username or password');
		expect(run.error?.httpCode).toBe('400');
		expect(run.error?.description).toContain('MailUp error code: invalid_grant');
		expectNoSecrets(run, ['Wrong-Password-123', MAILUP_ACCOUNT.clientSecret]);
	});

	it('a wrong client secret says so', async () => {
		const run = await mailUp(consoleLink, { credentials: credentials({ clientSecret: 'not-the-secret-000' }) });
		expect(run.error?.message).toBe('MailUp rejected the client ID or client secret');
		expect(run.error?.description).toContain('invalid_client');
		expectNoSecrets(run, ['not-the-secret-000', MAILUP_ACCOUNT.password]);
	});
});

describe('console createSsoLink', () => {
	it('mints a console link with its lifetime', async () => {
		const before = Date.now();
		const run = await mailUp(consoleLink);
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({ provider: 'mailup', target: 'console', resourceId: null, expiresInSeconds: 600, singleUse: null });
		const expiresAt = Date.parse(link.expiresAt as string);
		expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1000);
		expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000 + 1000);
		expect(await openLink(link.url)).toBe(200);
		expectNoSecrets(run, secretsOf(run));
	});

	it('says exactly that MailUp has not enabled SSO, and what to do', async () => {
		sandbox.mailup.ssoEnabled = false;
		const run = await mailUp(consoleLink);
		expect(run.error?.message).toBe('MailUp has not enabled single sign-on (console login links) for this client ID');
		expect(run.error?.httpCode).toBe('403');
		expect(run.error?.description).toContain('Ask MailUp support to enable');
		expect(run.error?.description).toContain('permission issue');
		expect(run.error?.description).toContain('MailUp error code: sso_not_enabled');
	});

	it("paces at MailUp's documented 5 calls per second from the first call: no 429 at all", async () => {
		sandbox.mailup.rateLimitPerSecond = 5;
		const started = Date.now();
		const run = await mailUp(consoleLink, { items: Array.from({ length: 12 }, () => ({})) });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(12);
		run.items.forEach((item) => expectSsoLink(item));
		expect(sandbox.mailup.rateLimited).toBe(0);
		// Three windows of five: the last two calls go out after two seconds.
		expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
	});

	it('still retries a 429 if the limit is lower than documented (MailUp sends no Retry-After)', async () => {
		sandbox.mailup.rateLimitPerSecond = 3;
		const run = await mailUp(consoleLink, { items: Array.from({ length: 8 }, () => ({})) });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(8);
		expect(sandbox.mailup.rateLimited).toBeGreaterThan(0);
	});

	it('continue on fail gives one paired error item per failed input', async () => {
		sandbox.mailup.ssoEnabled = false;
		const run = await mailUp(consoleLink, { items: [{}, {}], continueOnFail: true });
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(run.items[0].json).toEqual({
			error: 'MailUp has not enabled single sign-on (console login links) for this client ID',
			code: 'sso_not_enabled',
			httpCode: 403,
			provider: 'mailup',
		});
		expectNoSecrets(run, secretsOf(run));
	});
});

describe('account get', () => {
	it('returns the account info', async () => {
		const run = await mailUp({ resource: 'account', operation: 'get' });
		expect(run.items[0].json).toMatchObject({ Username: MAILUP_ACCOUNT.username, AccountName: expect.any(String) });
		expectNoSecrets(run, secretsOf(run));
	});
});

describe('a minted link is never thrown away, whatever else the answer holds', () => {
	it('without ExpiresIn the lifetime is unknown, not an error', async () => {
		sandbox.fault({ provider: 'mailup', method: 'POST', path: '/Console/Sso', fault: { kind: 'reshape', omit: ['ExpiresIn', 'Link.rel'], set: { Session: { Id: 9 } } } });
		const run = await mailUp(consoleLink);
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({ provider: 'mailup', expiresAt: null, expiresInSeconds: null, singleUse: null });
		expect(await openLink(link.url)).toBe(200);
	});

	it('an ExpiresIn that is not a number of seconds is unknown too', async () => {
		sandbox.fault({ provider: 'mailup', method: 'POST', path: '/Console/Sso', fault: { kind: 'reshape', set: { ExpiresIn: 'PT10M' } } });
		const run = await mailUp(consoleLink);
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ expiresAt: null, expiresInSeconds: null });
	});
});

describe('list getMany', () => {
	function growLists(total: number) {
		const template = sandbox.mailup.lists[0];
		for (let index = sandbox.mailup.lists.length; index < total; index++) {
			sandbox.mailup.lists.push({ ...template, idList: index + 1, Name: `List ${index + 1}` });
		}
	}

	it('returns every list over several pages, each with a string id', async () => {
		growLists(250);
		const run = await mailUp({ resource: 'list', operation: 'getMany', returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(250);
		expect(new Set(run.items.map((item) => item.json.id)).size).toBe(250);
		expect(run.items[0].json.id).toBe('1');
		const pages = sandbox.requestsTo('mailup').filter((entry) => entry.path.endsWith('/Lists'));
		expect(pages.map((entry) => [entry.query.PageNumber, entry.query.PageSize])).toEqual([
			['0', '100'],
			['1', '100'],
			['2', '100'],
		]);
	});

	it('keeps one page size so page numbers line up, and cuts at the limit', async () => {
		growLists(250);
		const run = await mailUp({ resource: 'list', operation: 'getMany', limit: 150 });
		expect(run.items.map((item) => item.json.id)).toEqual(Array.from({ length: 150 }, (_, index) => String(index + 1)));
	});

	it('defaults to 50', async () => {
		const run = await mailUp({ resource: 'list', operation: 'getMany' });
		expect(run.items).toHaveLength(45);
		const limited = await mailUp({ resource: 'list', operation: 'getMany', limit: 10 });
		expect(limited.items).toHaveLength(10);
	});

	it('follows TotalElementsCount when MailUp serves smaller pages than asked for', async () => {
		growLists(250);
		sandbox.mailup.paging = { pageSizeCap: 30 };
		const run = await runNodeWithin({ type: 'mailUp', parameters: { resource: 'list', operation: 'getMany', returnAll: true }, credentials: credentials() }, 5000);
		expect(run.error).toBeUndefined();
		// Every list once, in order: page numbers follow the page size MailUp really used.
		expect(run.items.map((item) => item.json.id)).toEqual(Array.from({ length: 250 }, (_, index) => String(index + 1)));
		const pages = sandbox.requestsTo('mailup').filter((entry) => entry.path.endsWith('/Lists'));
		expect(pages.slice(0, 3).map((entry) => [entry.query.PageNumber, entry.query.PageSize])).toEqual([
			['0', '100'],
			['1', '30'],
			['2', '30'],
		]);
	});

	it('a limit is reached across capped pages', async () => {
		growLists(250);
		sandbox.mailup.paging = { pageSizeCap: 30 };
		const run = await mailUp({ resource: 'list', operation: 'getMany', limit: 70 });
		expect(run.items.map((item) => item.json.id)).toEqual(Array.from({ length: 70 }, (_, index) => String(index + 1)));
	});

	it('a server that ignores PageNumber is an error, not duplicated lists', async () => {
		growLists(250);
		sandbox.mailup.paging = { ignoreOffset: true };
		const run = await runNodeWithin({ type: 'mailUp', parameters: { resource: 'list', operation: 'getMany', returnAll: true }, credentials: credentials() }, 5000);
		expect(run.overran).toBe(false);
		expect(run.items).toHaveLength(0);
		expect(run.error?.message).toBe('MailUp answered the page at PageNumber 1 with lists it had already listed: it ignores PageNumber');
	});
});
