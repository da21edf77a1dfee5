/**
 * The SSO Link node: every provider through one node, one output shape, run
 * inside real n8n executions against the sandbox.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { byId, expectNoSecrets, expectSsoLink, openLink } from '../helpers/assertions';
import { PACKAGE_ROOT, credentialTest, listSearch, loadPackage, runNode } from '../helpers/n8n';
import type { NodeRun, RunNodeOptions } from '../helpers/n8n';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { INSTALLATRON_INSTALLS, INSTALLATRON_KEYS } from '../sandbox/installatron';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { WHM_TOKEN } from '../sandbox/cpanel';
import { WHMCS_API_CREDENTIAL, WHMCS_KEY } from '../sandbox/whmcs';
import { Sandbox } from '../sandbox/server';
import { WISECP_KEYS } from '../sandbox/wisecp';
import { providerProperty, targetCredentials, targetProperties } from '../../nodes/SsoLink/description';
import type { SsoTarget } from '../../nodes/shared/provider';
import { SSO_TARGETS } from '../../nodes/providers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset());

function allCredentials() {
	return {
		hostUpApi: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') },
		installatronApi: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: sandbox.baseUrl('installatron') },
		mailUpApi: { ...MAILUP_ACCOUNT, baseUrl: sandbox.baseUrl('mailup') },
		wisecpApi: { apiKey: WISECP_KEYS.full, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` },
	};
}

/** WHMCS with identifier and secret as secret body fields, and the access key as a query parameter, as many integrations send it. */
const whmcsCredential = (overrides: Record<string, unknown> = {}) => ({
	ssoLinkCustomApi: {
		baseUrl: sandbox.baseUrl('whmcs'),
		keyLocation: 'query',
		queryName: 'accesskey',
		apiKey: WHMCS_KEY,
		bodyFields: pairs({ identifier: WHMCS_API_CREDENTIAL.identifier, secret: WHMCS_API_CREDENTIAL.secret }),
		...overrides,
	},
});

/** A credential name/value list as n8n stores it (a fixedCollection of `values`). */
function pairs(values: Record<string, string>) {
	return { values: Object.entries(values).map(([name, value]) => ({ name, value })) };
}

const WHMCS_SECRETS = [WHMCS_KEY, WHMCS_API_CREDENTIAL.identifier, WHMCS_API_CREDENTIAL.secret];
const cpanelCredential = () => ({
	ssoLinkCustomApi: { baseUrl: sandbox.baseUrl('cpanel'), keyLocation: 'header', headerName: 'Authorization', apiKey: `whm root:${WHM_TOKEN}` },
});

const whmcsParameters = (clientId: string | number = 12) => ({
	provider: 'custom',
	method: 'POST',
	path: '/includes/api.php',
	bodyFormat: 'form',
	body: JSON.stringify({ action: 'CreateSsoToken', client_id: clientId, destination: 'clientarea:services', responsetype: 'json' }),
	urlPath: 'redirect_url',
	resourceId: String(clientId),
	response: { successPath: 'result', successValue: 'success', errorMessagePath: 'message', singleUse: 'true' },
});

const cpanelParameters = (user = 'bob') => ({
	provider: 'custom',
	method: 'GET',
	path: '/json-api/create_user_session',
	query: JSON.stringify({ 'api.version': 1, user, service: 'cpaneld' }),
	urlPath: 'data.url',
	resourceId: user,
	response: { successPath: 'metadata.result', successValue: '1', errorMessagePath: 'metadata.reason', expiresAtPath: 'data.expires' },
});

function ssoLink(parameters: Record<string, unknown>, extra: { credentials?: Record<string, Record<string, unknown>>; items?: Record<string, unknown>[]; continueOnFail?: boolean } = {}) {
	return runNode({
		type: 'ssoLink',
		parameters: parameters as RunNodeOptions['parameters'],
		credentials: (extra.credentials ?? allCredentials()) as RunNodeOptions['credentials'],
		items: extra.items as RunNodeOptions['items'],
		continueOnFail: extra.continueOnFail,
	});
}

/** Each provider choice, its parameters under the provider node's names, and what the link must say. */
const CHOICES: Array<[string, () => Record<string, unknown>, () => Record<string, Record<string, unknown>>, Record<string, unknown>]> = [
	['hostUpWordPress', () => ({ accountId: byId(hostUpAccountId(0)), siteId: byId(hostUpSiteId(0, 0)) }), allCredentials, { provider: 'hostup', target: 'wordpressAdmin', resourceId: hostUpSiteId(0, 0) }],
	['hostUpControlPanel', () => ({ accountId: byId(hostUpAccountId(0)) }), allCredentials, { provider: 'hostup', target: 'controlPanel', resourceId: hostUpAccountId(0) }],
	['installatron', () => ({ installId: byId(INSTALLATRON_INSTALLS.wordpress), options: { redirectUrl: '/wp-admin' } }), allCredentials, { provider: 'installatron', target: 'applicationAdmin', singleUse: null }],
	['mailUp', () => ({}), allCredentials, { provider: 'mailup', target: 'console', expiresInSeconds: 600 }],
	['wisecp', () => ({ userId: byId('4'), destination: 'ac-ps-invoices' }), allCredentials, { provider: 'wisecp', target: 'clientArea', resourceId: '4', expiresInSeconds: 60, singleUse: true }],
	['custom (WHMCS-shaped)', () => whmcsParameters(), whmcsCredential, { provider: 'custom', target: 'custom', resourceId: '12', singleUse: true, expiresAt: null }],
	['custom (cPanel-shaped)', () => cpanelParameters(), cpanelCredential, { provider: 'custom', target: 'custom', resourceId: 'bob', singleUse: null }],
];

describe('every provider, one output', () => {
	it.each(CHOICES)('%s', async (choice, parameters, credentials, expected) => {
		const provider = choice.startsWith('custom') ? 'custom' : choice;
		const run = await ssoLink({ provider, ...parameters() }, { credentials: credentials() });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(1);
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject(expected);
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		expect(await openLink(link.url)).toBe(200);
	});

	it('outputs exactly what the provider node outputs, field for field', async () => {
		const timeless = (run: NodeRun) => {
			const { url: _url, createdAt: _createdAt, expiresAt: _expiresAt, ...rest } = run.items[0].json;
			return rest;
		};
		const viaSsoLink = await ssoLink({ provider: 'wisecp', userId: byId('4'), destination: 'basket' });
		const viaWisecp = await runNode({
			type: 'wisecp',
			parameters: { resource: 'client', operation: 'createSsoLink', userId: byId('4'), destination: 'basket' },
			credentials: allCredentials(),
		});
		expect(timeless(viaSsoLink)).toEqual(timeless(viaWisecp));
		expect(sandbox.wisecp.ssoRequests).toEqual([
			{ user_id: 4, destination: 'basket' },
			{ user_id: 4, destination: 'basket' },
		]);
	});

	it('cPanel-shaped: reads an epoch expiry and derives the lifetime', async () => {
		const run = await ssoLink(cpanelParameters(), { credentials: cpanelCredential() });
		const link = expectSsoLink(run.items[0]);
		expect(link.expiresInSeconds).toBeGreaterThan(290);
		expect(link.expiresInSeconds).toBeLessThanOrEqual(300);
		expect(link.expiresAt).toMatch(/Z$/);
	});

	it('WHMCS-shaped: sends a form body and the key as a query parameter', async () => {
		await ssoLink(whmcsParameters(7), { credentials: whmcsCredential() });
		expect(sandbox.whmcs.calls).toEqual([{ action: 'CreateSsoToken', client_id: '7', destination: 'clientarea:services', responsetype: 'json' }]);
	});
});

describe('custom provider: a minted link is never thrown away', () => {
	it('a lifetime that is null is unknown, not 0 seconds', async () => {
		sandbox.fault({ provider: 'cpanel', fault: { kind: 'reshape', set: { 'data.expires_in': null } } });
		const run = await ssoLink(
			{ ...cpanelParameters(), response: { ...cpanelParameters().response, expiresAtPath: '', expiresInPath: 'data.expires_in' } },
			{ credentials: cpanelCredential() },
		);
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ expiresAt: null, expiresInSeconds: null });
	});

	it.each([
		['a lifetime that is not a number', 'true'],
		['an empty lifetime', ''],
	])('%s is unknown', async (_label, value) => {
		sandbox.fault({ provider: 'cpanel', fault: { kind: 'reshape', set: { 'data.expires_in': value === 'true' ? true : value } } });
		const run = await ssoLink(
			{ ...cpanelParameters(), response: { ...cpanelParameters().response, expiresAtPath: '', expiresInPath: 'data.expires_in' } },
			{ credentials: cpanelCredential() },
		);
		expect(expectSsoLink(run.items[0])).toMatchObject({ expiresAt: null, expiresInSeconds: null });
	});

	it('an epoch expiry no date can hold does not fail the item', async () => {
		sandbox.fault({ provider: 'cpanel', fault: { kind: 'reshape', set: { 'data.expires': 1e300 } } });
		const run = await ssoLink(cpanelParameters(), { credentials: cpanelCredential() });
		expect(run.error).toBeUndefined();
		const link = expectSsoLink(run.items[0]);
		expect(link).toMatchObject({ expiresAt: null, expiresInSeconds: null });
		expect(await openLink(link.url)).toBe(200);
	});

	it('an unreadable expiry falls through to the lifetime', async () => {
		sandbox.fault({ provider: 'cpanel', fault: { kind: 'reshape', set: { 'data.expires': 'soon', 'data.ttl': 900 } } });
		const run = await ssoLink(
			{ ...cpanelParameters(), response: { ...cpanelParameters().response, expiresInPath: 'data.ttl' } },
			{ credentials: cpanelCredential() },
		);
		expect(expectSsoLink(run.items[0]).expiresInSeconds).toBe(900);
	});
});

describe('custom provider errors and retries', () => {
	it("reads the provider's message when it reports failure with HTTP 200 (WHMCS)", async () => {
		const run = await ssoLink(whmcsParameters(999), { credentials: whmcsCredential() });
		expect(run.error?.message).toBe('Client ID Not Found');
		expect(run.error?.httpCode).toBe('200');
		expectNoSecrets(run, WHMCS_SECRETS);
	});

	it('reads it at a nested path (cPanel)', async () => {
		const run = await ssoLink(cpanelParameters('mallory'), { credentials: cpanelCredential() });
		expect(run.error?.message).toBe('You cannot create a session for the user “mallory” because they do not exist.');
		expectNoSecrets(run, [WHM_TOKEN]);
	});

	it('a wrong key', async () => {
		const run = await ssoLink(cpanelParameters(), { credentials: { ssoLinkCustomApi: { ...cpanelCredential().ssoLinkCustomApi, apiKey: 'whm root:WRONGTOKEN1234' } } });
		expect(run.error?.message).toBe('The provider answered HTTP 403');
		expectNoSecrets(run, ['WRONGTOKEN1234']);
	});

	it('retries a 429 as every provider does', async () => {
		sandbox.fault({ provider: 'whmcs', times: 1, fault: { kind: 'rateLimit', retryAfter: '1' } });
		const run = await ssoLink(whmcsParameters(), { credentials: whmcsCredential() });
		expect(run.error).toBeUndefined();
		expect(sandbox.requestsTo('whmcs').map((entry) => entry.status)).toEqual([429, 200]);
	});

	it('never repeats a minting GET on a 502 (cPanel mints with GET)', async () => {
		sandbox.fault({ provider: 'cpanel', times: 1, fault: { kind: 'status', status: 502 } });
		const run = await ssoLink(cpanelParameters(), { credentials: cpanelCredential() });
		expect(run.error?.httpCode).toBe('502');
		expect(sandbox.requestsTo('cpanel')).toHaveLength(1);
	});

	it('an answer without a URL at the Link Path says so', async () => {
		const run = await ssoLink({ ...whmcsParameters(), urlPath: 'data.url' }, { credentials: whmcsCredential() });
		expect(run.error?.message).toBe('The answer has no http(s) URL at "data.url"');
	});

	it('a Body that is not JSON is rejected before any request', async () => {
		const run = await ssoLink({ ...whmcsParameters(), body: '{not json' }, { credentials: whmcsCredential() });
		expect(run.error?.message).toBe('Invalid "Body": it is not valid JSON');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('custom provider: secrets live in the credential', () => {
	it('WHMCS: identifier and secret go from the credential into the form body; the workflow holds none', async () => {
		const parameters = whmcsParameters(7);
		const run = await ssoLink(parameters, { credentials: whmcsCredential() });
		expect(run.error).toBeUndefined();
		expect(await openLink(expectSsoLink(run.items[0]).url)).toBe(200);
		// The sandbox authenticated identifier + secret (it records calls without them).
		expect(sandbox.whmcs.calls).toEqual([{ action: 'CreateSsoToken', client_id: '7', destination: 'clientarea:services', responsetype: 'json' }]);
		for (const secret of WHMCS_SECRETS) expect(JSON.stringify(parameters)).not.toContain(secret);
	});

	it('without them WHMCS refuses, as it does', async () => {
		const run = await ssoLink(whmcsParameters(), { credentials: whmcsCredential({ bodyFields: {} }) });
		expect(run.error?.message).toBe('Authentication Failed');
	});

	it('secret query parameters; Send Key As: None where WHMCS allows n8n\'s IP', async () => {
		const run = await ssoLink(whmcsParameters(), {
			credentials: whmcsCredential({ keyLocation: 'none', apiKey: '', queryParameters: pairs({ accesskey: WHMCS_KEY }) }),
		});
		expect(run.error).toBeUndefined();
		expect(sandbox.requestsTo('whmcs')[0].query).toEqual({ accesskey: WHMCS_KEY });

		sandbox.reset();
		sandbox.whmcs.ipAllowed = true;
		const allowed = await ssoLink(whmcsParameters(), { credentials: whmcsCredential({ keyLocation: 'none', apiKey: '' }) });
		expect(allowed.error).toBeUndefined();
		expect(sandbox.requestsTo('whmcs')[0].query).toEqual({});
	});

	it('a wrong secret: WHMCS\'s words, and no secret anywhere', async () => {
		const wrong = 'wrong-whmcs-secret-0123456789';
		const run = await ssoLink(whmcsParameters(), {
			credentials: whmcsCredential({ bodyFields: pairs({ identifier: WHMCS_API_CREDENTIAL.identifier, secret: wrong }) }),
		});
		expect(run.error?.message).toBe('Authentication Failed');
		expectNoSecrets(run, [...WHMCS_SECRETS, wrong]);
	});

	it('secret values are redacted from errors like the key, also under Continue On Fail', async () => {
		const echo = `Rejected ${WHMCS_API_CREDENTIAL.identifier} / ${WHMCS_API_CREDENTIAL.secret} / ${WHMCS_KEY} / token-in-query-0123456789`;
		sandbox.fault({ provider: 'whmcs', times: 2, fault: { kind: 'status', status: 500, message: echo } });
		const credentials = whmcsCredential({ queryParameters: pairs({ token: 'token-in-query-0123456789' }) });
		const failed = await ssoLink(whmcsParameters(), { credentials });
		expect(failed.error?.message).toBe('Rejected [redacted] / [redacted] / [redacted] / [redacted]');
		const continued = await ssoLink(whmcsParameters(), { credentials, continueOnFail: true });
		expect(continued.items[0].json).toMatchObject({ error: 'Rejected [redacted] / [redacted] / [redacted] / [redacted]', provider: 'custom' });
		expectNoSecrets(failed, [...WHMCS_SECRETS, 'token-in-query-0123456789']);
		expectNoSecrets(continued, [...WHMCS_SECRETS, 'token-in-query-0123456789']);
	});

	it('secret body fields with a GET are refused before any request (a GET has no body)', async () => {
		const run = await ssoLink(cpanelParameters(), {
			credentials: { ssoLinkCustomApi: { ...cpanelCredential().ssoLinkCustomApi, bodyFields: pairs({ secret: 'body-secret-0123456789' }) } },
		});
		expect(run.error?.message).toContain('Invalid "Method": the credential has Secret Body Fields');
		expect(sandbox.requests).toHaveLength(0);
	});

	it("runs the README's WHMCS recipe as written", async () => {
		const recipe = readmeWhmcsRecipe();
		const [node] = recipe.workflow.nodes;
		expect(node.type).toBe('n8n-nodes-sso-link.ssoLink');
		// Nothing secret in the part a workflow stores.
		expect(JSON.stringify(node)).not.toMatch(/identifier|secret|accesskey/i);
		expect(recipe.sendKeyAs).toBe('None');
		expect(recipe.bodyFieldNames).toEqual(['identifier', 'secret', 'accesskey']);
		const values: Record<string, string> = { ...WHMCS_API_CREDENTIAL, accesskey: WHMCS_KEY };
		const credential = (names: string[]) => ({
			ssoLinkCustomApi: {
				baseUrl: sandbox.baseUrl('whmcs'),
				keyLocation: 'none',
				bodyFields: pairs(Object.fromEntries(names.map((name) => [name, values[name]]))),
			},
		});
		const run = await ssoLink(node.parameters, { items: [{ clientId: 12 }], credentials: credential(recipe.bodyFieldNames) });
		expect(run.error).toBeUndefined();
		expect(expectSsoLink(run.items[0])).toMatchObject({ provider: 'custom', target: 'custom', resourceId: '12', singleUse: true });
		expect(sandbox.requestsTo('whmcs')[0].query).toEqual({});

		// Without accesskey where WHMCS allows n8n's IP, as the recipe says.
		sandbox.whmcs.ipAllowed = true;
		const allowed = await ssoLink(node.parameters, { items: [{ clientId: 12 }], credentials: credential(['identifier', 'secret']) });
		expect(allowed.error).toBeUndefined();
	});
});

/** The README's WHMCS recipe: the credential's settings and the node to paste, between the `whmcs-recipe` markers. */
function readmeWhmcsRecipe() {
	const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
	const section = /<!-- whmcs-recipe:start -->([\s\S]*?)<!-- whmcs-recipe:end -->/.exec(readme)?.[1] ?? '';
	const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
	if (!json) throw new Error('README.md has no WHMCS recipe between <!-- whmcs-recipe:start --> and <!-- whmcs-recipe:end -->');
	const bodyFieldsLine = /\*\*Secret Body Fields\*\*:([^\n]*)/.exec(section)?.[1] ?? '';
	return {
		workflow: JSON.parse(json) as { nodes: Array<{ type: string; parameters: Record<string, unknown> }> },
		bodyFieldNames: [...bodyFieldsLine.matchAll(/`([^`]+)` =/g)].map((match) => match[1]),
		sendKeyAs: /\*\*Send Key As\*\*: \*([^*]+)\*/.exec(section)?.[1],
	};
}

describe('custom credential test, as n8n runs it', () => {
	it('passes when the base URL answers, even 404 at the API root (WHMCS-, cPanel-shaped)', async () => {
		expect(await credentialTest('ssoLinkCustomApi', whmcsCredential().ssoLinkCustomApi)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(await credentialTest('ssoLinkCustomApi', cpanelCredential().ssoLinkCustomApi)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.requestsTo('whmcs').map((entry) => [entry.method, entry.path, entry.status])).toEqual([['GET', '/', 404]]);
		expect(sandbox.requestsTo('cpanel').map((entry) => [entry.method, entry.path, entry.status])).toEqual([['GET', '/', 404]]);
	});

	it('sends the key and the secret query parameters, and no body', async () => {
		await credentialTest('ssoLinkCustomApi', whmcsCredential({ queryParameters: pairs({ token: 'token-in-query-0123456789' }) }).ssoLinkCustomApi);
		expect(sandbox.requestsTo('whmcs')[0].query).toEqual({ accesskey: WHMCS_KEY, token: 'token-in-query-0123456789' });
	});

	it('fails when nothing answers', async () => {
		expect(await credentialTest('ssoLinkCustomApi', whmcsCredential({ baseUrl: 'http://127.0.0.1:9' }).ssoLinkCustomApi)).toEqual({
			status: 'Error',
			message: 'ECONNREFUSED',
		});
	});
});

describe('pickers and continue on fail', () => {
	it('offers the provider pickers under the same names', async () => {
		const sites = await listSearch({
			type: 'ssoLink',
			method: 'searchHostUpWordPressSites',
			parameters: { provider: 'hostUpWordPress', accountId: byId(hostUpAccountId(0)) },
			credentials: allCredentials(),
		});
		expect(sites.results.map((entry) => entry.value)).toEqual([hostUpSiteId(0, 0), hostUpSiteId(0, 1)]);
		const clients = await listSearch({ type: 'ssoLink', method: 'searchWisecpClients', parameters: { provider: 'wisecp' }, credentials: allCredentials(), filter: 'anna' });
		expect(clients.results.length).toBeGreaterThan(0);
	});

	it('gives one paired item per input, failures in the contract shape', async () => {
		const run = await ssoLink(
			{ provider: 'hostUpControlPanel', accountId: byId('={{ $json.account }}') },
			{ continueOnFail: true, items: [{ account: hostUpAccountId(0) }, { account: 'acct_unknown' }, { account: hostUpAccountId(1) }] },
		);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expectSsoLink(run.items[0]);
		expect(run.items[1].json).toEqual({ error: 'Not found: The requested resource could not be found.', code: 'not_found', httpCode: 404, provider: 'hostup' });
		expectSsoLink(run.items[2]);
	});
});

describe('generated from the registry', () => {
	it('offers every provider README names, and Custom', async () => {
		const { nodeTypes } = await loadPackage();
		const description = (nodeTypes.ssoLink as { description: { properties: INodeProperties[]; credentials: Array<{ name: string }> } }).description;
		const provider = description.properties.find((property) => property.name === 'provider');
		expect(provider?.options?.map((option) => (option as { value: string }).value)).toEqual([
			'hostUpWordPress',
			'hostUpControlPanel',
			'installatron',
			'mailUp',
			'wisecp',
			'whmcs',
			'cpanel',
			'plesk',
			'directAdmin',
			'custom',
		]);
		const names = new Set(description.properties.map((property) => property.name));
		for (const name of ['accountId', 'siteId', 'installId', 'userId', 'destination', 'destinationValues', 'options', 'clientId', 'serviceId', 'domainId', 'redirectPath', 'username', 'service', 'login', 'userIp']) {
			expect(names.has(name)).toBe(true);
		}
		// HostUp's account picker is shared by both HostUp choices, once.
		const accountIds = description.properties.filter((property) => property.name === 'accountId');
		expect(accountIds).toHaveLength(1);
		expect(accountIds[0].displayOptions?.show?.provider).toEqual(['hostUpWordPress', 'hostUpControlPanel']);
		expect(description.credentials.map((credential) => credential.name)).toEqual([
			'hostUpApi',
			'installatronApi',
			'mailUpApi',
			'wisecpApi',
			'whmcsApi',
			'cpanelApi',
			'pleskApi',
			'directAdminApi',
			'ssoLinkCustomApi',
		]);
	});

	it('no credential rule names every provider, so n8n keeps Provider a dropdown (not an auth field)', () => {
		const shown = targetCredentials(SSO_TARGETS).flatMap((credential) => (credential.displayOptions?.show?.provider ?? []) as string[]);
		expect(SSO_TARGETS.every((target) => shown.includes(target.value))).toBe(false);
	});

	it('a provider added to the registry appears with its parameters and credential, no edit needed', () => {
		const extra: SsoTarget = {
			value: 'acmePanel',
			displayName: 'Acme Panel',
			description: 'test',
			provider: { id: 'acme', displayName: 'Acme' },
			target: 'controlPanel',
			credentialType: 'acmePanelApi',
			properties: [{ displayName: 'Panel User', name: 'panelUser', type: 'string', default: '', displayOptions: { show: { mode: ['a'] } } }],
			mint: async () => ({ url: 'https://x.example', resourceId: null, singleUse: null }),
		};
		const targets = [...SSO_TARGETS, extra];
		expect(providerProperty(targets).options?.map((option) => (option as { value: string }).value)).toContain('acmePanel');
		expect(targetProperties(targets).find((property) => property.name === 'panelUser')?.displayOptions).toEqual({
			show: { mode: ['a'], provider: ['acmePanel'] },
		});
		const acme = targetCredentials(targets).find((credential) => credential.name === 'acmePanelApi');
		expect(acme?.displayOptions?.hide?.provider).toEqual(SSO_TARGETS.map((target) => target.value));
	});
});
