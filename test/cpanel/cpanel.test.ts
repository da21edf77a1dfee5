/**
 * The cPanel & WHM node, run inside real n8n executions against the
 * sandbox's WHM (README, "cPanel & WHM").
 */
import { byId, expectNoSecrets, expectSsoLink, fromList, openLink } from '../helpers/assertions';
import { credentialTest, listSearch, runNode } from '../helpers/n8n';
import type { RunNodeOptions } from '../helpers/n8n';
import { CPANEL_ACCOUNTS, CPANEL_SUSPENDED_USER, WHM_OTHER_RESELLER, WHM_RESELLER, WHM_TOKEN, cpanelAccountsOf } from '../sandbox/cpanel';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const SECRETS = [WHM_TOKEN, WHM_RESELLER.token];

/** WHM over the sandbox's self-signed HTTPS, as most servers run it. */
function credentials(overrides: Record<string, unknown> = {}) {
	return { cpanelApi: { baseUrl: sandbox.baseUrl('cpanel', { https: true }), username: 'root', apiToken: WHM_TOKEN, allowUnauthorizedCerts: true, ...overrides } };
}
const reseller = () => credentials({ username: WHM_RESELLER.username, apiToken: WHM_RESELLER.token });

function cpanel(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'cpanel', parameters, credentials: credentials(), ...extra });
}

const link = (username = 'bob', more: Record<string, unknown> = {}) => ({ resource: 'account', operation: 'createSsoLink', username: byId(username), ...more });

describe('credential test, as n8n runs it', () => {
	const test = (overrides: Record<string, unknown> = {}) => credentialTest('cpanelApi', credentials(overrides).cpanelApi);

	it('passes a working token over a self-signed certificate, saying how many accounts it sees', async () => {
		expect(await test()).toEqual({ status: 'OK', message: `WHM accepted the token of root; it lists ${CPANEL_ACCOUNTS.length} accounts` });
		expect(await test({ username: WHM_RESELLER.username, apiToken: WHM_RESELLER.token })).toEqual({
			status: 'OK',
			message: `WHM accepted the token of ${WHM_RESELLER.username}; it lists ${cpanelAccountsOf(WHM_RESELLER.username).length} accounts`,
		});
		expect(sandbox.cpanel.sessions).toEqual([]);
		expect(sandbox.cpanel.tokenInQuery).toBe(0);
	});

	it('tells a wrong token, a wrong port and a certificate problem apart', async () => {
		expect(await test({ apiToken: 'WRONGTOKEN0123456789ABCDEFGHIJ' })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^WHM refused the API token \(Access denied\) for user root\. Check the Username and API Token/),
		});
		// Another user's token.
		expect((await test({ apiToken: WHM_OTHER_RESELLER.token })).message).toMatch(/^WHM refused the API token/);
		// A port that answers a login page, as cPanel's 2083 does.
		sandbox.fault({ provider: 'cpanel', fault: { kind: 'html', status: 200 } });
		expect((await test()).message).toMatch(/^WHM refused to list accounts: WHM answered HTTP 200 with something other than its API's JSON\. Check the Base URL in the credential: WHM's address with its port/);
		expect(await test({ allowUnauthorizedCerts: false })).toEqual({
			status: 'Error',
			message: 'Could not reach cPanel & WHM at ' + sandbox.baseUrl('cpanel', { https: true }).replace(/\/cpanel$/, '') + ': its TLS certificate is self-signed. Turn on "Ignore SSL Issues" for a server with a self-signed certificate.',
		});
	});
});

describe('account createSsoLink', () => {
	it.each([
		['cpaneld', 'controlPanel'],
		['webmaild', 'webmail'],
	])('mints a %s link that expires when WHM says (target %s)', async (service, target) => {
		const before = Date.now();
		const run = await cpanel(link('bob', { service }));
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		expect(minted).toMatchObject({ provider: 'cpanel', target, resourceId: 'bob', singleUse: null });
		const lifetime = Date.parse(minted.expiresAt as string) - before;
		expect(lifetime).toBeGreaterThan(290_000);
		expect(lifetime).toBeLessThanOrEqual(301_000);
		expect(sandbox.cpanel.sessions).toMatchObject([{ user: 'bob', service, whmUser: 'root' }]);
		expect(sandbox.cpanel.calls[0].query).toMatchObject({ 'api.version': '1', user: 'bob', service });
		expect(sandbox.cpanel.tokenInQuery).toBe(0);
		expect(await openLink(minted.url)).toBe(200);
	});

	it('opens WHM for a reseller, and a cPanel page in a language', async () => {
		const whm = await cpanel(link(WHM_RESELLER.username, { service: 'whostmgrd' }));
		expect(expectSsoLink(whm.items[0])).toMatchObject({ target: 'whm', resourceId: WHM_RESELLER.username });
		await cpanel(link('bob', { options: { app: 'Email_Accounts', locale: 'sv' } }));
		expect(sandbox.cpanel.sessions[1]).toMatchObject({ user: 'bob', service: 'cpaneld', app: 'Email_Accounts', locale: 'sv' });
	});

	it("acts for a reseller's token on the reseller's own accounts", async () => {
		const own = cpanelAccountsOf(WHM_RESELLER.username).find((account) => account.user !== WHM_RESELLER.username);
		const run = await cpanel(link(own?.user), { credentials: reseller() });
		expect(run.error).toBeUndefined();
		expect(sandbox.cpanel.sessions[0]).toMatchObject({ user: own?.user, whmUser: WHM_RESELLER.username });
	});
});

describe("WHM's reasons, though it answers HTTP 200", () => {
	it.each([
		['an account that does not exist', () => link('nosuchuser'), credentials, 'user_not_found', 'You cannot create a session for the user “nosuchuser” because they do not exist.'],
		['a suspended account', () => link(CPANEL_SUSPENDED_USER), credentials, 'user_suspended', `You cannot create a session for the user “${CPANEL_SUSPENDED_USER}” because they are currently suspended.`],
		['WHM for an account that is not a reseller', () => link('bob', { service: 'whostmgrd' }), credentials, 'not_reseller', 'You cannot create a session for the user “bob” because they are not a reseller.'],
		["a reseller's token on another's account", () => link('bob'), reseller, 'no_permission', 'You do not have permission to create sessions for the user “bob”.'],
	])('%s', async (_label, parameters, creds, code, message) => {
		const run = await cpanel(parameters(), { credentials: creds() });
		expect(run.error?.message).toBe(message);
		expect(run.error?.httpCode).toBe('200');
		expect(run.error?.description).toContain(code);
		expectNoSecrets(run, SECRETS);
	});

	it('a wrong token (403 in the older shape)', async () => {
		const run = await cpanel(link(), { credentials: credentials({ apiToken: 'WRONGTOKEN0123456789ABCDEFGHIJ' }) });
		expect(run.error?.message).toBe('WHM refused the API token (Access denied)');
		expect(run.error?.description).toContain('access_denied');
		expectNoSecrets(run, [...SECRETS, 'WRONGTOKEN0123456789ABCDEFGHIJ']);
	});

	it('continue on fail: one paired item each', async () => {
		const run = await cpanel({ ...link(), username: byId('={{ $json.user }}') }, { continueOnFail: true, items: [{ user: 'bob' }, { user: CPANEL_SUSPENDED_USER }, { user: 'Not A User' }] });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toMatchObject({ code: 'user_suspended', httpCode: 200, provider: 'cpanel' });
		expect(String(run.items[2].json.error)).toMatch(/^Invalid "Account"/);
		expect(sandbox.cpanel.calls).toHaveLength(2);
	});
});

describe('bad input is rejected before any request', () => {
	it.each([
		['a user name with capitals and spaces', link('Bob Smith'), 'Invalid "Account"'],
		['a link as the user name', link('https://server.example.com:2083/cpsess123/login'), 'Invalid "Account": a value that looks like a link'],
		['a service that does not exist', link('bob', { service: '={{ "ftpd" }}' }), 'Invalid "Service": "ftpd" is not one of cpaneld, webmaild, whostmgrd'],
		['an app with a second parameter in it', link('bob', { options: { app: 'Email_Accounts&user=root' } }), 'Invalid "App"'],
		['an app for Webmail', link('bob', { service: 'webmaild', options: { app: 'Email_Accounts' } }), 'Invalid "App": it opens a cPanel page'],
		['a locale that is not a code', link('bob', { options: { locale: 'en us' } }), 'Invalid "Locale"'],
	])('%s', async (_label, parameters, message) => {
		const run = await cpanel(parameters);
		expect(run.error?.message).toContain(message);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('account getMany', () => {
	const getMany = (more: Record<string, unknown> = {}, extra: Partial<RunNodeOptions> = {}) =>
		cpanel({ resource: 'account', operation: 'getMany', ...more }, extra);

	it("returns every account in WHM's chunks, each with its user name as id", async () => {
		sandbox.cpanel.paging = { pageSizeCap: 15 };
		const run = await getMany({ returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.id)).toEqual(CPANEL_ACCOUNTS.map((account) => account.user));
		expect(run.items[0].json).toMatchObject({ id: CPANEL_ACCOUNTS[0].user, user: CPANEL_ACCOUNTS[0].user, domain: CPANEL_ACCOUNTS[0].domain });
		expect(sandbox.cpanel.calls.map((call) => call.query['api.chunk.start'])).toEqual(['1', '16', '31']);
	});

	it('asks for no more than the Limit needs', async () => {
		const run = await getMany({ returnAll: false, limit: 5 });
		expect(run.items).toHaveLength(5);
		expect(sandbox.cpanel.calls).toHaveLength(1);
		expect(sandbox.cpanel.calls[0].query).toMatchObject({ 'api.version': '1', 'api.chunk.enable': '1', 'api.chunk.size': '5', 'api.chunk.start': '1' });
	});

	it("searches by the field chosen; a reseller's token lists its own accounts", async () => {
		const byOwner = await getMany({ returnAll: true, filters: { search: `^${WHM_RESELLER.username}$`, searchType: 'owner' } });
		const owned = CPANEL_ACCOUNTS.filter((account) => account.owner === WHM_RESELLER.username).map((account) => account.user);
		expect(byOwner.items.map((item) => item.json.id)).toEqual(owned);
		const mine = await getMany({ returnAll: true }, { credentials: reseller() });
		expect(mine.items.map((item) => item.json.id).sort()).toEqual(cpanelAccountsOf(WHM_RESELLER.username).map((account) => account.user).sort());
	});

	it("an invalid regular expression is WHM's reason", async () => {
		const run = await getMany({ returnAll: true, filters: { search: '(', searchType: 'user' } });
		expect(run.error?.httpCode).toBe('200');
		expect(run.error?.description).toContain('whm_error');
	});

	it('retries the listing after a connection reset (a read)', async () => {
		sandbox.fault({ provider: 'cpanel', times: 1, fault: { kind: 'reset' } });
		const run = await getMany({ returnAll: false, limit: 3 });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(3);
	});
});

describe('resource picker', () => {
	const pick = (filter?: string, creds = credentials()) =>
		listSearch({ type: 'cpanel', method: 'searchCpanelAccounts', parameters: link(), credentials: creds, filter });

	it('finds accounts by user name, or by domain (a literal, not a pattern)', async () => {
		const bob = await pick('bob');
		expect(bob.results.map((entry) => entry.value)).toEqual(['bob', 'bobby']);
		expect(bob.results[0].name).toMatch(/^bob — \S+/);
		const domain = CPANEL_ACCOUNTS.find((account) => account.user === 'alice')?.domain as string;
		const byDomain = await pick(domain);
		expect(byDomain.results.map((entry) => entry.value)).toEqual(['alice']);
		expect(sandbox.cpanel.calls.at(-1)?.query).toMatchObject({ searchtype: 'domain', search: domain.replace(/\./g, '\\.') });
	});

	it('marks a suspended account', async () => {
		const found = await pick(CPANEL_SUSPENDED_USER);
		expect(found.results[0].name).toContain('suspended');
	});
});

describe('SSO Link node, provider cpanel', () => {
	it('mints a Webmail link with the target it opens', async () => {
		const run = await runNode({ type: 'ssoLink', parameters: { provider: 'cpanel', username: fromList('alice'), service: 'webmaild' }, credentials: credentials() });
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ provider: 'cpanel', target: 'webmail', resourceId: 'alice' });
	});
});
