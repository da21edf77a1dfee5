/**
 * The DirectAdmin node, run inside real n8n executions against the sandbox's
 * DirectAdmin (README, "DirectAdmin").
 */
import type { INodeParameters } from 'n8n-workflow';

import { byId, expectNoSecrets, expectSsoLink, fromList, openLink } from '../helpers/assertions';
import { credentialTest, listSearch, runNode } from '../helpers/n8n';
import type { RunNodeOptions } from '../helpers/n8n';
import {
	DA_ADMIN,
	DA_DEFAULT_EXPIRY_MS,
	DA_KEYLESS_USER,
	DA_OTHER_RESELLER,
	DA_RESELLER,
	DA_SUSPENDED_USER,
	DA_USER,
	directAdminUsersOf,
} from '../sandbox/directAdmin';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const SECRETS = [DA_ADMIN.password, DA_ADMIN.loginKey, DA_RESELLER.password, DA_RESELLER.loginKey, DA_OTHER_RESELLER.password, DA_USER.password];

/** DirectAdmin over the sandbox's self-signed HTTPS, as most servers run it. */
function credentials(overrides: Record<string, unknown> = {}) {
	return {
		directAdminApi: {
			baseUrl: sandbox.baseUrl('directadmin', { https: true }),
			username: DA_ADMIN.username,
			password: DA_ADMIN.password,
			allowUnauthorizedCerts: true,
			...overrides,
		},
	};
}
const reseller = (login = DA_RESELLER) => credentials({ username: login.username, password: login.password });

function directAdmin(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'directAdmin', parameters, credentials: credentials(), ...extra });
}

const link = (username = 'bob', options: INodeParameters = {}) => ({ resource: 'user', operation: 'createSsoLink', username: byId(username), options });
const getMany = (more: Record<string, unknown> = {}) => ({ resource: 'user', operation: 'getMany', ...more });
const mints = () => sandbox.directAdmin.calls.filter((call) => call.method === 'POST' && call.path === '/api/login-keys/urls');

describe('credential test, as n8n runs it', () => {
	const test = (overrides: Record<string, unknown> = {}) => credentialTest('directAdminApi', credentials(overrides).directAdminApi);

	it('passes an administrator, a reseller and a Login Key over a self-signed certificate, saying how many users each sees', async () => {
		expect(await test()).toEqual({ status: 'OK', message: `DirectAdmin accepted admin (administrator); it lists ${directAdminUsersOf('admin').length} users` });
		expect(await test({ username: DA_RESELLER.username, password: DA_RESELLER.loginKey })).toEqual({
			status: 'OK',
			message: `DirectAdmin accepted ${DA_RESELLER.username} (reseller); it lists ${directAdminUsersOf(DA_RESELLER.username).length} users`,
		});
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
		expect(sandbox.directAdmin.secretInRequest).toBe(0);
	});

	it('tells a wrong password, a wrong port, a certificate problem and a user account apart', async () => {
		const wrong = await test({ password: 'NotThePassword123' });
		expect(wrong).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^DirectAdmin refused the user name and password or Login Key \(UNAUTHORIZED\) for user admin\. Check the Username and Password/),
		});
		const port = await test({ baseUrl: sandbox.baseUrl('directadmin-web', { https: true }) });
		expect(port.message).toMatch(/^The server answered HTTP 200 with something other than DirectAdmin's API \(text\/html\)\. Check the Base URL in the credential: DirectAdmin's own address and port/);
		expect(await test({ allowUnauthorizedCerts: false })).toEqual({
			status: 'Error',
			message: `Could not reach DirectAdmin at ${sandbox.httpsOrigin}: its TLS certificate is self-signed. Turn on "Ignore SSL Issues" for a server with a self-signed certificate.`,
		});
		expect((await test({ username: DA_USER.username, password: DA_USER.password })).message).toMatch(/it is a user account: only an administrator or a reseller/);
		expect((await test({ username: 'admin|bob' })).message).toMatch(/without "\|", ":" or spaces/);
		for (const verdict of [wrong, port]) expect(verdict.message).not.toContain(DA_ADMIN.password);
	});
});

describe('user createSsoLink', () => {
	it('mints a one-time link through login-as, valid 10 minutes by default', async () => {
		const before = Date.now();
		const run = await directAdmin(link('bob'));
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		expect(minted).toMatchObject({ provider: 'directadmin', target: 'controlPanel', resourceId: 'bob', singleUse: true });
		const lifetime = Date.parse(minted.expiresAt as string) - before;
		expect(lifetime).toBeGreaterThan(9 * 60_000);
		expect(lifetime).toBeLessThanOrEqual(10 * 60_000);
		const [stored] = sandbox.directAdmin.loginUrls;
		expect(stored).toMatchObject({ user: 'bob', createdBy: 'admin', allowNetworks: [] });
		// Sent, not left to DirectAdmin's default of days; in whole seconds.
		expect(stored.askedExpires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		expect(minted.expiresAt).toBe(new Date(stored.askedExpires as string).toISOString());
		expect(DA_DEFAULT_EXPIRY_MS).toBeGreaterThan(lifetime * 100);
		expect(mints()).toEqual([{ method: 'POST', path: '/api/login-keys/urls', caller: 'admin', effective: 'bob' }]);
		expect(await openLink(minted.url)).toBe(303);
		expect(await openLink(minted.url)).toBe(403);
		expect(sandbox.directAdmin.secretInRequest).toBe(0);
	});

	it('asks for the lifetime set, never longer, with the networks and page given', async () => {
		const before = Date.now();
		const run = await directAdmin(link('alice', { expiresInMinutes: 90, allowNetworks: ' 127.0.0.1 , 2001:db8::/32', redirectUrl: '/evo/user/email/accounts' }));
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		const lifetime = Date.parse(minted.expiresAt as string) - before;
		expect(lifetime).toBeGreaterThan(89 * 60_000);
		expect(lifetime).toBeLessThanOrEqual(90 * 60_000);
		expect(sandbox.directAdmin.loginUrls[0]).toMatchObject({ allowNetworks: ['127.0.0.1', '2001:db8::/32'], redirectURL: '/evo/user/email/accounts' });
		expect(await openLink(minted.url)).toBe(303);
	});

	it('a link for other networks does not open from here', async () => {
		const run = await directAdmin(link('alice', { allowNetworks: '192.0.2.0/24' }));
		expect(await openLink(expectSsoLink(run.items[0]).url)).toBe(403);
	});

	it("acts for a reseller on the reseller's own users", async () => {
		const run = await directAdmin(link('lakeside'), { credentials: reseller() });
		expect(run.error).toBeUndefined();
		expect(sandbox.directAdmin.loginUrls[0]).toMatchObject({ user: 'lakeside', createdBy: DA_RESELLER.username });
	});

	it('revokes a link DirectAdmin made longer than asked, and passes nothing on', async () => {
		sandbox.directAdmin.quirks.ignoreExpires = true;
		const run = await directAdmin(link('bob'));
		expect(run.error?.message).toMatch(/^DirectAdmin made the link for bob work until \S+, longer than the 10 minutes asked/);
		expect(run.error?.description).toContain('lifetime_not_honoured');
		expect(run.error?.description).toContain('The link was revoked');
		expect(sandbox.directAdmin.loginUrls[0].revoked).toBe(true);
		expect(JSON.stringify(run.items)).not.toContain('login/url');
		expect(JSON.stringify({ message: run.error?.message, description: run.error?.description })).not.toContain(sandbox.directAdmin.loginUrls[0].key);
	});

	it('is not repeated after a 5xx or a reset, only after a 429', async () => {
		sandbox.fault({ provider: 'directadmin', method: 'POST', times: 1, fault: { kind: 'status', status: 503 } });
		const failed = await directAdmin(link('bob'));
		expect(failed.error?.httpCode).toBe('503');
		expect(sandbox.requestsTo('directadmin').filter((entry) => entry.method === 'POST')).toHaveLength(1);
		sandbox.reset();
		sandbox.fault({ provider: 'directadmin', method: 'POST', times: 1, fault: { kind: 'rateLimit', retryAfter: '1' } });
		const retried = await directAdmin(link('bob'));
		expect(retried.error).toBeUndefined();
		expect(sandbox.requestsTo('directadmin').filter((entry) => entry.method === 'POST').map((entry) => entry.status)).toEqual([429, 200]);
	});
});

describe("DirectAdmin's refusals, in its words", () => {
	it('a wrong password or Login Key', async () => {
		const run = await directAdmin(link('bob'), { credentials: credentials({ password: 'NotThePassword123' }) });
		expect(run.error?.message).toBe('DirectAdmin refused the user name and password or Login Key (UNAUTHORIZED)');
		expect(run.error?.httpCode).toBe('401');
		expect(run.error?.description).toContain('unauthorized');
		expect(run.error?.description).toContain('Check the Username and Password');
		expectNoSecrets(run, [...SECRETS, 'NotThePassword123']);
	});

	it.each([
		["another reseller's user", 'sunbakery', () => reseller(), `sunbakery is not among the users ${DA_RESELLER.username} may log in as`],
		['a user that does not exist', 'nosuchuser', credentials, 'nosuchuser is not among the users admin may log in as'],
	])('cannot log in as %s', async (_label, user, creds, hint) => {
		const run = await directAdmin(link(user), { credentials: creds() });
		expect(run.error?.message).toMatch(new RegExp(`^DirectAdmin did not let \\S+ log in as ${user} \\(UNAUTHORIZED\\)$`));
		expect(run.error?.httpCode).toBe('401');
		expect(run.error?.description).toContain(hint);
		expect(run.error?.description).toContain('cannot_login_as');
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
		expectNoSecrets(run, SECRETS);
	});

	it('login keys not allowed for that user', async () => {
		const run = await directAdmin(link(DA_KEYLESS_USER));
		expect(run.error?.message).toBe(`DirectAdmin denied ${DA_KEYLESS_USER} a login link (ACCESS_DENIED)`);
		expect(run.error?.httpCode).toBe('403');
		expect(run.error?.description).toContain(`Login Keys are not allowed for ${DA_KEYLESS_USER}`);
		expect(run.error?.description).toContain('login_keys_not_allowed');
	});

	it('a suspended user', async () => {
		const run = await directAdmin(link(DA_SUSPENDED_USER));
		expect(run.error?.message).toBe('DirectAdmin says the account is disabled (LOGIN_ACCOUNT_DISABLED)');
		expect(run.error?.description).toContain('login_account_disabled');
	});

	it('a user account cannot list users or log in as others', async () => {
		const run = await directAdmin(getMany({ returnAll: true }), { credentials: credentials({ username: DA_USER.username, password: DA_USER.password }) });
		expect(run.error?.message).toBe('DirectAdmin says alice is a user account: only an administrator or a reseller can list users and log in as them');
		expect(run.error?.description).toContain('not_reseller');
		expect(sandbox.directAdmin.calls.map((call) => call.path)).toEqual(['/api/session']);
	});

	it("a legacy error=1 with HTTP 200 is an error in DirectAdmin's words, with its details", async () => {
		// A Login Key whose allowed commands leave the listing out.
		sandbox.directAdmin.quirks.keyDenies = ['CMD_API_SHOW_ALL_USERS'];
		const run = await directAdmin(getMany({ returnAll: true }));
		expect(run.error?.message).toBe('You do not have access to this command');
		expect(run.error?.httpCode).toBe('200');
		expect(run.error?.description).toContain('CMD_API_SHOW_ALL_USERS is not allowed for this Login Key');
		expect(run.error?.description).toContain('command_not_allowed');
		expectNoSecrets(run, SECRETS);
	});

	it("a bad request carries DirectAdmin's message", async () => {
		sandbox.fault({ provider: 'directadmin', method: 'POST', fault: { kind: 'status', status: 400, code: 'bad_request', message: 'expires: must be in the future' } });
		const run = await directAdmin(link('bob'));
		expect(run.error?.message).toBe('DirectAdmin refused the request (BAD_REQUEST): expires: must be in the future');
	});

	it('the wrong port', async () => {
		const run = await directAdmin(getMany({ returnAll: true }), { credentials: credentials({ baseUrl: sandbox.baseUrl('directadmin-web', { https: true }) }) });
		expect(run.error?.message).toBe("The server answered HTTP 200 with something other than DirectAdmin's API (text/html)");
		expect(run.error?.description).toContain('not_directadmin');
	});

	it('continue on fail: one paired item each, the others still minted', async () => {
		const run = await directAdmin(
			{ ...link(), username: byId('={{ $json.user }}') },
			{ continueOnFail: true, items: [{ user: 'bob' }, { user: DA_KEYLESS_USER }, { user: 'admin|bob' }, { user: 'carol' }] },
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toMatchObject({ code: 'login_keys_not_allowed', httpCode: 403, provider: 'directadmin' });
		expect(run.items[2].json).toMatchObject({ code: 'invalid_parameter', provider: 'directadmin' });
		expectSsoLink(run.items[3]);
		expect(mints()).toHaveLength(3);
		expectNoSecrets({ ...run, items: [run.items[1], run.items[2]] }, SECRETS);
	});
});

describe('bad input is rejected before any request', () => {
	it.each([
		['a user name with a login-as bar', link('admin|bob'), 'Invalid "User"'],
		['a user name with a colon', link('bob:secret'), 'Invalid "User"'],
		['a user name with a space', link('bob smith'), 'Invalid "User"'],
		['a user name with capitals', link('Bob'), 'Invalid "User"'],
		['a link as the user name', link('https://server.example.com:2222/api/login/url?key=ABC'), 'Invalid "User": a value that looks like a link'],
		['a network that is not one', link('bob', { allowNetworks: '10.0.0.0/33' }), 'Invalid "Allowed Networks": "10.0.0.0/33" is not an IPv4 or IPv6 address'],
		['a host name as a network', link('bob', { allowNetworks: '127.0.0.1, office.example.com' }), 'Invalid "Allowed Networks": "office.example.com"'],
		['an address with leading zeros', link('bob', { allowNetworks: '010.0.0.1' }), 'Invalid "Allowed Networks"'],
		['an IPv6 zone', link('bob', { allowNetworks: 'fe80::1%eth0' }), 'Invalid "Allowed Networks"'],
		['a lifetime of no minutes', link('bob', { expiresInMinutes: 0 }), 'Invalid "Expires In (Minutes)"'],
		['a lifetime beyond a week', link('bob', { expiresInMinutes: 10081 }), 'Invalid "Expires In (Minutes)"'],
		['a fractional lifetime', link('bob', { expiresInMinutes: 2.5 }), 'Invalid "Expires In (Minutes)"'],
		['a page elsewhere', link('bob', { redirectUrl: 'https://evil.example/' }), 'Invalid "Page After Log-In"'],
		['a protocol-relative page', link('bob', { redirectUrl: '//evil.example/' }), 'Invalid "Page After Log-In"'],
	])('%s', async (_label, parameters, message) => {
		const run = await directAdmin(parameters);
		expect(run.error?.message).toContain(message);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('user getMany', () => {
	it('lists every user for an administrator, and only its own for a reseller', async () => {
		const all = await directAdmin(getMany({ returnAll: true }));
		expect(all.error).toBeUndefined();
		expect(all.items.map((item) => item.json)).toEqual(directAdminUsersOf('admin').map((name) => ({ id: name, username: name })));
		expect(sandbox.directAdmin.calls.map((call) => call.path)).toEqual(['/api/session', '/CMD_API_SHOW_ALL_USERS']);
		sandbox.reset();
		const own = await directAdmin(getMany({ returnAll: true }), { credentials: reseller() });
		expect(own.items.map((item) => item.json.id)).toEqual(directAdminUsersOf(DA_RESELLER.username));
		expect(sandbox.directAdmin.calls.map((call) => call.path)).toEqual(['/api/session', '/CMD_API_SHOW_USERS']);
	});

	it('takes the first Limit users; asks who the credential is once per run', async () => {
		const run = await directAdmin(getMany({ returnAll: false, limit: 3 }), { items: [{}, {}] });
		expect(run.items.map((item) => item.json.id)).toEqual([...directAdminUsersOf('admin').slice(0, 3), ...directAdminUsersOf('admin').slice(0, 3)]);
		expect(sandbox.directAdmin.calls.filter((call) => call.path === '/api/session')).toHaveLength(1);
	});

	it('retries the listing after a connection reset (a read)', async () => {
		sandbox.fault({ provider: 'directadmin', path: 'CMD_API', times: 1, fault: { kind: 'reset' } });
		const run = await directAdmin(getMany({ returnAll: false, limit: 2 }), { credentials: reseller() });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(2);
	});
});

describe('resource picker', () => {
	const pick = (filter?: string, creds = credentials()) =>
		listSearch({ type: 'directAdmin', method: 'searchDirectAdminUsers', parameters: link(), credentials: creds, filter });

	it('finds the users the credential may see', async () => {
		expect((await pick('bob')).results.map((entry) => entry.value)).toEqual(['bob', 'bobby']);
		expect((await pick('BOB')).results.map((entry) => entry.value)).toEqual(['bob', 'bobby']);
		expect((await pick(undefined, reseller())).results.map((entry) => entry.value)).toEqual(directAdminUsersOf(DA_RESELLER.username));
	});

	it('a wrong password shows in the picker in DirectAdmin’s words', async () => {
		await expect(pick('bob', credentials({ password: 'NotThePassword123' }))).rejects.toThrow('DirectAdmin refused the user name and password or Login Key (UNAUTHORIZED)');
	});
});

describe('SSO Link node, provider directAdmin', () => {
	it('mints the same link output', async () => {
		const before = Date.now();
		const run = await runNode({ type: 'ssoLink', parameters: { provider: 'directAdmin', username: fromList('alice'), options: { expiresInMinutes: 5 } }, credentials: credentials() });
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		expect(minted).toMatchObject({ provider: 'directadmin', target: 'controlPanel', resourceId: 'alice', singleUse: true });
		const lifetime = Date.parse(minted.expiresAt as string) - before;
		expect(lifetime).toBeGreaterThan(4 * 60_000);
		expect(lifetime).toBeLessThanOrEqual(5 * 60_000);
		expect(sandbox.directAdmin.loginUrls[0]).toMatchObject({ user: 'alice' });
	});
});
