/**
 * The HostUp node, run inside real n8n executions against the sandbox.
 */
import { listSearch, runNode, runNodeWithin, startNode, testCredential } from '../helpers/n8n';
import type { RunNodeOptions } from '../helpers/n8n';
import { byId, expectNoSecrets, expectSsoLink, openLink, visibleText } from '../helpers/assertions';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { Sandbox } from '../sandbox/server';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

const ACME = hostUpAccountId(0);
const ACME_SITE = hostUpSiteId(0, 0);
const SUSPENDED = hostUpAccountId(3);

function credentials(apiKey: string = HOSTUP_KEYS.full) {
	return { hostUpApi: { apiKey, baseUrl: sandbox.baseUrl('hostup') } };
}

function hostUp(parameters: RunNodeOptions['parameters'], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'hostUp', parameters, credentials: credentials(), ...extra });
}

const wordpressLink = (accountId = ACME, siteId = ACME_SITE) => ({
	resource: 'wordpressSite',
	operation: 'createSsoLink',
	accountId: byId(accountId),
	siteId: byId(siteId),
});

describe('credential test', () => {
	it('accepts a working key', async () => {
		expect(await testCredential('hostUpApi', credentials().hostUpApi)).toBe(200);
		expect(sandbox.requestsTo('hostup')[0]).toMatchObject({ path: '/api/v2/shared-hosting', query: { limit: '1' } });
	});

	it('rejects a wrong key', async () => {
		expect(await testCredential('hostUpApi', credentials('hu_wrong_key').hostUpApi)).toBe(401);
	});

	it('tolerates a trailing slash in the base URL', async () => {
		const data = { apiKey: HOSTUP_KEYS.full, baseUrl: `${sandbox.baseUrl('hostup')}/` };
		expect(await testCredential('hostUpApi', data)).toBe(200);
	});
});

describe('wordpressSite createSsoLink', () => {
	it('mints a wp-admin link with the normalized output', async () => {
		const run = await hostUp(wordpressLink());
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(1);
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({
			provider: 'hostup',
			target: 'wordpressAdmin',
			resourceId: ACME_SITE,
			expiresAt: null,
			expiresInSeconds: null,
			singleUse: true,
		});
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		expect(sandbox.hostup.minted).toEqual([{ accountId: ACME, siteId: ACME_SITE }]);
		// The link logs in once, as HostUp's do.
		expect(await openLink(link.url)).toBe(200);
		expect(await openLink(link.url)).toBe(410);
	});

	it('mints one link per input item, each paired with its item', async () => {
		const run = await hostUp(
			{ ...wordpressLink(), siteId: byId('={{ $json.siteId }}') },
			{ items: [{ siteId: hostUpSiteId(0, 0) }, { siteId: hostUpSiteId(0, 1) }] },
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => [item.json.resourceId, item.pairedItem])).toEqual([
			[hostUpSiteId(0, 0), { item: 0 }],
			[hostUpSiteId(0, 1), { item: 1 }],
		]);
	});

	it('404 for a site the account does not have says which pair was asked for', async () => {
		// As after switching Account in the editor: the site of another account stays selected.
		const run = await hostUp(wordpressLink(ACME, hostUpSiteId(1, 0)));
		expect(run.error?.message).toBe(
			`Not found: The requested resource could not be found (WordPress site ${hostUpSiteId(1, 0)} in account ${ACME})`,
		);
		expect(run.error?.httpCode).toBe('404');
		expect(run.error?.description).toContain('The site must belong to the account');
		expect(run.error?.description).toContain('HostUp error code: not_found');
	});
});

describe('account createSsoLink', () => {
	it('mints a control-panel link', async () => {
		const run = await hostUp({ resource: 'account', operation: 'createSsoLink', accountId: byId(ACME) });
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({ provider: 'hostup', target: 'controlPanel', resourceId: ACME, singleUse: true });
		expect(await openLink(link.url)).toBe(200);
	});

	it('takes expiresAt verbatim and derives expiresInSeconds when HostUp gives a timestamp', async () => {
		// Not what the sandbox normally does: answer as an account whose panel exposes a TTL.
		const expiresAt = new Date(Date.now() + 300_000).toISOString();
		sandbox.fault({
			provider: 'hostup',
			method: 'POST',
			fault: { kind: 'status', status: 200, extra: { loginUrl: 'https://cpanel.example.com/login/x', expiresAt, singleUse: false } },
		});
		const run = await hostUp({ resource: 'account', operation: 'createSsoLink', accountId: byId(ACME) });
		const link = expectSsoLink(run.items[0]);
		expect(link.expiresAt).toBe(expiresAt);
		expect(link.expiresInSeconds).toBeGreaterThan(290);
		expect(link.expiresInSeconds).toBeLessThanOrEqual(300);
		expect(link.singleUse).toBe(false);
	});

	it('400 for a suspended account, in HostUp words', async () => {
		const run = await hostUp({ resource: 'account', operation: 'createSsoLink', accountId: byId(SUSPENDED) });
		expect(run.error?.message).toBe('Invalid request: The account is suspended.');
		expect(run.error?.httpCode).toBe('400');
	});
});

describe('a minted link is never thrown away, whatever else the answer holds', () => {
	// Reproduced: HostUp answered { loginUrl, tokenVersion, meta } to the WordPress SSO
	// POST and the node failed with "unexpected response (id: Required)" after HostUp
	// had minted the link.
	it('wp-admin: only loginUrl, plus fields HostUp does not document', async () => {
		sandbox.fault({
			provider: 'hostup',
			method: 'POST',
			fault: { kind: 'reshape', omit: ['id', 'expiresAt', 'singleUse'], set: { tokenVersion: 2, meta: { region: 'se-sto-1' } } },
		});
		const run = await hostUp(wordpressLink());
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		// The site comes from the request; what HostUp did not say stays unknown.
		expect(link).toMatchObject({ provider: 'hostup', target: 'wordpressAdmin', resourceId: ACME_SITE, expiresAt: null, expiresInSeconds: null, singleUse: null });
		expect(await openLink(link.url)).toBe(200);
	});

	it('wp-admin: documented fields of the wrong type are read as unknown', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'reshape', set: { id: 42, expiresAt: { at: 'later' }, singleUse: 'yes' } } });
		const run = await hostUp(wordpressLink());
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ resourceId: ACME_SITE, expiresAt: null, singleUse: null });
	});

	it('control panel: only loginUrl', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'reshape', omit: ['expiresAt', 'singleUse'], set: { session: { panel: 'cpanel' } } } });
		const run = await hostUp({ resource: 'account', operation: 'createSsoLink', accountId: byId(ACME) });
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({ target: 'controlPanel', resourceId: ACME, expiresAt: null, singleUse: null });
		expect(await openLink(link.url)).toBe(200);
	});

	it('an answer without a login URL is still an error that names the field', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'reshape', omit: ['loginUrl'], set: { url: 'https://example.com/x' } } });
		const run = await hostUp(wordpressLink());
		expect(run.error?.message).toBe('HostUp answered with an unexpected response (loginUrl: Required)');
	});
});

describe('account getMany', () => {
	it('returns all accounts over several cursor pages', async () => {
		sandbox.hostup.growTo(250);
		const run = await hostUp({ resource: 'account', operation: 'getMany', returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(250);
		expect(new Set(run.items.map((item) => item.json.id)).size).toBe(250);
		expect(run.items.every((item) => typeof item.json.id === 'string' && item.pairedItem)).toBe(true);
		const pages = sandbox.requestsTo('hostup');
		expect(pages.map((entry) => entry.query.limit)).toEqual(['100', '100', '100']);
		expect(pages[0].query.cursor).toBeUndefined();
		expect(pages[1].query.cursor).toBeDefined();
	});

	it('asks for no more than the limit', async () => {
		sandbox.hostup.growTo(250);
		const run = await hostUp({ resource: 'account', operation: 'getMany', returnAll: false, limit: 150 });
		expect(run.items).toHaveLength(150);
		expect(sandbox.requestsTo('hostup').map((entry) => entry.query.limit)).toEqual(['100', '50']);
	});

	it('defaults to a limit of 50', async () => {
		sandbox.hostup.growTo(80);
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.items).toHaveLength(50);
	});

	it('stops on the last page even when fewer than the limit exist', async () => {
		const run = await hostUp({ resource: 'account', operation: 'getMany', limit: 500 });
		expect(run.items).toHaveLength(7);
		expect(run.items[0].json).toMatchObject({ id: ACME, name: 'Acme Bakery', primaryDomain: 'acme-bakery.se' });
	});

	it('works with a read-only key', async () => {
		const run = await hostUp({ resource: 'account', operation: 'getMany' }, { credentials: credentials(HOSTUP_KEYS.readOnly) });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(7);
	});
});

describe('account getMany: Return All never stops early and never loops', () => {
	const getAll = () => runNodeWithin({ type: 'hostUp', parameters: { resource: 'account', operation: 'getMany', returnAll: true }, credentials: credentials() }, 5000);

	it('follows the cursor when HostUp serves smaller pages than asked for', async () => {
		sandbox.hostup.growTo(130);
		sandbox.hostup.paging = { pageSizeCap: 40 };
		const run = await getAll();
		expect(run.error).toBeUndefined();
		expect(new Set(run.items.map((item) => item.json.id)).size).toBe(130);
		expect(run.items).toHaveLength(130);
	});

	it('hasMore without a cursor is an error that says so, not a silent stop', async () => {
		sandbox.hostup.growTo(130);
		sandbox.hostup.paging = { hasMoreWithoutCursor: true };
		const run = await getAll();
		expect(run.overran).toBe(false);
		expect(run.items).toHaveLength(0);
		expect(run.error?.message).toBe('HostUp said more accounts follow (hasMore) but gave no cursor for them, after 100 accounts');
		expect(run.error?.description).toContain('HostUp error code: invalid_pagination');
	});

	it('a cursor that repeats is an error, not an endless loop', async () => {
		sandbox.hostup.growTo(250);
		sandbox.hostup.paging = { repeatCursor: true };
		const run = await getAll();
		expect(run.overran).toBe(false);
		expect(run.error?.message).toBe('HostUp gave a cursor it had already given, after 200 accounts: following it would list them again');
		expect(sandbox.requestsTo('hostup')).toHaveLength(2);
	});

	it('a server that ignores the cursor is an error, not an endless loop', async () => {
		sandbox.hostup.growTo(250);
		sandbox.hostup.paging = { ignoreOffset: true };
		const run = await getAll();
		expect(run.overran).toBe(false);
		expect(run.error?.message).toBe('HostUp answered the page after 100 accounts with accounts it had already listed: it ignores the cursor');
	});

	it('the limit still asks for no more than needed when pages are capped', async () => {
		sandbox.hostup.growTo(130);
		sandbox.hostup.paging = { pageSizeCap: 40 };
		const run = await hostUp({ resource: 'account', operation: 'getMany', returnAll: false, limit: 90 });
		expect(run.items).toHaveLength(90);
		expect(sandbox.requestsTo('hostup').map((entry) => entry.query.limit)).toEqual(['90', '50', '10']);
	});
});

describe('account getSsoAvailability', () => {
	it('says available for an active account', async () => {
		const run = await hostUp({ resource: 'account', operation: 'getSsoAvailability', accountId: byId(ACME) });
		expect(run.items.map((item) => item.json)).toEqual([{ accountId: ACME, available: true, reason: null }]);
	});

	it('says why not for a suspended one', async () => {
		const run = await hostUp({ resource: 'account', operation: 'getSsoAvailability', accountId: byId(SUSPENDED) });
		expect(run.items[0].json).toEqual({ accountId: SUSPENDED, available: false, reason: 'The account is suspended.' });
	});
});

describe('wordpressSite getMany', () => {
	it('lists the sites of an account with their accountId', async () => {
		const run = await hostUp({ resource: 'wordpressSite', operation: 'getMany', accountId: byId(hostUpAccountId(4)), returnAll: true });
		expect(run.items.map((item) => [item.json.id, item.json.accountId])).toEqual([
			[hostUpSiteId(4, 0), hostUpAccountId(4)],
			[hostUpSiteId(4, 1), hostUpAccountId(4)],
			[hostUpSiteId(4, 2), hostUpAccountId(4)],
		]);
		expect(run.items[0].json).toMatchObject({ url: 'https://kaffekod.se', siteName: 'Kaffe & Kod', adminUsername: 'admin' });
	});

	it('applies the limit', async () => {
		const run = await hostUp({ resource: 'wordpressSite', operation: 'getMany', accountId: byId(hostUpAccountId(4)), limit: 2 });
		expect(run.items).toHaveLength(2);
	});

	it('returns nothing for an account without sites', async () => {
		const run = await hostUp({ resource: 'wordpressSite', operation: 'getMany', accountId: byId(hostUpAccountId(2)), returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(0);
	});
});

describe('resource pickers', () => {
	it('lists accounts, searchable by name or domain', async () => {
		const all = await listSearch({ type: 'hostUp', method: 'searchHostUpAccounts', parameters: {}, credentials: credentials() });
		expect(all.results).toHaveLength(7);
		expect(all.results[0]).toEqual({ name: 'Acme main site (acme-bakery.se)', value: ACME });
		expect(all.results[3].name).toBe('Fjord Consulting (fjord.consulting) [suspended]');
		const found = await listSearch({ type: 'hostUp', method: 'searchHostUpAccounts', parameters: {}, credentials: credentials(), filter: 'BIKES' });
		expect(found.results.map((entry) => entry.value)).toEqual([hostUpAccountId(1)]);
	});

	it('pages through accounts with the pagination token', async () => {
		sandbox.hostup.growTo(130);
		const first = await listSearch({ type: 'hostUp', method: 'searchHostUpAccounts', parameters: {}, credentials: credentials() });
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBeDefined();
		const second = await listSearch({
			type: 'hostUp',
			method: 'searchHostUpAccounts',
			parameters: {},
			credentials: credentials(),
			paginationToken: first.paginationToken as string,
		});
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
	});

	it('lists the sites of the chosen account', async () => {
		const sites = await listSearch({
			type: 'hostUp',
			method: 'searchHostUpWordPressSites',
			parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId(ACME) },
			credentials: credentials(),
		});
		expect(sites.results).toEqual([
			{ name: 'Acme Bakery — https://acme-bakery.se', value: hostUpSiteId(0, 0), url: 'https://acme-bakery.se' },
			{ name: 'Acme Bakery 2 — https://acme-bakery.se/site2', value: hostUpSiteId(0, 1), url: 'https://acme-bakery.se/site2' },
		]);
	});

	it("HostUp's reason why an account has no sites reaches the picker through the redactor: no link, no token", async () => {
		sandbox.fault({
			provider: 'hostup',
			method: 'GET',
			path: `/${ACME}/wordpress`,
			fault: { kind: 'reshape', set: { sites: [], available: false, reason: 'Suspended: pay at https://cloud.hostup.se/pay?token=tok-5b4a3f2e' } },
		});
		const error = await listSearch({
			type: 'hostUp',
			method: 'searchHostUpWordPressSites',
			parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId(ACME) },
			credentials: credentials(),
		}).catch((thrown: Error) => thrown);
		expect((error as Error).message).toBe('No WordPress sites: Suspended: pay at https://cloud.hostup.se/[redacted]');
	});

	it('asks for an account before listing sites', async () => {
		await expect(
			listSearch({
				type: 'hostUp',
				method: 'searchHostUpWordPressSites',
				parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId('') },
				credentials: credentials(),
			}),
		).rejects.toThrow('Choose an account first');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('bad input is rejected before any request', () => {
	// Ids usually come from earlier nodes through expressions, which the editor cannot check.
	it.each([
		['an empty account', '', ACME_SITE, 'Invalid "Account": it is empty'],
		['an account id of the wrong form', 'site_123', ACME_SITE, 'Invalid "Account": "site_123" is not "acct_" followed by letters and digits (e.g. acct_'],
		['a site id of the wrong form', ACME, 'acct_123', 'Invalid "WordPress Site": "acct_123" is not "wp_" followed by letters and digits (e.g. wp_'],
		['an id with a path in it', ACME, 'wp_1/../../x', 'Invalid "WordPress Site"'],
	])('%s', async (_label, accountId, siteId, message) => {
		const run = await hostUp(
			{ ...wordpressLink(), accountId: byId('={{ $json.account }}'), siteId: byId('={{ $json.site }}') },
			{ items: [{ account: accountId, site: siteId }] },
		);
		expect(run.error?.message).toContain(message);
		expect(run.error?.name).toBe('NodeOperationError');
		expect(run.error?.description).toContain('no request was sent');
		expect(sandbox.requests).toHaveLength(0);
	});

	it.each([
		['a login link from an earlier node', 'https://cloud.hostup.se/login/Zx81kq?token=tok-9f8e7d6c5b4a', /a value that looks like a link \(\d+ characters, not shown\)/],
		['a key pasted into the wrong field', 'hk_live_9f8e7d6c5b4a3f2e1d0c9b8a7f6e', /a value that looks like a key or token \(\d+ characters, not shown\)/],
	])('%s put into By ID is described, never echoed: not in the error, the Continue On Fail item or an AI tool answer', async (_label, value, described) => {
		const run = await hostUp({ ...wordpressLink(), siteId: byId('={{ $json.site }}') }, { items: [{ site: value }] });
		expect(run.error?.message).toMatch(described);
		expect(JSON.stringify(run.error)).not.toContain(value.slice(-12));
		const cof = await hostUp({ ...wordpressLink(), siteId: byId('={{ $json.site }}') }, { items: [{ site: value }], continueOnFail: true });
		expect(JSON.stringify(cof.items)).not.toContain(value.slice(-12));
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a fixed id of the wrong form fails the item before any request, naming the parameter', async () => {
		// Checked when the node runs, not by an editor regex (locators.ts says why).
		const run = await hostUp(wordpressLink(ACME, 'acct_123'));
		expect(run.error?.message).toContain('Invalid "WordPress Site": "acct_123" is not "wp_" followed by letters and digits');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('provider errors', () => {
	it('401: wrong key, with a hint and no key in the error', async () => {
		const run = await hostUp(wordpressLink(), { credentials: credentials('hu_wrong_key_12345') });
		expect(run.error?.message).toBe('Unauthorized: Authentication is required.');
		expect(run.error?.httpCode).toBe('401');
		expect(run.error?.description).toContain('Check the API key');
		expectNoSecrets(run, ['hu_wrong_key_12345']);
	});

	it('401: expired key', async () => {
		const run = await hostUp(wordpressLink(), { credentials: credentials(HOSTUP_KEYS.expired) });
		expect(run.error?.message).toBe('Unauthorized: The API key has expired.');
	});

	it('403: a key without the scope to mint', async () => {
		const run = await hostUp(wordpressLink(), { credentials: credentials(HOSTUP_KEYS.readOnly) });
		expect(run.error?.message).toBe('Forbidden: The API key lacks the scope(s): write:hosting, console:services.');
		expect(run.error?.httpCode).toBe('403');
		expect(run.error?.description).toContain('HostUp error code: forbidden');
		expectNoSecrets(run, [HOSTUP_KEYS.readOnly]);
	});

	it('404: an unknown account', async () => {
		const run = await hostUp({ resource: 'account', operation: 'getSsoAvailability', accountId: byId('acct_unknown') });
		expect(run.error?.httpCode).toBe('404');
		expect(run.error?.description).toContain('not_found');
	});

	it('400 with field errors lists each field', async () => {
		sandbox.fault({
			provider: 'hostup',
			fault: {
				kind: 'status',
				status: 400,
				code: 'invalid_request',
				message: 'The request failed validation.',
				extra: { title: 'Invalid request', errors: [{ pointer: '/query/limit', detail: '`limit` must be an integer from 1 to 100.', code: 'out_of_range' }] },
			},
		});
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.error?.message).toBe('Invalid request: The request failed validation.');
		expect(run.error?.description).toContain('/query/limit: `limit` must be an integer from 1 to 100.');
		expect(run.error?.description).toContain('HostUp error code: invalid_request');
	});

	it('500 on a minting POST is not retried', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'status', status: 500, code: 'internal_error', message: 'An unexpected error occurred.' } });
		const run = await hostUp(wordpressLink());
		expect(run.error?.message).toBe('Internal server error: An unexpected error occurred.');
		expect(run.error?.httpCode).toBe('500');
		expect(sandbox.requestsTo('hostup')).toHaveLength(1);
	});

	it('503 on a GET is retried and then succeeds', async () => {
		sandbox.fault({ provider: 'hostup', method: 'GET', times: 1, fault: { kind: 'status', status: 503, code: 'unavailable' } });
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(7);
		expect(sandbox.requestsTo('hostup').map((entry) => entry.status)).toEqual([503, 200]);
	});

	it('503 on a minting POST is not retried', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'status', status: 503, code: 'unavailable' } });
		const run = await hostUp(wordpressLink());
		expect(run.error?.httpCode).toBe('503');
		expect(sandbox.requestsTo('hostup')).toHaveLength(1);
	});

	it('a reset connection on a GET is retried', async () => {
		sandbox.fault({ provider: 'hostup', method: 'GET', fault: { kind: 'reset' } });
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.error).toBeUndefined();
		expect(sandbox.requestsTo('hostup').map((entry) => entry.status)).toEqual(['reset', 200]);
	});

	it('a reset connection on a minting POST fails with a network error', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'reset' } });
		const run = await hostUp(wordpressLink());
		expect(run.error?.message).toMatch(/^Could not reach HostUp at http:\/\/127\.0\.0\.1:\d+: the connection was closed unexpectedly$/);
		expect(run.error?.description).toContain('ECONNRESET');
		expect(sandbox.requestsTo('hostup')).toHaveLength(1);
	});

	it('a malformed JSON body is a clear error', async () => {
		sandbox.fault({ provider: 'hostup', fault: { kind: 'malformedJson' } });
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.error?.message).toBe('HostUp answered HTTP 200 with a body that is not JSON (application/json)');
		expect(run.error?.description).toContain('invalid_response');
	});

	it('an HTML error page is a clear error', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'html', status: 502 } });
		const run = await hostUp(wordpressLink());
		expect(run.error?.message).toBe('HostUp answered HTTP 502 with a body that is not JSON');
		expect(run.error?.httpCode).toBe('502');
	});

	it('a success body of the wrong shape names the field', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'status', status: 200, extra: { loginUrl: 42 } } });
		const run = await hostUp(wordpressLink());
		expect(run.error?.message).toMatch(/^HostUp answered with an unexpected response \(loginUrl: /);
	});

	it('secrets and URLs a provider echoes are redacted', async () => {
		sandbox.fault({
			provider: 'hostup',
			method: 'POST',
			fault: {
				kind: 'status',
				status: 500,
				message: `Key ${HOSTUP_KEYS.full} failed for https://example.com/wp-admin/?hostup_sso=SECRETTOKEN (Authorization: Bearer abc.def)`,
			},
		});
		const run = await hostUp(wordpressLink());
		expect(run.error?.message).toContain('[redacted]');
		expectNoSecrets(run, [HOSTUP_KEYS.full, 'SECRETTOKEN', 'abc.def']);
	});
});

describe('rate limits (429)', () => {
	it('waits Retry-After seconds and then succeeds', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 1, fault: { kind: 'rateLimit', retryAfter: '1' } });
		const started = Date.now();
		const run = await hostUp(wordpressLink());
		expect(run.error).toBeUndefined();
		expectSsoLink(run.items[0]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(sandbox.requestsTo('hostup').map((entry) => entry.status)).toEqual([429, 200]);
	});

	it('honours Retry-After as an HTTP date', async () => {
		const at = new Date(Date.now() + 1500);
		sandbox.fault({ provider: 'hostup', times: 1, fault: { kind: 'rateLimit', retryAfter: at.toUTCString() } });
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.error).toBeUndefined();
		expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(at.getTime() / 1000) * 1000 - 50);
	});

	it('falls back to X-RateLimit-Reset (an ISO time)', async () => {
		const reset = new Date(Date.now() + 1000);
		sandbox.fault({ provider: 'hostup', times: 1, fault: { kind: 'rateLimit', rateLimitReset: reset.toISOString() } });
		const run = await hostUp({ resource: 'account', operation: 'getMany' });
		expect(run.error).toBeUndefined();
		expect(Date.now()).toBeGreaterThanOrEqual(reset.getTime() - 50);
	});

	it('fails at once, saying when to retry, if the wait is longer than the maximum', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'rateLimit', retryAfter: '3600' } });
		const started = Date.now();
		const run = await hostUp(wordpressLink());
		expect(Date.now() - started).toBeLessThan(1000);
		expect(run.error?.message).toMatch(/^Too many requests: .*Retry in 3600 seconds \(at \d{4}-/);
		expect(run.error?.httpCode).toBe('429');
		expect(run.error?.description).toContain('HostUp error code: rate_limit_exceeded');
		expect(sandbox.requestsTo('hostup')).toHaveLength(1);
	});

	it('cancelling the execution ends a long Retry-After wait at once', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', fault: { kind: 'rateLimit', retryAfter: '30' } });
		const execution = startNode({ type: 'hostUp', parameters: wordpressLink(), credentials: credentials() });
		while (sandbox.requestsTo('hostup').length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		await new Promise((resolve) => setTimeout(resolve, 200));
		const cancelledAt = Date.now();
		execution.cancel();
		const run = await execution.done;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(run.items).toHaveLength(0);
		expect(sandbox.requestsTo('hostup')).toHaveLength(1);
	});

	it('retries a 429 as long as Max Retry Wait allows, not a fixed number of times', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 10, fault: { kind: 'rateLimit', retryAfter: '0' } });
		const run = await hostUp(wordpressLink());
		expect(run.error).toBeUndefined();
		expectSsoLink(run.items[0]);
		expect(sandbox.requestsTo('hostup').map((entry) => entry.status)).toEqual([...Array<number>(10).fill(429), 200]);
	});

	it('gives up once Max Retry Wait is spent, saying so', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 100, fault: { kind: 'rateLimit', retryAfter: '1' } });
		const started = Date.now();
		const run = await hostUp({ ...wordpressLink(), requestOptions: { maxRetryWait: 2.5 } });
		expect(Date.now() - started).toBeLessThan(2500);
		expect(run.error?.httpCode).toBe('429');
		expect(run.error?.message).toMatch(/Still rate-limited after waiting \d+ seconds?$/);
		expect(run.error?.description).toContain('Max Retry Wait (2.5 s)');
		expect(run.error?.description).toContain('HostUp error code: rate_limit_exceeded');
		// 0 s, about 1 s and about 2 s; the next wait would end after 2.5 s.
		expect(sandbox.requestsTo('hostup').length).toBeGreaterThanOrEqual(2);
		expect(sandbox.requestsTo('hostup').length).toBeLessThanOrEqual(3);
	});

	it('X-RateLimit-Reset as delta seconds is a wait of that many seconds', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 1, fault: { kind: 'rateLimit', rateLimitReset: '1' } });
		const started = Date.now();
		const run = await hostUp(wordpressLink());
		expect(run.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	it('the pause a 429 asks for holds the next execution too: the limit is per provider, not per run', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', times: 1, fault: { kind: 'rateLimit', retryAfter: '1' } });
		const first = hostUp(wordpressLink());
		while (sandbox.requestsTo('hostup').length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
		const secondStarted = Date.now();
		const second = await hostUp(wordpressLink());
		expect(second.error).toBeUndefined();
		expect(Date.now() - secondStarted).toBeGreaterThanOrEqual(800);
		expect((await first).error).toBeUndefined();
		expect(sandbox.requestsTo('hostup').map((entry) => entry.status)).toEqual([429, 200, 200]);
	});
});

describe('a failed run reports its own failure (review defects)', () => {
	it('an item waiting on a 429 does not replace the real error of another item', async () => {
		sandbox.fault({ provider: 'hostup', method: 'POST', path: `/${ACME_SITE}/`, times: 1, fault: { kind: 'rateLimit', retryAfter: '2' } });
		const started = Date.now();
		const run = await hostUp(
			{ resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId(ACME), siteId: byId('={{ $json.site }}') },
			{ items: [{ site: ACME_SITE }, { site: 'wp_unknown' }] },
		);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(run.error?.httpCode).toBe('404');
		expect(run.error?.message).not.toMatch(/stopped after an earlier item failed/);
		expect(run.error?.context?.itemIndex).toBe(1);
	});

	it('a read backing off after a 503 stops when another item fails', async () => {
		sandbox.fault({ provider: 'hostup', method: 'GET', path: `/${ACME}/wordpress`, times: 10, fault: { kind: 'status', status: 503 } });
		const started = Date.now();
		const run = await hostUp(
			{ resource: 'wordpressSite', operation: 'getMany', accountId: byId('={{ $json.account }}'), returnAll: true },
			{ items: [{ account: ACME }, { account: 'acct_unknown' }] },
		);
		expect(run.error?.httpCode).toBe('404');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(Date.now() - started).toBeLessThan(3000);
		// The 503 was not asked again once the run had failed.
		expect(sandbox.requestsTo('hostup').filter((entry) => entry.path.includes(ACME))).toHaveLength(1);
	});
});

describe('continue on fail', () => {
	it('gives one item per input item, paired, with failures in the contract shape', async () => {
		const run = await hostUp(
			{ resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId('={{ $json.account }}'), siteId: byId('={{ $json.site }}') },
			{
				continueOnFail: true,
				items: [
					{ account: ACME, site: ACME_SITE },
					{ account: 'acct_unknown', site: ACME_SITE },
					{ account: 'not-an-id', site: ACME_SITE },
					{ account: ACME, site: hostUpSiteId(0, 1) },
				],
			},
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toEqual({
			error: `Not found: The requested resource could not be found (WordPress site ${ACME_SITE} in account acct_unknown)`,
			code: 'not_found',
			httpCode: 404,
			provider: 'hostup',
		});
		expect(run.items[2].json).toEqual({
			error: 'Invalid "Account": "not-an-id" is not "acct_" followed by letters and digits (e.g. acct_01hxa3b4c5d6e7f8g9h0j1k2m3)',
			code: 'invalid_parameter',
			httpCode: null,
			provider: 'hostup',
		});
		expectSsoLink(run.items[3]);
		// Failed items never carry a link or the key.
		expect(JSON.stringify([run.items[1].json, run.items[2].json])).not.toMatch(/login|hu_sandbox/);
	});

	it('with "Continue (using error output)", failed items leave by the error output', async () => {
		const run = await hostUp(
			{ ...wordpressLink(), accountId: byId('={{ $json.account }}') },
			{ errorOutput: true, items: [{ account: ACME }, { account: 'acct_unknown' }, { account: ACME }] },
		);
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		run.items.forEach((item) => expectSsoLink(item));
		expect(run.errorItems).toHaveLength(1);
		expect(run.errorItems[0].pairedItem).toEqual({ item: 1 });
		// (n8n also merges the input item's fields in when the node has a previous node.)
		// n8n (1.x and 2.x) routes by the item's error and reduces its JSON to the message;
		// the provider's code and the HTTP status stay on the error.
		expect(run.errorItems[0].json).toEqual({ error: `Not found: The requested resource could not be found (WordPress site ${ACME_SITE} in account acct_unknown)` });
		const error = run.errorItems[0].error as unknown as { httpCode?: string; description?: string; context?: Record<string, unknown> };
		expect(error.httpCode).toBe('404');
		expect(error.context).toMatchObject({ provider: 'hostup', providerCode: 'not_found' });
		expect(error.description).toContain('HostUp error code: not_found');
	});

	it('without it, the first failure stops the node and names the item', async () => {
		const run = await hostUp(
			{ ...wordpressLink(), accountId: byId('={{ $json.account }}') },
			{ items: [{ account: ACME }, { account: 'acct_unknown' }] },
		);
		expect(run.error?.message).toBe(`Not found: The requested resource could not be found (WordPress site ${ACME_SITE} in account acct_unknown)`);
		expect(run.error?.context?.itemIndex).toBe(1);
	});
});

describe('no secret leaks', () => {
	it('no API key or login URL in any error or listing', async () => {
		const runs = [
			await hostUp(wordpressLink(), { credentials: credentials(HOSTUP_KEYS.readOnly) }),
			await hostUp(wordpressLink('acct_unknown')),
			await hostUp({ resource: 'account', operation: 'getMany', returnAll: true }),
			await hostUp({ resource: 'wordpressSite', operation: 'getMany', accountId: byId(ACME), returnAll: true }),
		];
		const minted = await hostUp(wordpressLink());
		const loginUrl = minted.items[0].json.url as string;
		for (const run of runs) {
			expectNoSecrets(run, [HOSTUP_KEYS.full, HOSTUP_KEYS.readOnly, loginUrl, '/login/']);
		}
		expect(visibleText(minted)).not.toContain(HOSTUP_KEYS.full);
	});
});
