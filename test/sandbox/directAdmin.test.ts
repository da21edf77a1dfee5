/**
 * The sandbox's DirectAdmin (README, "DirectAdmin"): Basic auth and
 * login-as scopes, `/api/session`, one-time login URLs (expiry capped by
 * what was sent, a long default, single use, allowNetworks), the legacy
 * listings and their HTTP 200 errors, and the wrong port's web page. The
 * DirectAdmin node's tests rely on these behaviours, so they are pinned here.
 */
import { request } from 'undici';

import {
	DA_ACCOUNTS,
	DA_ADMIN,
	DA_DEFAULT_EXPIRY_MS,
	DA_KEYLESS_USER,
	DA_OTHER_RESELLER,
	DA_RESELLER,
	DA_SUSPENDED_USER,
	DA_USER,
	directAdminUsersOf,
} from './directAdmin';
import { Sandbox } from './server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const basic = (name: string, secret: string) => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;
const ADMIN = basic(DA_ADMIN.username, DA_ADMIN.password);

async function call(method: string, path: string, authorization: string | null, body?: unknown) {
	const response = await request(`${sandbox.baseUrl('directadmin')}${path}`, {
		method: method as 'GET',
		headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, text, json: json as Record<string, unknown> };
}

const mint = (authorization: string, body: Record<string, unknown> = { allowNetworks: [] }) => call('POST', '/api/login-keys/urls', authorization, body);

describe('authentication and login-as', () => {
	it.each([
		['a wrong password', basic(DA_ADMIN.username, 'wrong-password')],
		["another account's password", basic(DA_ADMIN.username, DA_RESELLER.password)],
		['no Authorization header', null],
		['a reseller logging in as another reseller’s user', basic(`${DA_RESELLER.username}|sunbakery`, DA_RESELLER.password)],
		['a reseller logging in as an administrator’s user', basic(`${DA_RESELLER.username}|alice`, DA_RESELLER.password)],
		['a user logging in as another', basic(`${DA_USER.username}|bob`, DA_USER.password)],
		['login-as a user that does not exist', basic(`${DA_ADMIN.username}|nobody`, DA_ADMIN.password)],
		['two login-as names', basic(`${DA_ADMIN.username}|alice|bob`, DA_ADMIN.password)],
	])('%s: 401 { type: UNAUTHORIZED }, nothing recorded', async (_label, authorization) => {
		const answer = await call('GET', '/api/session', authorization);
		expect(answer.status).toBe(401);
		expect(answer.json).toEqual({ type: 'UNAUTHORIZED' });
		expect(sandbox.directAdmin.calls).toEqual([]);
	});

	it('says who the credential is, with a password or a Login Key, and as whom it acts', async () => {
		expect((await call('GET', '/api/session', ADMIN)).json).toMatchObject({ effectiveRole: 'admin', effectiveUsername: 'admin', realUsername: 'admin' });
		expect((await call('GET', '/api/session', basic(DA_RESELLER.username, DA_RESELLER.loginKey))).json).toMatchObject({ effectiveRole: 'reseller' });
		expect((await call('GET', '/api/session', basic(`${DA_ADMIN.username}|bob`, DA_ADMIN.password))).json).toMatchObject({
			effectiveRole: 'user',
			effectiveUsername: 'bob',
			realUsername: 'admin',
		});
		expect((await call('GET', '/api/session', basic(`${DA_RESELLER.username}|lakeside`, DA_RESELLER.password))).json).toMatchObject({ effectiveUsername: 'lakeside' });
		expect(sandbox.directAdmin.calls.map((entry) => [entry.caller, entry.effective])).toEqual([
			['admin', 'admin'],
			['reseller1', 'reseller1'],
			['admin', 'bob'],
			['reseller1', 'lakeside'],
		]);
	});

	it('counts a password anywhere but the Authorization header', async () => {
		await call('GET', `/api/session?password=${encodeURIComponent(DA_ADMIN.password)}`, ADMIN);
		expect(sandbox.directAdmin.secretInRequest).toBe(1);
	});
});

describe('login URLs', () => {
	it('mints for the effective user, with the expiry sent, and a link that works once', async () => {
		const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 600_000).toISOString().replace('.000Z', 'Z');
		const answer = await mint(basic(`${DA_ADMIN.username}|bob`, DA_ADMIN.password), { allowNetworks: [], expires, redirectURL: '/evo/user/email' });
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ expires, allowNetworks: [], redirectURL: '/evo/user/email', id: expect.stringMatching(/^HASHURL/) });
		const url = String(answer.json.url);
		expect(url).toMatch(/\/directadmin\/api\/login\/url\?key=[A-Z0-9Q]{40,}$/);
		expect(sandbox.directAdmin.loginUrls[0]).toMatchObject({ user: 'bob', createdBy: 'admin', askedExpires: expires });

		const first = await request(url);
		expect(first.statusCode).toBe(303);
		expect(first.headers.location).toBe('/evo/user/email');
		const second = await request(url);
		expect(second.statusCode).toBe(403);
		expect(await second.body.text()).toContain('already used');
	});

	it('without expires, uses the server default of days', async () => {
		const before = Date.now();
		const answer = await mint(basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password));
		const lifetime = Date.parse(String(answer.json.expires)) - before;
		expect(lifetime).toBeGreaterThan(DA_DEFAULT_EXPIRY_MS - 5000);
		expect(lifetime).toBeLessThanOrEqual(DA_DEFAULT_EXPIRY_MS + 1000);
	});

	it('ignores the expiry sent when told to (an older server)', async () => {
		sandbox.directAdmin.quirks.ignoreExpires = true;
		const answer = await mint(basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password), { allowNetworks: [], expires: new Date(Date.now() + 60_000).toISOString() });
		expect(Date.parse(String(answer.json.expires)) - Date.now()).toBeGreaterThan(DA_DEFAULT_EXPIRY_MS - 5000);
	});

	it('enforces allowNetworks when the link is opened', async () => {
		const elsewhere = await mint(basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password), { allowNetworks: ['192.0.2.0/24', '2001:db8::/32'] });
		expect((await request(String(elsewhere.json.url))).statusCode).toBe(403);
		expect(sandbox.directAdmin.redemptions.at(-1)).toMatchObject({ from: '127.0.0.1', status: 403 });
		const here = await mint(basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password), { allowNetworks: ['127.0.0.0/8'] });
		expect((await request(String(here.json.url))).statusCode).toBe(303);
		const exact = await mint(basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password), { allowNetworks: ['127.0.0.1'] });
		expect((await request(String(exact.json.url))).statusCode).toBe(303);
	});

	it('revokes a link by its id, for the user it logs into', async () => {
		const as = basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password);
		const answer = await mint(as);
		expect((await call('DELETE', `/api/login-keys/urls/${String(answer.json.id)}`, basic(`${DA_ADMIN.username}|bob`, DA_ADMIN.password))).status).toBe(404);
		expect((await call('DELETE', `/api/login-keys/urls/${String(answer.json.id)}`, as)).status).toBe(204);
		expect((await request(String(answer.json.url))).statusCode).toBe(403);
	});

	it.each([
		['allowNetworks missing', {}],
		['a network that is not one', { allowNetworks: ['10.0.0.0/33'] }],
		['a zone in an address', { allowNetworks: ['fe80::1%eth0'] }],
		['an expiry that is not RFC 3339', { allowNetworks: [], expires: 'tomorrow' }],
		['an expiry in the past', { allowNetworks: [], expires: '2001-01-01T00:00:00Z' }],
		['a redirect that is not a path', { allowNetworks: [], redirectURL: 'https://evil.example/' }],
	])('%s: 400 BAD_REQUEST with a message, nothing minted', async (_label, body) => {
		const answer = await mint(basic(`${DA_ADMIN.username}|alice`, DA_ADMIN.password), body);
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ type: 'BAD_REQUEST', message: expect.any(String) });
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
	});

	it('refuses a user without Login Keys (ACCESS_DENIED) and a suspended one', async () => {
		const keyless = await mint(basic(`${DA_ADMIN.username}|${DA_KEYLESS_USER}`, DA_ADMIN.password));
		expect([keyless.status, keyless.json]).toEqual([403, { type: 'ACCESS_DENIED' }]);
		const suspended = await mint(basic(`${DA_ADMIN.username}|${DA_SUSPENDED_USER}`, DA_ADMIN.password));
		expect([suspended.status, suspended.json]).toEqual([403, { type: 'LOGIN_ACCOUNT_DISABLED' }]);
		expect(sandbox.directAdmin.loginUrls).toEqual([]);
	});

	it('lets a reseller mint for its own users only', async () => {
		expect((await mint(basic(`${DA_RESELLER.username}|lakeside`, DA_RESELLER.password))).status).toBe(200);
		expect((await mint(basic(`${DA_OTHER_RESELLER.username}|lakeside`, DA_OTHER_RESELLER.password))).status).toBe(401);
	});
});

describe('legacy API', () => {
	const legacy = (command: string, authorization: string) => call('GET', `/${command}`, authorization);

	it('lists every user for an administrator and its own for a reseller, form-encoded', async () => {
		const all = await legacy('CMD_API_SHOW_ALL_USERS', ADMIN);
		expect(all.status).toBe(200);
		expect(new URLSearchParams(all.text).getAll('list[]')).toEqual(directAdminUsersOf('admin'));
		expect(directAdminUsersOf('admin')).toHaveLength(DA_ACCOUNTS.length - 1);
		const own = await legacy('CMD_API_SHOW_USERS', basic(DA_RESELLER.username, DA_RESELLER.password));
		expect(new URLSearchParams(own.text).getAll('list[]')).toEqual(['lakeside', 'pinecafe', 'harborlaw', 'meadowvet']);
	});

	it.each([
		['CMD_API_SHOW_ALL_USERS as a reseller', 'CMD_API_SHOW_ALL_USERS', basic(DA_RESELLER.username, DA_RESELLER.password)],
		['CMD_API_SHOW_USERS as a user', 'CMD_API_SHOW_USERS', basic(DA_USER.username, DA_USER.password)],
		['an unknown command', 'CMD_API_NO_SUCH', ADMIN],
	])('%s: error=1 with HTTP 200', async (_label, command, authorization) => {
		const answer = await legacy(command, authorization);
		expect(answer.status).toBe(200);
		const fields = new URLSearchParams(answer.text);
		expect(fields.get('error')).toBe('1');
		expect(fields.get('text')).toBeTruthy();
		expect(fields.get('details')).toContain(command);
	});

	it('a wrong password is the JSON 401 there too', async () => {
		const answer = await legacy('CMD_API_SHOW_ALL_USERS', basic(DA_ADMIN.username, 'nope'));
		expect([answer.status, answer.json]).toEqual([401, { type: 'UNAUTHORIZED' }]);
	});
});

describe('the wrong port', () => {
	it('answers a web page with HTTP 200 whatever the path', async () => {
		const response = await request(`${sandbox.baseUrl('directadmin-web')}/api/session`, { headers: { authorization: ADMIN } });
		expect(response.statusCode).toBe(200);
		expect(response.headers['content-type']).toContain('text/html');
		expect(await response.body.text()).toContain('It works!');
	});
});
