/**
 * The input validators on arbitrary input: the id formats of every picker
 * (getValidatedId, pure, with a stand-in context), and — through real n8n
 * executions fed by expressions — HostUp's account and site ids, Installatron's
 * install id and Redirect URL, and WISECP's user, destination and custom URL.
 * Whatever is accepted is sent exactly and is safe; whatever is refused fails
 * before any request with a NodeOperationError naming the parameter.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getProviderErrorContext } from '../../nodes/shared/errors';
import type { IdFormat } from '../../nodes/shared/locators';
import { getValidatedId } from '../../nodes/shared/locators';
import type { ProviderIdentity } from '../../nodes/shared/provider';
import { HOSTUP } from '../../nodes/providers/hostUp/api';
import { INSTALLATRON } from '../../nodes/providers/installatron/api';
import { WISECP } from '../../nodes/providers/wisecp/api';
import { accountIdParameter, siteIdParameter } from '../../nodes/providers/hostUp/index';
import { installIdParameter } from '../../nodes/providers/installatron/index';
import { userIdParameter } from '../../nodes/providers/wisecp/index';
import { CUSTOM_URL_DESTINATION, DESTINATIONS } from '../../nodes/providers/wisecp/destinations';
import { byId } from '../helpers/assertions';
import { runNode } from '../helpers/n8n';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { INSTALLATRON_INSTALLS, INSTALLATRON_KEYS } from '../sandbox/installatron';
import { Sandbox } from '../sandbox/server';
import { WISECP_KEYS } from '../sandbox/wisecp';
import { NODE } from './arbitraries';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await Sandbox.start();
});
afterAll(async () => sandbox.close());

/** Executions are real: a modest number of runs, several items each. */
const EXECUTION_RUNS = 30;

const PICKERS: Array<{ parameter: { name: string; displayName: string; idFormat: IdFormat }; provider: ProviderIdentity }> = [
	{ parameter: accountIdParameter, provider: HOSTUP },
	{ parameter: siteIdParameter, provider: HOSTUP },
	{ parameter: installIdParameter, provider: INSTALLATRON },
	{ parameter: userIdParameter, provider: WISECP },
];

/** Strings of the id's form, near misses of it, and anything. */
function idCandidate(format: IdFormat): fc.Arbitrary<unknown> {
	const valid = fc.stringMatching(new RegExp(format.pattern));
	return fc.oneof(
		{ weight: 3, arbitrary: valid },
		{ weight: 1, arbitrary: valid.map((id) => `  ${id}\t`) },
		{ weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom('/', '/../x', '?a=1', '#', '%2F', ' ', '\u0000', 'é', '.', '\n', '<')).map(([id, tail]) => `${id}${tail}`) },
		{ weight: 1, arbitrary: fc.tuple(fc.constantFrom('../', '/', ' x', '%'), valid).map(([head, id]) => `${head}${id}`) },
		{ weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
		{ weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.constant(''), fc.constant({}), fc.constant([])) },
	);
}

/** How the parameter arrives: a resource locator as the editor saves it, or a bare value from an expression. */
function rawArb(format: IdFormat) {
	return fc.oneof(
		idCandidate(format).map((value) => ({ __rl: true, mode: 'id', value })),
		idCandidate(format).map((value) => ({ __rl: true, mode: 'list', value })),
		idCandidate(format),
	);
}

function standInContext(raw: unknown): IExecuteFunctions {
	return { getNodeParameter: () => raw, getNode: () => NODE } as unknown as IExecuteFunctions;
}

describe('getValidatedId (every picker\'s id format)', () => {
	it.each(PICKERS)('$parameter.displayName: accepts only ids of its form, safe in a URL path; refuses the rest naming the parameter', ({ parameter, provider }) => {
		fc.assert(
			fc.property(rawArb(parameter.idFormat), (raw) => {
				const value = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { value?: unknown }).value : raw;
				let id: string;
				try {
					id = getValidatedId(standInContext(raw), parameter, 0, provider);
				} catch (error) {
					expect(error).toBeInstanceOf(NodeOperationError);
					expect((error as Error).message).toMatch(new RegExp(`^Invalid "${parameter.displayName}": `));
					expect(getProviderErrorContext(error)).toEqual({ provider: provider.id, providerCode: 'invalid_parameter' });
					return;
				}
				expect(id).toBe(String(value).trim());
				expect(id).toMatch(new RegExp(parameter.idFormat.pattern));
				// Goes into a URL path as it is: nothing to escape, no path tricks.
				expect(encodeURIComponent(id)).toBe(id);
				expect(id).not.toMatch(/^\.\.?$/);
			}),
			{ numRuns: 1000 },
		);
	});
});

function multiset(values: string[]): string[] {
	return [...values].sort();
}

function errorOf(item: INodeExecutionData): { error?: unknown; code?: unknown; provider?: unknown } {
	return item.json as { error?: unknown; code?: unknown; provider?: unknown };
}

const ITEMS = fc.integer({ min: 1, max: 5 });

describe('HostUp: account and site ids through expressions', () => {
	const accountArb = fc.oneof(fc.constantFrom(hostUpAccountId(0), hostUpAccountId(4)), idCandidate(accountIdParameter.idFormat));
	const siteArb = fc.oneof(fc.constantFrom(hostUpSiteId(0, 0), hostUpSiteId(4, 2)), idCandidate(siteIdParameter.idFormat));

	it('sends exactly the valid pairs, refuses each other item before any request, naming the parameter', async () => {
		await fc.assert(
			fc.asyncProperty(ITEMS.chain((count) => fc.array(fc.record({ a: accountArb, s: siteArb }), { minLength: count, maxLength: count })), async (items) => {
				sandbox.reset();
				const run = await runNode({
					type: 'hostUp',
					parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId('={{ $json.a }}'), siteId: byId('={{ $json.s }}') },
					credentials: { hostUpApi: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } },
					items: items as IDataObject[],
					continueOnFail: true,
				});
				expect(run.items.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
				const sent: string[] = [];
				items.forEach((item, index) => {
					const account = String(item.a ?? '').trim();
					const site = String(item.s ?? '').trim();
					const output = errorOf(run.items[index]);
					if (!/^acct_[A-Za-z0-9]+$/.test(account)) {
						expect(output).toMatchObject({ code: 'invalid_parameter', provider: 'hostup' });
						expect(output.error).toMatch(/^Invalid "Account": /);
					} else if (!/^wp_[A-Za-z0-9]+$/.test(site)) {
						expect(output).toMatchObject({ code: 'invalid_parameter', provider: 'hostup' });
						expect(output.error).toMatch(/^Invalid "WordPress Site": /);
					} else {
						expect(output.code).not.toBe('invalid_parameter');
						sent.push(`${account}|${site}`);
					}
				});
				const requests = sandbox.requestsTo('hostup').filter((entry) => entry.method === 'POST');
				expect(multiset(requests.map((entry) => entry.path.replace(/^\/api\/v2\/shared-hosting\/([^/]+)\/wordpress\/([^/]+)\/actions\/sso$/, '$1|$2')))).toEqual(multiset(sent));
			}),
			{ numRuns: EXECUTION_RUNS },
		);
	});
});

/** Whether a browser, resolving the redirect against the application, lands on a web page. */
function resolvesToWebPage(url: string): boolean {
	try {
		return ['http:', 'https:'].includes(new URL(url, 'https://app.example/wp/').protocol);
	} catch {
		return true; // Not a URL a browser would follow at all.
	}
}

describe('Installatron: install id and Redirect URL through expressions', () => {
	const installArb = fc.oneof(fc.constantFrom(INSTALLATRON_INSTALLS.wordpress, INSTALLATRON_INSTALLS.joomla), idCandidate(installIdParameter.idFormat));
	const schemeArb = fc.constantFrom('javascript:', 'JavaScript:', 'data:', 'vbscript:', 'file:', 'http://', 'https://', 'ftp://', '//', '/', '');
	const redirectArb = fc.oneof(
		fc.constantFrom('', '/wp-admin', '/wp-admin/plugins.php', 'controllers/default/welcome.class.php', 'https://acme-bakery.example/wp-admin/', ' /wp-admin '),
		fc.tuple(schemeArb, fc.string({ maxLength: 15 })).map(([scheme, rest]) => `${scheme}${rest}`),
		fc.webUrl(),
		fc.string({ maxLength: 20 }),
	);

	it('sends exactly the valid install and URL, never a URL that resolves to a non-web scheme, refuses the rest naming the parameter', async () => {
		await fc.assert(
			fc.asyncProperty(ITEMS.chain((count) => fc.array(fc.record({ i: installArb, r: redirectArb }), { minLength: count, maxLength: count })), async (items) => {
				sandbox.reset();
				const run = await runNode({
					type: 'installatron',
					parameters: { resource: 'install', operation: 'createSsoLink', installId: byId('={{ $json.i }}'), options: { redirectUrl: '={{ $json.r }}' } },
					credentials: { installatronApi: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: sandbox.baseUrl('installatron') } },
					items: items as IDataObject[],
					continueOnFail: true,
				});
				expect(run.items.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
				const sent: string[] = [];
				items.forEach((item, index) => {
					const install = String(item.i ?? '').trim();
					const output = errorOf(run.items[index]);
					if (!new RegExp(installIdParameter.idFormat.pattern).test(install)) {
						expect(output).toMatchObject({ code: 'invalid_parameter', provider: 'installatron' });
						expect(output.error).toMatch(/^Invalid "Install": /);
					} else if (output.code === 'invalid_parameter') {
						expect(output.error).toMatch(/^Invalid "Redirect URL": /);
					} else {
						const url = item.r.trim();
						expect(resolvesToWebPage(url)).toBe(true);
						expect(url).not.toMatch(/[\s<>"]/);
						sent.push(`${install}|${url}`);
					}
				});
				expect(multiset(sandbox.installatron.logins.map((entry) => `${entry.installId}|${entry.url ?? ''}`))).toEqual(multiset(sent));
			}),
			{ numRuns: EXECUTION_RUNS },
		);
	});

	// README: "nothing a browser would run". A redirect starting with a control character
	// (U+0000–U+001F other than whitespace) passes the scheme check, but browsers drop
	// leading C0 controls when they parse a URL, so "\u0001javascript:…" is javascript:.
	it('refuses a redirect that a browser reads as javascript: after dropping leading control characters', async () => {
		sandbox.reset();
		const items = ['\u0000', '\u0001', '\u0008', '\u001f'].map((control) => ({ r: `${control}javascript:alert(document.domain)` }));
		const run = await runNode({
			type: 'installatron',
			parameters: { resource: 'install', operation: 'createSsoLink', installId: byId(INSTALLATRON_INSTALLS.wordpress), options: { redirectUrl: '={{ $json.r }}' } },
			credentials: { installatronApi: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: sandbox.baseUrl('installatron') } },
			items,
			continueOnFail: true,
		});
		expect(sandbox.installatron.logins).toEqual([]);
		for (const item of run.items) expect(item.json.code).toBe('invalid_parameter');
	});
});

describe('WISECP: user, destination and custom URL through expressions', () => {
	const DESTINATION_VALUES = DESTINATIONS.map((entry) => entry.value);
	// Ids up to 15 digits here; longer ones lose digits (the failing case below).
	const userArb = fc.oneof(
		fc.integer({ min: 1, max: 30 }),
		fc.integer({ min: -3, max: 10 ** 6 }).map(String),
		fc.stringMatching(/^[1-9][0-9]{0,14}$/),
		fc.constantFrom('007', '1.0', '1e3', ' 12 ', '0', '-1', '12abc', '٣', ''),
		fc.string({ maxLength: 8 }),
	);
	const destinationArb = fc.oneof(
		{ weight: 3, arbitrary: fc.constantFrom(...DESTINATION_VALUES) },
		{ weight: 2, arbitrary: fc.constant(CUSTOM_URL_DESTINATION) },
		{ weight: 1, arbitrary: fc.constantFrom('', 'nope', ' my-account ', 'MY-ACCOUNT', 'javascript:alert(1)', 'https://x.example/', 'customurl') },
		{ weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
	);
	const customUrlArb = fc.oneof(
		fc.webUrl(),
		fc.constantFrom('javascript:alert(1)', ' https://x.example/a ', 'https://x.example/"><script>', 'HTTPS://X.EXAMPLE/', 'https://', '//x.example', 'ftp://x.example'),
		fc.string({ maxLength: 20 }),
	);

	it('sends exactly the valid user and destination, only http(s) custom URLs, refuses the rest naming the parameter', async () => {
		await fc.assert(
			fc.asyncProperty(
				ITEMS.chain((count) => fc.array(fc.record({ u: userArb, d: destinationArb, x: customUrlArb }), { minLength: count, maxLength: count })),
				async (items) => {
					sandbox.reset();
					const run = await runNode({
						type: 'wisecp',
						parameters: {
							resource: 'client',
							operation: 'createSsoLink',
							userId: byId('={{ $json.u }}'),
							destination: '={{ $json.d }}',
							destinationUrl: '={{ $json.x }}',
							destinationValues: 'hosting, 12',
						},
						credentials: { wisecpApi: { apiKey: WISECP_KEYS.full, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` } },
						items,
						continueOnFail: true,
					});
					expect(run.items.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
					const sent: string[] = [];
					items.forEach((item, index) => {
						const user = String(item.u ?? '').trim();
						const destination = item.d.trim();
						const output = errorOf(run.items[index]);
						if (!/^[1-9][0-9]*$/.test(user)) {
							expect(output).toMatchObject({ code: 'invalid_parameter', provider: 'wisecp' });
							expect(output.error).toMatch(/^Invalid "User": /);
						} else if (destination === CUSTOM_URL_DESTINATION) {
							const url = item.x.trim();
							if (output.code === 'invalid_parameter') {
								expect(output.error).toMatch(/^Invalid "Destination URL": /);
							} else {
								expect(url).toMatch(/^https?:\/\//i);
								expect(url).not.toMatch(/[\s"<>]/);
								sent.push(`${user}|${url}`);
							}
						} else if (destination !== '' && !DESTINATION_VALUES.includes(destination)) {
							expect(output).toMatchObject({ code: 'invalid_parameter', provider: 'wisecp' });
							expect(output.error).toMatch(/^Invalid "Destination": /);
						} else {
							expect(output.code).not.toBe('invalid_parameter');
							sent.push(`${user}|${destination}`);
						}
					});
					expect(multiset(sandbox.wisecp.ssoRequests.map((entry) => `${String(entry.user_id)}|${String(entry.destination)}`))).toEqual(multiset(sent));
				},
			),
			{ numRuns: EXECUTION_RUNS },
		);
	});

	// User ids go out as JSON numbers, which hold 15 digits exactly: a longer id
	// would reach WISECP changed (123456789012345678 as …680) and mint a link for
	// another client, so the node refuses it before sending anything.
	it('refuses a user id too long to send exactly, and sends nothing', async () => {
		const bodies: string[] = [];
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				bodies.push(body);
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 'successful', data: { url: 'https://wisecp.example/sso/abc' } }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const ids = ['9007199254740993', '123456789012345678', '999999999999999999'];
			const run = await runNode({
				type: 'wisecp',
				parameters: { resource: 'client', operation: 'createSsoLink', userId: byId('={{ $json.u }}'), destination: 'my-account' },
				credentials: { wisecpApi: { apiKey: WISECP_KEYS.full, apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/` } },
				items: ids.map((u) => ({ u })),
				continueOnFail: true,
			});
			expect(run.items.map((item) => item.json.code)).toEqual(ids.map(() => 'invalid_parameter'));
			expect(bodies).toEqual([]);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
