/**
 * The sandbox's Plesk (its XML API as README's "Plesk" section describes it):
 * both authentications, HTTP 200 system and result errors, the scopes of the
 * administrator, resellers and customers, and single-use session tokens bound
 * to an address. The Plesk node's tests rely on these behaviours, so they are
 * pinned here with hand-written packets (not the node's builder).
 */
import { request } from 'undici';

import { PLESK_ADMIN, PLESK_CUSTOMER, PLESK_CUSTOMERS, PLESK_KEYS, PLESK_OTHER_RESELLER, PLESK_RESELLER, pleskCustomersOf } from './plesk';
import { Sandbox } from './server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

type Auth = { login: string; password: string } | { key: string } | null;

async function agent(body: string, auth: Auth = PLESK_ADMIN, contentType = 'text/xml', path = '/enterprise/control/agent.php') {
	const headers: Record<string, string> = { 'content-type': contentType };
	if (auth && 'key' in auth) headers.KEY = auth.key;
	else if (auth) Object.assign(headers, { HTTP_AUTH_LOGIN: auth.login, HTTP_AUTH_PASSWD: auth.password });
	const response = await request(`${sandbox.baseUrl('plesk')}${path}`, { method: 'POST', headers, body });
	return { status: response.statusCode, contentType: String(response.headers['content-type']), text: await response.body.text() };
}

const session = (login: string, ip = '127.0.0.1', source = '') =>
	`<?xml version="1.0"?><packet version="1.6.9.1"><server><create_session><login>${login}</login><data><user_ip>${ip}</user_ip><source_server>${source}</source_server></data></create_session></server></packet>`;
const customers = '<packet version="1.6.9.1"><customer><get><filter/><dataset><gen_info/></dataset></get></customer></packet>';

const errcode = (text: string) => /<errcode>(\d+)<\/errcode>/.exec(text)?.[1];
const token = (text: string) => /<id>([0-9a-f]+)<\/id>/.exec(text)?.[1];
const logins = (text: string) => [...text.matchAll(/<login>([^<]*)<\/login>/g)].map((match) => match[1]);

async function open(id: string, headers: Record<string, string> = {}, extra = '') {
	const response = await request(`${sandbox.baseUrl('plesk')}/enterprise/rsession_init.php?PLESKSESSID=${id}${extra}`, { headers });
	await response.body.text();
	return { status: response.statusCode, location: response.headers.location };
}

describe('authentication and packet checks (system errors, HTTP 200)', () => {
	it.each([
		['a wrong password → 1001', { login: 'admin', password: 'wrong' }, '1001'],
		['no credentials → 1001', null, '1001'],
		['a secret key made for another address → 11003', { key: PLESK_KEYS.otherIp }, '11003'],
		['an unknown secret key → 11003', { key: 'not-a-key' }, '11003'],
	] as const)('%s', async (_label, auth, code) => {
		const answer = await agent(customers, auth);
		expect(answer.status).toBe(200);
		expect(answer.text).toMatch(/<system><status>error<\/status>/);
		expect(errcode(answer.text)).toBe(code);
		expect(sandbox.plesk.calls).toEqual([]);
	});

	it('a secret key from its own address and a login and password both work', async () => {
		expect(logins((await agent(customers, { key: PLESK_KEYS.local })).text)).toHaveLength(PLESK_CUSTOMERS.length);
		expect(logins((await agent(customers)).text)).toHaveLength(PLESK_CUSTOMERS.length);
		expect(sandbox.plesk.calls.map((call) => call.auth)).toEqual(['key', 'password']);
	});

	it('a packet that is not XML, not text/xml, of an unknown version or operation is refused', async () => {
		expect(errcode((await agent('<packet><server>')).text)).toBe('1014');
		expect(errcode((await agent(customers, PLESK_ADMIN, 'application/json')).text)).toBe('1014');
		expect(errcode((await agent('<packet version="9.9.9.9"><server><get/></server></packet>')).text)).toBe('1005');
		expect(errcode((await agent('<packet version="1.6.9.1"><server><reboot/></server></packet>')).text)).toBe('1014');
	});

	it('another path is a web page, not the API', async () => {
		const answer = await agent(customers, PLESK_ADMIN, 'text/xml', '/admin/enterprise/control/agent.php');
		expect(answer.status).toBe(404);
		expect(answer.contentType).toContain('text/html');
	});
});

describe('customer/get', () => {
	it('lists every customer for the administrator, its own for a reseller, itself for a customer, with a password hash', async () => {
		expect(logins((await agent(customers)).text)).toEqual(PLESK_CUSTOMERS.map((customer) => customer.login));
		const mine = logins((await agent(customers, PLESK_RESELLER)).text);
		expect(mine).toEqual(pleskCustomersOf(PLESK_RESELLER.login).map((customer) => customer.login));
		expect(mine.length).toBeGreaterThan(0);
		expect(logins((await agent(customers, PLESK_CUSTOMER)).text)).toEqual([PLESK_CUSTOMER.login]);
		expect((await agent(customers)).text).toContain('<password>$AES-128-CBC$');
	});

	it('a login filter the caller does not see answers a result error 1013', async () => {
		const answer = await agent('<packet><customer><get><filter><login>sunbakery</login></filter><dataset><gen_info/></dataset></get></customer></packet>', PLESK_RESELLER);
		expect(answer.text).toMatch(/<result><status>error<\/status><errcode>1013<\/errcode>/);
	});
});

describe('server/create_session', () => {
	it('mints a token that logs in once, from the address it was made for', async () => {
		const id = token((await agent(session('acme', '203.0.113.7', 'https://support.example'))).text) as string;
		expect(sandbox.plesk.sessions).toMatchObject([{ login: 'acme', userIp: '203.0.113.7', caller: 'admin', used: false }]);
		// From here (127.0.0.1): sent to the source page, the token left unused.
		expect(await open(id)).toEqual({ status: 302, location: 'https://support.example' });
		expect(await open(id, { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }, '&success_redirect_url=%2Fsmb%2Fweb%2Fview')).toEqual({ status: 302, location: '/smb/web/view' });
		expect((await open(id, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);
	});

	it('takes user_ip in base64 too, and compares IPv6 by value', async () => {
		const base64 = token((await agent(session('acme', Buffer.from('127.0.0.1').toString('base64')))).text) as string;
		expect((await open(base64)).status).toBe(200);
		const v6 = token((await agent(session('acme', '2001:DB8:0:0::7'))).text) as string;
		expect((await open(v6, { 'x-forwarded-for': '2001:db8::7' })).status).toBe(200);
	});

	it.each([
		['an unknown login → result error 1013', 'nosuchuser', PLESK_ADMIN, '1013'],
		["a reseller for another's customer → result error 1006", 'sunbakery', PLESK_RESELLER, '1006'],
		['a reseller for another reseller → result error 1006', PLESK_OTHER_RESELLER.login, PLESK_RESELLER, '1006'],
		['a customer for another customer → result error 1006', 'acme', PLESK_CUSTOMER, '1006'],
	] as const)('%s', async (_label, login, auth, code) => {
		const answer = await agent(session(login), auth);
		expect(answer.text).toMatch(/<create_session><result><status>error<\/status>/);
		expect(errcode(answer.text)).toBe(code);
		expect(sandbox.plesk.sessions).toEqual([]);
	});

	it('a reseller for itself and its customer, a customer for itself', async () => {
		expect(token((await agent(session(PLESK_RESELLER.login), PLESK_RESELLER)).text)).toBeDefined();
		expect(token((await agent(session('lakeside'), PLESK_RESELLER)).text)).toBeDefined();
		expect(token((await agent(session(PLESK_CUSTOMER.login), PLESK_CUSTOMER)).text)).toBeDefined();
	});

	it('a bad user_ip is a result error 1019; an escaped login stays one value; a second login breaks the packet', async () => {
		expect(errcode((await agent(session('acme', 'not-an-ip'))).text)).toBe('1019');
		expect(errcode((await agent(session('&lt;/login&gt;&lt;login&gt;admin'))).text)).toBe('1013');
		expect(sandbox.plesk.calls.at(-1)?.login).toBe('</login><login>admin');
		expect(errcode((await agent(session('x</login><login>admin'))).text)).toBe('1014');
		expect(sandbox.plesk.sessions).toEqual([]);
	});
});
