/**
 * The sandbox's WHM (WHM API 1 of cPanel & WHM, as README's "cPanel & WHM"
 * section describes it): tokens of root and of resellers, the `cpanelresult`
 * 403, the legacy answer without `api.version=1`, `listaccts` with search and
 * `api.chunk.*` paging, and `create_user_session` with each of WHM's refusals.
 * The cPanel node's own tests rely on these behaviours, so they are pinned here.
 */
import { request } from 'undici';

import {
	CPANEL_ACCOUNTS,
	CPANEL_SUSPENDED_USER,
	WHM_OTHER_RESELLER,
	WHM_RESELLER,
	WHM_TOKEN,
	cpanelAccountsOf,
} from './cpanel';
import { Sandbox } from './server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const ROOT = `whm root:${WHM_TOKEN}`;
const RESELLER = `whm ${WHM_RESELLER.username}:${WHM_RESELLER.token}`;
const OTHER_RESELLER = `whm ${WHM_OTHER_RESELLER.username}:${WHM_OTHER_RESELLER.token}`;

interface WhmAnswer {
	data?: { acct?: Array<Record<string, unknown>>; url?: string; expires?: number; [key: string]: unknown };
	metadata?: { command?: string; reason?: string; result?: number; version?: number; chunk?: Record<string, number> };
	[key: string]: unknown;
}

async function whm(
	fn: string,
	params: Record<string, string | number> = {},
	/** null: no Authorization header. */
	authorization: string | null = ROOT,
	options: { apiVersion?: string | null } = {},
): Promise<{ status: number; contentType: string; body: WhmAnswer }> {
	const query = new URLSearchParams(Object.entries(params).map(([name, value]): [string, string] => [name, String(value)]));
	if (options.apiVersion !== null) query.set('api.version', options.apiVersion ?? '1');
	const response = await request(`${sandbox.baseUrl('cpanel')}/json-api/${fn}?${query}`, {
		headers: authorization === null ? {} : { authorization },
	});
	return {
		status: response.statusCode,
		contentType: String(response.headers['content-type']),
		body: (await response.body.json()) as WhmAnswer,
	};
}

const users = (answer: WhmAnswer) => (answer.data?.acct ?? []).map((account) => account.user);

describe('authentication', () => {
	it.each([
		['a wrong token', 'whm root:WRONGTOKEN0123456789'],
		["a reseller's token under root's name", `whm root:${WHM_RESELLER.token}`],
		['no Authorization header', null],
		['another scheme', `Bearer ${WHM_TOKEN}`],
	])('%s: HTTP 403 in the cpanelresult shape, nothing recorded', async (_label, authorization) => {
		const answer = await whm('listaccts', {}, authorization);
		expect(answer.status).toBe(403);
		expect(answer.contentType).toContain('application/json');
		expect(answer.body).toEqual({ cpanelresult: { error: 'Access denied', data: { reason: 'Access denied', result: '0' } } });
		expect(sandbox.cpanel.calls).toEqual([]);
	});

	it('counts a token in the query string, and does not accept it there', async () => {
		const answer = await whm('listaccts', { token: WHM_TOKEN }, null);
		expect(answer.status).toBe(403);
		await whm('version', { note: `whm root:${WHM_TOKEN}` });
		expect(sandbox.cpanel.tokenInQuery).toBe(2);
		// The authenticated one is recorded without the parameter that held the token.
		expect(sandbox.cpanel.calls).toEqual([{ function: 'version', whmUser: 'root', query: { 'api.version': '1' } }]);
		// A form body is cpsrvd's too, and no place for a token either.
		const posted = await request(`${sandbox.baseUrl('cpanel')}/json-api/version`, {
			method: 'POST',
			headers: { authorization: ROOT, 'content-type': 'application/x-www-form-urlencoded' },
			body: `api.version=1&token=${WHM_TOKEN}`,
		});
		expect(((await posted.body.json()) as WhmAnswer).metadata?.result).toBe(1);
		expect(sandbox.cpanel.tokenInQuery).toBe(3);
		sandbox.reset();
		expect(sandbox.cpanel.tokenInQuery).toBe(0);
	});

	it('a path outside /json-api is a plain 404, whatever the token', async () => {
		const response = await request(`${sandbox.baseUrl('cpanel')}/`, { headers: { authorization: ROOT } });
		expect(response.statusCode).toBe(404);
		expect(await response.body.text()).toBe('<h1>Not Found</h1>');
	});
});

describe('API 1 envelope', () => {
	it('answers { data, metadata } and records the call', async () => {
		const answer = await whm('version');
		expect(answer.body).toEqual({
			data: { version: expect.stringMatching(/^11\.\d+\.\d+\.\d+$/) },
			metadata: { command: 'version', reason: 'OK', result: 1, version: 1 },
		});
		expect(sandbox.cpanel.calls).toEqual([{ function: 'version', whmUser: 'root', query: { 'api.version': '1' } }]);
	});

	it('an unknown function is a logic error: HTTP 200, result 0', async () => {
		const answer = await whm('no_such_function');
		expect(answer.status).toBe(200);
		expect(answer.body.metadata).toMatchObject({ command: 'no_such_function', result: 0, version: 1 });
		expect(answer.body.metadata?.reason).toContain('no_such_function');
	});

	it.each([
		['without api.version', null],
		['with api.version=0', '0'],
		['with api.version=2', '2'],
	])('%s: the legacy shape, no metadata, nothing minted', async (_label, apiVersion) => {
		const list = await whm('listaccts', {}, ROOT, { apiVersion });
		expect(list.status).toBe(200);
		expect(list.body.metadata).toBeUndefined();
		expect(list.body.data).toBeUndefined();
		expect(list.body).toMatchObject({ status: 1, statusmsg: 'Ok' });
		expect((list.body.acct as unknown[]).length).toBe(CPANEL_ACCOUNTS.length);

		const session = await whm('create_user_session', { user: 'bob', service: 'cpaneld' }, ROOT, { apiVersion });
		expect(session.body.metadata).toBeUndefined();
		expect(session.body.data).toBeUndefined();
		expect(session.body.cpanelresult).toMatchObject({ data: { result: '0' } });
		expect(sandbox.cpanel.sessions).toEqual([]);
		// Recorded, so a node's tests can prove it sends api.version=1.
		expect(sandbox.cpanel.calls.map((call) => call.query['api.version'])).toEqual([apiVersion ?? undefined, apiVersion ?? undefined]);
	});
});

describe('listaccts', () => {
	it('lists every account for root, with WHM’s mixed field types', async () => {
		const answer = await whm('listaccts');
		expect(answer.body.metadata).toEqual({ command: 'listaccts', reason: 'OK', result: 1, version: 1 });
		expect(users(answer.body)).toEqual(CPANEL_ACCOUNTS.map((account) => account.user));
		expect(CPANEL_ACCOUNTS.length).toBeGreaterThanOrEqual(38);
		expect(users(answer.body)).toEqual(expect.arrayContaining(['bob', 'alice', WHM_RESELLER.username, CPANEL_SUSPENDED_USER]));
		const suspended = answer.body.data?.acct?.find((account) => account.user === CPANEL_SUSPENDED_USER);
		expect(suspended).toMatchObject({ suspended: 1, suspendreason: expect.not.stringMatching(/^not suspended$/) });
		const bob = answer.body.data?.acct?.find((account) => account.user === 'bob');
		expect(bob).toMatchObject({
			user: 'bob',
			owner: 'root',
			suspended: 0,
			suspendreason: 'not suspended',
			unix_startdate: expect.stringMatching(/^\d+$/),
			startdate: expect.stringMatching(/^\d\d [A-Z][a-z]{2} \d\d \d\d:\d\d$/),
			diskused: expect.stringMatching(/^\d+M$/),
		});
	});

	it('scopes a reseller to the accounts it owns, its own included', async () => {
		const mine = users((await whm('listaccts', {}, RESELLER)).body);
		const theirs = users((await whm('listaccts', {}, OTHER_RESELLER)).body);
		expect(mine).toEqual(cpanelAccountsOf(WHM_RESELLER.username).map((account) => account.user));
		expect(mine).toContain(WHM_RESELLER.username);
		expect(mine).not.toContain('bob');
		expect(theirs.filter((user) => mine.includes(user))).toEqual([]);
		// A search cannot reach past the scope either.
		expect(users((await whm('listaccts', { search: 'bob', searchtype: 'user' }, RESELLER)).body)).toEqual([]);
		const { username: one } = WHM_RESELLER;
		expect(sandbox.cpanel.calls.map((call) => call.whmUser)).toEqual([one, WHM_OTHER_RESELLER.username, one]);
	});

	it('search: a regular expression on the domain by default, or on searchtype', async () => {
		expect(users((await whm('listaccts', { search: 'bakery' })).body)).toEqual(['alice', 'sunbakery']);
		expect(users((await whm('listaccts', { search: 'bakery' }, OTHER_RESELLER)).body)).toEqual(['sunbakery']);
		expect(users((await whm('listaccts', { search: '^bob', searchtype: 'user' })).body)).toEqual(['bob', 'bobby']);
		expect(users((await whm('listaccts', { search: `^${WHM_RESELLER.username}$`, searchtype: 'owner' })).body)).toEqual(
			cpanelAccountsOf(WHM_RESELLER.username).map((account) => account.user),
		);
		expect(users((await whm('listaccts', { search: '203.0.113.21', searchtype: 'ip' })).body)).toEqual(['nordicbikes']);
		expect(users((await whm('listaccts', { search: 'reseller2_Large', searchtype: 'package' })).body)).toEqual(['tidewear', 'moonbooks']);
	});

	it('searchmethod=exact matches the whole value only', async () => {
		expect(users((await whm('listaccts', { search: 'bob', searchtype: 'user', searchmethod: 'exact' })).body)).toEqual(['bob']);
		expect(users((await whm('listaccts', { search: 'bob', searchtype: 'user' })).body)).toEqual(['bob', 'bobby']);
		// Regex characters are plain text when exact.
		expect(users((await whm('listaccts', { search: 'b.b', searchtype: 'user', searchmethod: 'exact' })).body)).toEqual([]);
	});

	it('an invalid regular expression or searchtype is a logic error', async () => {
		for (const params of [{ search: '(unclosed' }, { search: 'x', searchtype: 'color' }] as Array<Record<string, string>>) {
			const answer = await whm('listaccts', params);
			expect(answer.status).toBe(200);
			expect(answer.body.metadata).toMatchObject({ command: 'listaccts', result: 0, reason: expect.any(String) });
			expect(answer.body.data).toBeUndefined();
		}
	});

	it('pages with api.chunk.*: start counts from 1, records is the total', async () => {
		const page = (start: number, size: number, params: Record<string, string> = {}) =>
			whm('listaccts', { ...params, 'api.chunk.enable': 1, 'api.chunk.size': size, 'api.chunk.start': start });
		const first = await page(1, 15);
		expect(first.body.metadata?.chunk).toEqual({ records: CPANEL_ACCOUNTS.length, current: 1, size: 15 });
		expect(users(first.body)).toEqual(CPANEL_ACCOUNTS.slice(0, 15).map((account) => account.user));
		const last = await page(31, 15);
		expect(users(last.body)).toEqual(CPANEL_ACCOUNTS.slice(30).map((account) => account.user));
		expect(users((await page(CPANEL_ACCOUNTS.length + 1, 15)).body)).toEqual([]);
		// records counts what the search matched.
		expect((await page(1, 1, { search: 'bakery' })).body.metadata?.chunk).toEqual({ records: 2, current: 1, size: 1 });
		expect(sandbox.cpanel.calls.map((call) => call.query['api.chunk.size'])).toEqual(['15', '15', '15', '1']);

		const bad = await whm('listaccts', { 'api.chunk.enable': 1, 'api.chunk.size': 0 });
		expect(bad.body.metadata).toMatchObject({ result: 0 });
	});

	it('paging quirks: a size cap and an ignored start, both silent; reset() clears them', async () => {
		const page = (start: number) => whm('listaccts', { 'api.chunk.enable': 1, 'api.chunk.size': 10, 'api.chunk.start': start });
		sandbox.cpanel.paging = { pageSizeCap: 4 };
		const capped = await page(11);
		expect(users(capped.body)).toEqual(CPANEL_ACCOUNTS.slice(10, 14).map((account) => account.user));
		expect(capped.body.metadata?.chunk).toEqual({ records: CPANEL_ACCOUNTS.length, current: 11, size: 10 });
		sandbox.cpanel.paging = { ignoreOffset: true };
		expect(users((await page(11)).body)).toEqual(CPANEL_ACCOUNTS.slice(0, 10).map((account) => account.user));
		sandbox.reset();
		expect(users((await page(11)).body)).toEqual(CPANEL_ACCOUNTS.slice(10, 20).map((account) => account.user));
	});

	it('growTo adds root-owned accounts for long listings', async () => {
		sandbox.cpanel.growTo(120);
		const answer = await whm('listaccts', { 'api.chunk.enable': 1, 'api.chunk.size': 50, 'api.chunk.start': 101 });
		expect(answer.body.metadata?.chunk?.records).toBe(120);
		expect(users(answer.body)).toHaveLength(20);
	});
});

describe('create_user_session', () => {
	it('mints a redeemable link that expires in five minutes, and records where it lands', async () => {
		const before = Math.floor(Date.now() / 1000);
		const answer = await whm('create_user_session', { user: 'bob', service: 'cpaneld', app: 'Email_Accounts', locale: 'sv' });
		expect(answer.body.metadata).toEqual({ command: 'create_user_session', reason: 'OK', result: 1, version: 1 });
		const data = answer.body.data as { url: string; session: string; cp_security_token: string; expires: number; service: string };
		expect(data).toEqual({
			url: expect.stringMatching(/\/cpanel\/login\/[\w-]+\?goto_uri=Email_Accounts&locale=sv$/),
			session: expect.stringMatching(/^bob:/),
			cp_security_token: expect.stringMatching(/^\/cpsess\d{10}$/),
			expires: expect.any(Number),
			service: 'cpaneld',
		});
		expect(data.expires).toBeGreaterThanOrEqual(before + 300);
		expect(data.expires).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 300);
		expect(sandbox.cpanel.sessions).toEqual([
			{ user: 'bob', service: 'cpaneld', app: 'Email_Accounts', locale: 'sv', whmUser: 'root', url: data.url, expires: data.expires },
		]);

		const landing = await request(data.url);
		expect(landing.statusCode).toBe(200);
		expect(await landing.body.text()).toContain('cPanel of bob, page Email_Accounts, locale sv');
		// Single use, as the sandbox's login route is.
		const again = await request(data.url);
		await again.body.text();
		expect(again.statusCode).toBe(410);
	});

	it('Webmail for an account, WHM for a reseller (by root or by the reseller itself)', async () => {
		expect((await whm('create_user_session', { user: 'alice', service: 'webmaild' })).body.data).toMatchObject({ service: 'webmaild' });
		expect((await whm('create_user_session', { user: WHM_RESELLER.username, service: 'whostmgrd' })).body.metadata?.result).toBe(1);
		const own = await whm('create_user_session', { user: WHM_RESELLER.username, service: 'whostmgrd' }, RESELLER);
		expect(own.body.metadata?.result).toBe(1);
		const owned = await whm('create_user_session', { user: 'lakeside', service: 'cpaneld' }, RESELLER);
		expect(owned.body.metadata?.result).toBe(1);
		expect(sandbox.cpanel.sessions.map((session) => [session.user, session.service, session.whmUser])).toEqual([
			['alice', 'webmaild', 'root'],
			[WHM_RESELLER.username, 'whostmgrd', 'root'],
			[WHM_RESELLER.username, 'whostmgrd', WHM_RESELLER.username],
			['lakeside', 'cpaneld', WHM_RESELLER.username],
		]);
	});

	it.each([
		['a missing user', {}, ROOT, 'The “user” parameter is required.'],
		['an empty user', { user: '' }, ROOT, 'The “user” parameter is required.'],
		['an unknown user', { user: 'mallory' }, ROOT, 'You cannot create a session for the user “mallory” because they do not exist.'],
		[
			'a suspended user',
			{ user: CPANEL_SUSPENDED_USER },
			ROOT,
			`You cannot create a session for the user “${CPANEL_SUSPENDED_USER}” because they are currently suspended.`,
		],
		["a reseller on root's account", { user: 'bob' }, RESELLER, 'You do not have permission to create sessions for the user “bob”.'],
		[
			"a reseller on another reseller's account",
			{ user: 'sunbakery' },
			RESELLER,
			'You do not have permission to create sessions for the user “sunbakery”.',
		],
		[
			'a reseller on another reseller itself',
			{ user: WHM_OTHER_RESELLER.username, service: 'whostmgrd' },
			RESELLER,
			`You do not have permission to create sessions for the user “${WHM_OTHER_RESELLER.username}”.`,
		],
		[
			'WHM for a non-reseller',
			{ user: 'bob', service: 'whostmgrd' },
			ROOT,
			'You cannot create a session for the user “bob” because they are not a reseller.',
		],
	])('%s: HTTP 200, result 0, WHM’s reason', async (_label, params, authorization, reason) => {
		const answer = await whm('create_user_session', { service: 'cpaneld', ...params }, authorization);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ metadata: { command: 'create_user_session', reason, result: 0, version: 1 } });
		expect(sandbox.cpanel.sessions).toEqual([]);
	});

	it('an unknown or missing service is refused in the same shape', async () => {
		for (const service of ['ftpd', '']) {
			const answer = await whm('create_user_session', { user: 'bob', service });
			expect(answer.body.metadata).toMatchObject({ result: 0, reason: expect.stringContaining('service') });
		}
		expect(sandbox.cpanel.sessions).toEqual([]);
	});
});
