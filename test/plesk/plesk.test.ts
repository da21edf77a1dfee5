/**
 * The Plesk node, run inside real n8n executions against the sandbox's Plesk
 * XML API (README, "Plesk").
 */
import { request } from 'undici';
import { Agent } from 'undici';

import { byId, expectNoSecrets, expectSsoLink, fromList } from '../helpers/assertions';
import { credentialTest, listSearch, runNode } from '../helpers/n8n';
import type { NodeRun, RunNodeOptions } from '../helpers/n8n';
import { PLESK_ADMIN, PLESK_CUSTOMER, PLESK_CUSTOMERS, PLESK_KEYS, PLESK_OTHER_RESELLER, PLESK_RESELLER, pleskCustomersOf } from '../sandbox/plesk';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const SECRETS = [PLESK_ADMIN.password, PLESK_RESELLER.password, PLESK_OTHER_RESELLER.password, PLESK_CUSTOMER.password, PLESK_KEYS.local, PLESK_KEYS.otherIp];

/** Plesk over the sandbox's self-signed HTTPS, as most servers run it on 8443. */
function credentials(overrides: Record<string, unknown> = {}) {
	return {
		pleskApi: {
			baseUrl: sandbox.baseUrl('plesk', { https: true }),
			authentication: 'password',
			login: PLESK_ADMIN.login,
			password: PLESK_ADMIN.password,
			secretKey: '',
			allowUnauthorizedCerts: true,
			...overrides,
		},
	};
}
const asUser = (user: { login: string; password: string }) => credentials({ login: user.login, password: user.password });
const byKey = (key: string) => credentials({ authentication: 'secretKey', secretKey: key, login: '', password: '' });

function plesk(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'plesk', parameters, credentials: credentials(), ...extra });
}

const link = (login = 'acme', userIp = '127.0.0.1', more: Record<string, unknown> = {}) => ({
	resource: 'customer',
	operation: 'createSsoLink',
	login: byId(login),
	userIp,
	...more,
});

const sandboxAgent = new Agent({ connect: { rejectUnauthorized: false } });

/** Opens a link as a browser at `from` would (the sandbox reads X-Forwarded-For as the opener's address). */
async function open(url: string, from?: string): Promise<{ status: number; location?: string }> {
	if (!url.startsWith('https://127.0.0.1:')) throw new Error('tests only open links into the sandbox');
	const response = await request(url, { dispatcher: sandboxAgent, headers: from ? { 'x-forwarded-for': from } : {} });
	await response.body.text();
	const location = response.headers.location;
	return { status: response.statusCode, ...(typeof location === 'string' ? { location } : {}) };
}

function expectPleskError(run: NodeRun, message: string, code: string, hint?: RegExp) {
	expect(run.items).toHaveLength(0);
	expect(run.error?.message).toBe(message);
	expect(run.error?.httpCode).toBe('200');
	expect(run.error?.description).toContain(`Plesk error code: ${code}`);
	if (hint) expect(run.error?.description).toMatch(hint);
	expectNoSecrets(run, SECRETS);
}

describe('credential test, as n8n runs it', () => {
	const test = (data: ReturnType<typeof credentials>) => credentialTest('pleskApi', data.pleskApi);

	it('passes a login and password, and a secret key, over a self-signed certificate, saying how many customers they see', async () => {
		expect(await test(credentials())).toEqual({ status: 'OK', message: `Plesk accepted the login admin; it lists ${PLESK_CUSTOMERS.length} customers` });
		expect(await test(asUser(PLESK_RESELLER))).toEqual({
			status: 'OK',
			message: `Plesk accepted the login ${PLESK_RESELLER.login}; it lists ${pleskCustomersOf(PLESK_RESELLER.login).length} customers`,
		});
		expect(await test(byKey(PLESK_KEYS.local))).toEqual({ status: 'OK', message: `Plesk accepted the secret key; it lists ${PLESK_CUSTOMERS.length} customers` });
		expect(sandbox.plesk.sessions).toEqual([]);
		expect(sandbox.plesk.secretOutsideHeaders).toBe(0);
	});

	it('tells a wrong password, a key bound to another address, a wrong path or port and a certificate problem apart', async () => {
		const wrong = await test(credentials({ password: 'Wrong-Password-123' }));
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/^Plesk refused to list customers: Authentication failed - wrong password \(error 1001\)\. Plesk refused the login and password\./);

		const otherIp = await test(byKey(PLESK_KEYS.otherIp));
		expect(otherIp.message).toMatch(/^Plesk refused to list customers: Secret key validation failed \(error 11003\)\. .*made for another IP address.*plesk bin secret_key -c -ip-address/);

		const wrongPath = await test(credentials({ baseUrl: `${sandbox.baseUrl('plesk', { https: true })}/admin` }));
		expect(wrongPath.message).toMatch(/^This is not Plesk's XML API answering \(HTTP 404\)\. Check the Base URL in the credential: Plesk's address with its port, e\.g\. https:\/\/server\.example\.com:8443/);
		// A port that answers a web page with 200 (a site, Plesk's login page).
		sandbox.fault({ provider: 'plesk', fault: { kind: 'html', status: 200 } });
		expect((await test(credentials())).message).toMatch(/^This is not Plesk's XML API answering \(HTTP 200\)/);

		expect(await test(credentials({ allowUnauthorizedCerts: false }))).toEqual({
			status: 'Error',
			message: `Could not reach Plesk at ${sandbox.httpsOrigin}: its TLS certificate is self-signed. Turn on "Ignore SSL Issues" for a server with a self-signed certificate.`,
		});
		for (const verdict of [wrong, otherIp, wrongPath]) for (const secret of [...SECRETS, 'Wrong-Password-123']) expect(verdict.message).not.toContain(secret);
	});
});

describe('customer createSsoLink', () => {
	it('mints a single-use link on the credential\'s server that opens only from the user\'s address', async () => {
		const run = await plesk(link('acme', '203.0.113.7'));
		expect(run.error).toBeUndefined();
		const minted = expectSsoLink(run.items[0]);
		expect(minted).toMatchObject({ provider: 'plesk', target: 'controlPanel', resourceId: 'acme', expiresAt: null, expiresInSeconds: null, singleUse: true });
		const [session] = sandbox.plesk.sessions;
		expect(minted.url).toBe(`${sandbox.baseUrl('plesk', { https: true })}/enterprise/rsession_init.php?PLESKSESSID=${session.token}`);
		expect(session).toMatchObject({ login: 'acme', userIp: '203.0.113.7', caller: 'admin', sourceServer: '' });
		expect(sandbox.plesk.calls).toEqual([{ operation: 'server/create_session', caller: 'admin', auth: 'password', login: 'acme', contentType: 'text/xml' }]);
		expect(sandbox.plesk.secretOutsideHeaders).toBe(0);
		// Another address is refused; the user's address logs in, once.
		expect((await open(minted.url)).status).toBe(403);
		expect(await open(minted.url, '203.0.113.7')).toEqual({ status: 200 });
		expect((await open(minted.url, '203.0.113.7')).status).toBe(403);
	});

	it('adds the page after log-in to the link and passes the source page to Plesk', async () => {
		const run = await plesk(link('acme', '2001:db8::7', { options: { successRedirectUrl: '/smb/web/view', sourceServer: 'https://support.example/ticket/42' } }));
		const minted = expectSsoLink(run.items[0]);
		expect(minted.url).toMatch(/\?PLESKSESSID=[0-9a-f]+&success_redirect_url=%2Fsmb%2Fweb%2Fview$/);
		expect(sandbox.plesk.sessions[0]).toMatchObject({ userIp: '2001:db8::7', sourceServer: 'https://support.example/ticket/42' });
		expect(await open(minted.url, '198.51.100.1')).toEqual({ status: 302, location: 'https://support.example/ticket/42' });
		expect(await open(minted.url, '2001:DB8:0::7')).toEqual({ status: 302, location: '/smb/web/view' });
	});

	it("logs in as any login By ID (a reseller's), for a reseller's own customer, and with a secret key", async () => {
		expect(expectSsoLink((await plesk(link(PLESK_RESELLER.login))).items[0]).resourceId).toBe(PLESK_RESELLER.login);
		const own = await plesk(link('lakeside'), { credentials: asUser(PLESK_RESELLER) });
		expect(own.error).toBeUndefined();
		const keyed = await plesk(link('acme'), { credentials: byKey(PLESK_KEYS.local) });
		expect(keyed.error).toBeUndefined();
		expect(sandbox.plesk.sessions.map(({ login, caller }) => ({ login, caller }))).toEqual([
			{ login: PLESK_RESELLER.login, caller: 'admin' },
			{ login: 'lakeside', caller: PLESK_RESELLER.login },
			{ login: 'acme', caller: 'admin' },
		]);
		expect(sandbox.plesk.calls.map((call) => call.auth)).toEqual(['password', 'password', 'key']);
	});

	it('a login that tries to add XML stays one escaped value (Plesk finds no such login)', async () => {
		const attack = '</login><login>admin';
		const run = await plesk(link(attack));
		expectPleskError(run, 'Object not found.', '1013');
		expect(sandbox.plesk.calls.map((call) => call.login)).toEqual([attack]);
		expect(sandbox.plesk.sessions).toEqual([]);
	});
});

describe("Plesk's errors, though it answers HTTP 200", () => {
	it.each([
		['no such login (result 1013)', () => link('nosuchuser'), credentials, 'Object not found.', '1013', /Plesk has no user with this login/],
		["a reseller asking for another's customer (result 1006)", () => link('sunbakery'), () => asUser(PLESK_RESELLER), 'Permission denied.', '1006', /a reseller may log in as itself and its own customers/],
		['a customer asking for another customer (result 1006)', () => link('acme'), () => asUser(PLESK_CUSTOMER), 'Permission denied.', '1006', /a customer only as itself/],
		['a wrong password (system 1001)', () => link(), () => credentials({ password: 'Wrong-Password-123' }), 'Authentication failed - wrong password.', '1001', /Check Login and Password/],
		['a secret key bound to another address (system 11003)', () => link(), () => byKey(PLESK_KEYS.otherIp), 'Secret key validation failed', '11003', /made for another IP address/],
	])('%s', async (_label, parameters, creds, message, code, hint) => {
		const run = await plesk(parameters(), { credentials: creds() });
		expectPleskError(run, message, code, hint);
		expectNoSecrets(run, ['Wrong-Password-123']);
		expect(sandbox.plesk.sessions).toEqual([]);
	});

	it('an older Plesk that does not speak the protocol version (system 1005)', async () => {
		sandbox.plesk.versions = /^1\.6\.3\.\d+$/;
		expectPleskError(await plesk(link()), 'Unsupported protocol version', '1005', /update Plesk/);
	});

	it('a Base URL on the wrong path: a 404 page is not the API', async () => {
		const run = await plesk(link(), { credentials: credentials({ baseUrl: `${sandbox.baseUrl('plesk', { https: true })}/admin` }) });
		expect(run.error?.message).toBe("Plesk answered HTTP 404 with something other than its API's XML");
		expect(run.error?.description).toMatch(/Check the Base URL/);
		expect(run.error?.description).toContain('Plesk error code: http_404');
	});

	it('a mint is not repeated after a connection reset; a listing is', async () => {
		sandbox.fault({ provider: 'plesk', times: 1, fault: { kind: 'reset' } });
		const minted = await plesk(link());
		expect(minted.error?.description).toContain('Plesk error code: network_error');
		expect(sandbox.requestsTo('plesk')).toHaveLength(1);
		sandbox.reset();
		sandbox.fault({ provider: 'plesk', times: 1, fault: { kind: 'reset' } });
		const listed = await plesk({ resource: 'customer', operation: 'getMany', returnAll: true });
		expect(listed.error).toBeUndefined();
		expect(listed.items).toHaveLength(PLESK_CUSTOMERS.length);
		expect(sandbox.requestsTo('plesk').map((entry) => entry.status)).toEqual(['reset', 200]);
	});

	it('continue on fail: one paired item each', async () => {
		const run = await plesk(
			{ ...link(), login: byId('={{ $json.login }}'), userIp: '={{ $json.ip }}' },
			{ continueOnFail: true, items: [{ login: 'acme', ip: '127.0.0.1' }, { login: 'nosuchuser', ip: '127.0.0.1' }, { login: 'acme', ip: 'localhost' }] },
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toEqual({ error: 'Object not found.', code: '1013', httpCode: 200, provider: 'plesk' });
		expect(run.items[2].json).toMatchObject({ code: 'invalid_parameter', provider: 'plesk' });
		expect(String(run.items[2].json.error)).toMatch(/^Invalid "User IP": "localhost" is not one IPv4 or IPv6 address$/);
		expect(sandbox.plesk.calls).toHaveLength(2);
	});
});

describe('bad input is rejected before any request', () => {
	it.each([
		// An expression that comes to nothing (n8n itself stops an empty required field before the run).
		['an empty login', link('={{ $json.nothing ?? "" }}'), 'Invalid "Login": it is empty'],
		['a login with a line break', link('acme\nadmin'), 'Invalid "Login"'],
		['an empty User IP', link('acme', '={{ "  " }}'), 'Invalid "User IP": it is empty'],
		['a User IP that is a host name', link('acme', 'support.example'), 'Invalid "User IP": "support.example" is not one IPv4 or IPv6 address'],
		['a list of addresses (X-Forwarded-For as it is)', link('acme', '203.0.113.7, 10.0.0.1'), "(a list of addresses: take the first, e.g. .split(',')[0].trim())"],
		['an address with a port', link('acme', '203.0.113.7:443'), 'Invalid "User IP"'],
		['an IPv4 address with a leading zero', link('acme', '203.0.113.07'), 'Invalid "User IP"'],
		['an IPv6 address in brackets', link('acme', '[2001:db8::7]'), 'Invalid "User IP"'],
		['a page after log-in that is a script', link('acme', '127.0.0.1', { options: { successRedirectUrl: 'javascript:alert(1)' } }), 'Invalid "Page After Log-In"'],
		['a source page with a line break', link('acme', '127.0.0.1', { options: { sourceServer: 'a\nb' } }), 'Invalid "Source Page"'],
	])('%s', async (_label, parameters, message) => {
		const run = await plesk(parameters);
		expect(run.error?.message).toContain(message);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('customer getMany', () => {
	const getMany = (more: Record<string, unknown> = {}, extra: Partial<RunNodeOptions> = {}) => plesk({ resource: 'customer', operation: 'getMany', ...more }, extra);

	it("returns every customer from Plesk's one answer, each with its login as id, never the password hash", async () => {
		const run = await getMany({ returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.id)).toEqual(PLESK_CUSTOMERS.map((customer) => customer.login));
		const acme = PLESK_CUSTOMERS.find((customer) => customer.login === 'acme');
		expect(run.items[1].json).toMatchObject({ id: 'acme', customerId: String(acme?.id), login: 'acme', pname: acme?.pname, cname: acme?.cname, email: acme?.email, status: '0' });
		for (const item of run.items) expect(Object.keys(item.json)).not.toContain('password');
		expect(JSON.stringify(run.items)).not.toContain('$AES-128-CBC$');
		expect(sandbox.plesk.calls).toEqual([{ operation: 'customer/get', caller: 'admin', auth: 'password', contentType: 'text/xml' }]);
	});

	it('a Limit takes the first customers of the one answer', async () => {
		const run = await getMany({ returnAll: false, limit: 5 });
		expect(run.items.map((item) => item.json.id)).toEqual(PLESK_CUSTOMERS.slice(0, 5).map((customer) => customer.login));
		expect(sandbox.plesk.calls).toHaveLength(1);
	});

	it('a reseller lists its own customers', async () => {
		const mine = await getMany({ returnAll: true }, { credentials: asUser(PLESK_RESELLER) });
		expect(mine.items.map((item) => item.json.id)).toEqual(pleskCustomersOf(PLESK_RESELLER.login).map((customer) => customer.login));
	});

	it('a wrong password is the same error as for a link', async () => {
		expectPleskError(await getMany({ returnAll: true }, { credentials: credentials({ password: 'Wrong-Password-123' }) }), 'Authentication failed - wrong password.', '1001');
	});
});

describe('resource picker', () => {
	const pick = (filter?: string, creds = credentials()) => listSearch({ type: 'plesk', method: 'searchPleskCustomers', parameters: link(), credentials: creds, filter });

	it('lists every customer the credential sees, searched by login, name, company or e-mail', async () => {
		expect((await pick()).results.map((entry) => entry.value)).toEqual(PLESK_CUSTOMERS.map((customer) => customer.login));
		const bakeries = await pick('BAKERY');
		expect(bakeries.results).toEqual([
			{ name: 'acme — Anna Berg, Acme Bakery AB', value: 'acme' },
			{ name: 'sunbakery — Tove Sol, Sun Bakery', value: 'sunbakery' },
		]);
		expect((await pick('bakery', asUser(PLESK_RESELLER))).results).toEqual([]);
	});

	it('marks a disabled and an expired customer', async () => {
		expect((await pick('oldshop')).results[0].name).toBe('oldshop — Per Holm, Old Shop (disabled by the administrator)');
		expect((await pick('fjordcons')).results[0].name).toBe('fjordcons — Ingrid Dahl, Fjord Consulting (expired)');
	});
});

describe('SSO Link node, provider plesk', () => {
	it('mints the same link output from a picked customer', async () => {
		const run = await runNode({ type: 'ssoLink', parameters: { provider: 'plesk', login: fromList('jdoe'), userIp: '127.0.0.1' }, credentials: credentials() });
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ provider: 'plesk', target: 'controlPanel', resourceId: 'jdoe', singleUse: true, expiresAt: null });
		expect(sandbox.plesk.sessions).toMatchObject([{ login: 'jdoe', userIp: '127.0.0.1' }]);
	});
});
