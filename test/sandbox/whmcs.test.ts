/**
 * The WHMCS sandbox against the facts in README's "WHMCS" section, over real
 * HTTP, so a native WHMCS node can trust it: XML unless `responsetype=json`,
 * IP before credential, API roles, paging and search, and CreateSsoToken's
 * links and errors.
 */
import { request } from 'undici';

import { Sandbox } from './server';
import {
	WHMCS_API_CREDENTIAL,
	WHMCS_API_CREDENTIALS,
	WHMCS_CLIENT,
	WHMCS_CLIENT_WITHOUT_SERVICES,
	WHMCS_CLIENTS,
	WHMCS_DESTINATIONS,
	WHMCS_DOMAIN,
	WHMCS_ERRORS,
	WHMCS_KEY,
	WHMCS_OTHER_DOMAIN,
	WHMCS_OTHER_SERVICE,
	WHMCS_OTHER_USER,
	WHMCS_SEARCHES,
	WHMCS_SERVICE,
	WHMCS_SSO_BLOCKED_CLIENT,
	WHMCS_USER,
	WHMCS_USER_WITHOUT_CLIENT,
	whmcsOwnerUser,
} from './whmcs';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

interface CallOptions {
	/** The API credential for the form body; null sends none. */
	credential?: { identifier: string; secret: string } | null;
	/** Send the access key as a form field (default), in the query, or not at all. */
	accessKey?: 'form' | 'query' | 'none';
	/** Extra query parameters. */
	query?: Record<string, string>;
	/** Leave out `responsetype=json`. */
	xml?: boolean;
}

/** One API call as a well-behaved client makes it: everything in the form body. */
async function api(fields: Record<string, string | number>, options: CallOptions = {}) {
	const { credential = WHMCS_API_CREDENTIAL, accessKey = 'form', xml = false } = options;
	const form = new URLSearchParams({
		...Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, String(value)])),
		...(credential ?? {}),
		...(xml ? {} : { responsetype: 'json' }),
		...(accessKey === 'form' ? { accesskey: WHMCS_KEY } : {}),
	});
	const query = new URLSearchParams({ ...options.query, ...(accessKey === 'query' ? { accesskey: WHMCS_KEY } : {}) });
	const response = await request(`${sandbox.baseUrl('whmcs')}/includes/api.php${query.size ? `?${query}` : ''}`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: form.toString(),
	});
	const text = await response.body.text();
	return {
		status: response.statusCode,
		contentType: String(response.headers['content-type']),
		text,
		json: (xml ? {} : JSON.parse(text)) as Record<string, any>,
	};
}

async function open(url: string): Promise<number> {
	const response = await request(url);
	await response.body.text();
	return response.statusCode;
}

describe('transport', () => {
	it('answers XML without responsetype=json', async () => {
		const answer = await api({ action: 'GetClients', limitnum: 2 }, { xml: true });
		expect(answer.contentType).toBe('text/xml');
		expect(answer.text).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>\n<whmcsapi><action>GetClients<\/action><result>success<\/result><totalresults>60<\/totalresults>/);
		expect(answer.text.match(/<client><id>/g)).toHaveLength(2);
		const refused = await api({ action: 'GetClients' }, { xml: true, accessKey: 'none' });
		expect(refused.text).toContain('<result>error</result><message>Invalid IP 127.0.0.1</message>');
	});

	it('reads no fields from a JSON body, as PHP fills $_POST from forms only', async () => {
		const response = await request(`${sandbox.baseUrl('whmcs')}/includes/api.php?accesskey=${WHMCS_KEY}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'GetClients', ...WHMCS_API_CREDENTIAL, responsetype: 'json' }),
		});
		// No responsetype either, so XML.
		expect(await response.body.text()).toContain('<message>Authentication Failed</message>');
	});

	it('accepts identifier and secret in the query, as WHMCS does, and records it', async () => {
		const answer = await api(
			{ action: 'GetClients', limitnum: 1 },
			{ credential: null, query: { ...WHMCS_API_CREDENTIAL } },
		);
		expect(answer.json.result).toBe('success');
		expect(sandbox.whmcs.secretsInQuery).toEqual([{ action: 'GetClients', names: ['identifier', 'secret'] }]);
		sandbox.reset();
		await api({ action: 'GetClients', limitnum: 1 }, { accessKey: 'query' });
		expect(sandbox.whmcs.secretsInQuery).toEqual([]);
	});

	it('404s anything but /includes/api.php, in HTML', async () => {
		expect(await open(`${sandbox.baseUrl('whmcs')}/`)).toBe(404);
	});
});

describe('IP restriction and credentials', () => {
	it('refuses an IP not allowed, with HTTP 200 or 403, before looking at the credential', async () => {
		const wrong = { identifier: WHMCS_API_CREDENTIAL.identifier, secret: 'wrong' };
		expect(await api({ action: 'GetClients' }, { accessKey: 'none', credential: wrong })).toMatchObject({
			status: 200,
			json: { result: 'error', message: 'Invalid IP 127.0.0.1' },
		});
		sandbox.whmcs.ipRefusalStatus = 403;
		expect((await api({ action: 'GetClients' }, { accessKey: 'none' })).status).toBe(403);
		expect(sandbox.whmcs.calls).toEqual([]);
	});

	it('the access key (form or query) or an allowed IP lifts it, and nothing else', async () => {
		expect((await api({ action: 'GetClients', limitnum: 1 }, { accessKey: 'form' })).json.result).toBe('success');
		expect((await api({ action: 'GetClients', limitnum: 1 }, { accessKey: 'query' })).json.result).toBe('success');
		sandbox.whmcs.ipAllowed = true;
		expect((await api({ action: 'GetClients', limitnum: 1 }, { accessKey: 'none' })).json.result).toBe('success');
		const wrong = await api({ action: 'GetClients' }, { credential: { identifier: WHMCS_API_CREDENTIAL.identifier, secret: 'wrong' } });
		expect(wrong).toMatchObject({ status: 200, json: { result: 'error', message: 'Authentication Failed' } });
	});

	it('API roles: each credential calls its actions only', async () => {
		const { listOnly, ssoOnly } = WHMCS_API_CREDENTIALS;
		expect((await api({ action: 'GetClientsDomains', clientid: WHMCS_CLIENT }, { credential: listOnly })).json.result).toBe('success');
		expect((await api({ action: 'CreateSsoToken', client_id: WHMCS_CLIENT }, { credential: listOnly })).json).toEqual({
			result: 'error',
			message: 'Invalid Permissions: API action "createssotoken" is not allowed',
		});
		expect((await api({ action: 'CreateSsoToken', client_id: WHMCS_CLIENT }, { credential: ssoOnly })).json.result).toBe('success');
		sandbox.whmcs.permissionDeniedStatus = 403;
		const denied = await api({ action: 'GetClients' }, { credential: ssoOnly });
		expect([denied.status, denied.json.message]).toEqual([403, 'Invalid Permissions: API action "getclients" is not allowed']);
	});

	it('an unknown action: Command Not Found; actions match whatever their case', async () => {
		expect((await api({ action: 'GetInvoices' })).json).toEqual({ result: 'error', message: 'Command Not Found' });
		expect((await api({ action: 'getclients', limitnum: 1 })).json.result).toBe('success');
	});
});

describe('listing', () => {
	it('GetClients pages 25 at a time: totalresults a string, startnumber and numreturned numbers', async () => {
		const pages = [];
		for (const limitstart of [0, 25, 50]) pages.push((await api({ action: 'GetClients', limitstart })).json);
		expect(pages.map(({ totalresults, startnumber, numreturned }) => [totalresults, startnumber, numreturned])).toEqual([
			['60', 0, 25],
			['60', 25, 25],
			['60', 50, 10],
		]);
		const clients = pages.flatMap((page) => page.clients.client);
		expect(new Set(clients.map((client) => client.id)).size).toBe(60);
		expect(Object.keys(clients[0]).sort()).toEqual(['companyname', 'datecreated', 'email', 'firstname', 'groupid', 'id', 'lastname', 'status']);
		expect(typeof clients[0].id).toBe('number');
		// By last name; DESC reverses.
		const lastNames = clients.map((client) => client.lastname);
		expect(lastNames).toEqual([...lastNames].sort((a, b) => a.localeCompare(b, 'en')));
		const desc = await api({ action: 'GetClients', sorting: 'DESC', limitnum: 100 });
		expect(desc.json.clients.client.map((client: { id: number }) => client.id)).toEqual(clients.map((client) => client.id).reverse());
		// Past the end: no list, as an empty string.
		expect((await api({ action: 'GetClients', limitstart: 60 })).json).toEqual({
			result: 'success',
			totalresults: '60',
			startnumber: 60,
			numreturned: 0,
			clients: '',
		});
	});

	it('search matches the start of e-mail, names, full name or company, ignoring case', async () => {
		for (const [term, ids] of Object.entries(WHMCS_SEARCHES)) {
			const answer = (await api({ action: 'GetClients', search: term.toUpperCase() })).json;
			const found = answer.clients ? answer.clients.client.map((client: { id: number }) => client.id) : [];
			expect({ term, found: found.sort((a: number, b: number) => a - b) }).toEqual({ term, found: [...ids] });
		}
	});

	it('paging quirks and empty-list shapes are switches, off after reset()', async () => {
		sandbox.whmcs.paging = { pageSizeCap: 10 };
		expect((await api({ action: 'GetClients', limitnum: 50 })).json.numreturned).toBe(10);
		sandbox.whmcs.paging = { ignoreOffset: true };
		const first = (await api({ action: 'GetClients' })).json.clients.client[0].id;
		expect((await api({ action: 'GetClients', limitstart: 25 })).json.clients.client[0].id).toBe(first);
		sandbox.whmcs.emptyListAs = 'missing';
		expect((await api({ action: 'GetClients', search: 'zzz' })).json).not.toHaveProperty('clients');
		sandbox.whmcs.emptyListAs = 'emptyList';
		expect((await api({ action: 'GetClients', search: 'zzz' })).json.clients).toEqual({ client: [] });
		sandbox.reset();
		expect(sandbox.whmcs.paging).toEqual({});
		expect(sandbox.whmcs.emptyListAs).toBe('emptyString');
	});

	it("GetClientsProducts and GetClientsDomains list a client's own, filter, and refuse an unknown client", async () => {
		const products = (await api({ action: 'GetClientsProducts', clientid: WHMCS_CLIENT })).json;
		expect(products.products.product.map((service: { id: number }) => service.id)).toContain(WHMCS_SERVICE);
		expect(products.products.product.every((service: { clientid: string }) => service.clientid === String(WHMCS_CLIENT))).toBe(true);
		const one = (await api({ action: 'GetClientsProducts', serviceid: WHMCS_SERVICE })).json;
		expect([one.totalresults, one.products.product[0].id]).toEqual(['1', WHMCS_SERVICE]);
		const domains = (await api({ action: 'GetClientsDomains', clientid: WHMCS_CLIENT })).json;
		expect(domains.domains.domain.map((domain: { id: number }) => domain.id)).toContain(WHMCS_DOMAIN);
		expect(domains.domains.domain.map((domain: { id: number }) => domain.id)).not.toContain(WHMCS_OTHER_DOMAIN);
		expect((await api({ action: 'GetClientsDomains', domainid: WHMCS_DOMAIN })).json.domains.domain[0].userid).toBe(String(WHMCS_CLIENT));
		const none = (await api({ action: 'GetClientsProducts', clientid: WHMCS_CLIENT_WITHOUT_SERVICES })).json;
		expect([none.totalresults, none.products]).toEqual(['0', '']);
		for (const action of ['GetClientsProducts', 'GetClientsDomains']) {
			expect((await api({ action, clientid: 999 })).json).toEqual({ result: 'error', message: 'Client Not Found' });
		}
		// Every service across clients pages too.
		const all = (await api({ action: 'GetClientsProducts', limitstart: 100 })).json;
		expect(Number(all.totalresults)).toBeGreaterThan(100);
	});
});

describe('CreateSsoToken', () => {
	it('mints a link that opens once and lands where asked', async () => {
		const answer = (await api({ action: 'CreateSsoToken', client_id: WHMCS_CLIENT })).json;
		expect(Object.keys(answer).sort()).toEqual(['access_token', 'redirect_url', 'result']);
		expect(answer.redirect_url).toBe(`${sandbox.origin}/whmcs/login/${answer.access_token}`);
		expect(await open(answer.redirect_url)).toBe(200);
		expect(await open(answer.redirect_url)).toBe(410);
		expect(sandbox.whmcs.ssoGrants[0]).toMatchObject({
			clientId: WHMCS_CLIENT,
			userId: whmcsOwnerUser(WHMCS_CLIENT),
			destination: null,
			landing: `WHMCS client area of client ${WHMCS_CLIENT} (Anna Berg) as user ${whmcsOwnerUser(WHMCS_CLIENT)}, client area home`,
		});
		expect(sandbox.whmcs.ssoGrants[0].expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
	});

	it('every destination, with the service, domain or path it needs', async () => {
		const needs: Record<string, Record<string, string | number>> = {
			'clientarea:product_details': { service_id: WHMCS_SERVICE },
			'clientarea:upgrade': { service_id: WHMCS_SERVICE },
			'clientarea:domain_details': { domain_id: WHMCS_DOMAIN },
			'clientarea:domain_dns': { domain_id: WHMCS_DOMAIN },
			'clientarea:domain_nameservers': { domain_id: WHMCS_DOMAIN },
			'sso:custom_redirect': { sso_redirect_path: 'cart.php?a=add&pid=3' },
		};
		for (const destination of WHMCS_DESTINATIONS) {
			const answer = await api({ action: 'CreateSsoToken', client_id: WHMCS_CLIENT, destination, ...needs[destination] });
			expect({ destination, result: answer.json.result }).toEqual({ destination, result: 'success' });
		}
		const landings = sandbox.whmcs.ssoGrants.map((grant) => grant.landing.replace(/^.*?, /, ''));
		expect(landings).toContain(`clientarea:product_details, service ${WHMCS_SERVICE}`);
		expect(landings).toContain(`clientarea:domain_dns, domain ${WHMCS_DOMAIN}`);
		expect(landings).toContain('sso:custom_redirect, path cart.php?a=add&pid=3');
	});

	it('user_id: a user of the client, or alone (its first client)', async () => {
		await api({ action: 'CreateSsoToken', client_id: WHMCS_CLIENT, user_id: WHMCS_USER });
		await api({ action: 'CreateSsoToken', user_id: WHMCS_OTHER_USER });
		expect(sandbox.whmcs.ssoGrants.map((grant) => [grant.clientId, grant.userId])).toEqual([
			[WHMCS_CLIENT, WHMCS_USER],
			[13, WHMCS_OTHER_USER],
		]);
	});

	it.each([
		[{}, WHMCS_ERRORS.clientOrUserRequired],
		[{ client_id: 'abc' }, 'Invalid client_id'],
		[{ client_id: 999 }, 'Client ID Not Found'],
		[{ user_id: 9999 }, 'Invalid user_id'],
		[{ client_id: WHMCS_CLIENT, user_id: WHMCS_OTHER_USER }, 'Invalid user_id for client'],
		[{ user_id: WHMCS_USER_WITHOUT_CLIENT }, `Token could not be provisioned: user ${WHMCS_USER_WITHOUT_CLIENT} has no client account`],
		[{ client_id: WHMCS_SSO_BLOCKED_CLIENT }, `SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}`],
		[{ client_id: WHMCS_CLIENT, destination: 'clientarea:nowhere' }, 'Invalid destination'],
		[{ client_id: WHMCS_CLIENT, destination: 'clientarea:product_details' }, 'Token could not be provisioned: clientarea:product_details requires a service_id'],
		[
			{ client_id: WHMCS_CLIENT, destination: 'clientarea:upgrade', service_id: WHMCS_OTHER_SERVICE },
			`Token could not be provisioned: service_id ${WHMCS_OTHER_SERVICE} does not belong to client ${WHMCS_CLIENT}`,
		],
		[{ client_id: WHMCS_CLIENT, destination: 'clientarea:domain_dns' }, 'Token could not be provisioned: clientarea:domain_dns requires a domain_id'],
		[
			{ client_id: WHMCS_CLIENT, destination: 'clientarea:domain_details', domain_id: WHMCS_OTHER_DOMAIN },
			`Token could not be provisioned: domain_id ${WHMCS_OTHER_DOMAIN} does not belong to client ${WHMCS_CLIENT}`,
		],
		[
			{ client_id: WHMCS_CLIENT, destination: 'sso:custom_redirect', sso_redirect_path: 'https://evil.example/' },
			'Token could not be provisioned: sso_redirect_path must be a path inside WHMCS, not an absolute URL',
		],
	] as Array<[Record<string, string | number>, string]>)('%j: %s', async (fields, message) => {
		const answer = await api({ action: 'CreateSsoToken', ...fields });
		expect([answer.status, answer.json]).toEqual([200, { result: 'error', message }]);
		expect(sandbox.whmcs.ssoGrants).toEqual([]);
	});

	it('keeps the ids the Custom provider tests use', () => {
		for (const id of [7, 12]) expect(WHMCS_CLIENTS.find((client) => client.id === id)?.status).toBe('Active');
		expect(WHMCS_CLIENTS.some((client) => client.id === 999)).toBe(false);
	});
});
