/**
 * The fault matrix: every provider (one column each; HostUp twice, as its
 * login-link POST and its account listing GET) against every fault the
 * sandbox can make, with the outcome a user sees for each cell. The suite
 * (faults.test.ts) runs every cell and checks that outcome; the README's
 * fault table is rendered from these declarations, so it cannot go stale.
 */
import type { ICredentialDataDecryptedObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { byId, expectSsoLink } from '../helpers/assertions';
import type { NodeRun } from '../helpers/n8n';
import { HOSTUP_KEYS, hostUpAccountId, hostUpSiteId } from '../sandbox/hostup';
import { INSTALLATRON_DB_PASSWORDS, INSTALLATRON_INSTALLS, INSTALLATRON_KEYS } from '../sandbox/installatron';
import { MAILUP_ACCOUNT } from '../sandbox/mailup';
import { WHMCS_API_CREDENTIAL, WHMCS_API_CREDENTIALS, WHMCS_KEY, WHMCS_SSO_BLOCKED_CLIENT, whmcsCredentialData } from '../sandbox/whmcs';
import { CPANEL_SUSPENDED_USER, WHM_RESELLER, WHM_TOKEN } from '../sandbox/cpanel';
import { PLESK_ADMIN, PLESK_KEYS, PLESK_RESELLER } from '../sandbox/plesk';
import { DA_ADMIN, DA_KEYLESS_USER, DA_RESELLER } from '../sandbox/directAdmin';
import type { Sandbox } from '../sandbox/server';
import type { FaultSpec } from '../sandbox/types';
import { WISECP_KEYS } from '../sandbox/wisecp';

export const COLUMNS = ['HostUp', 'Installatron', 'MailUp', 'WISECP', 'WHMCS', 'cPanel', 'Plesk', 'DirectAdmin', 'Custom'] as const;
export type Column = (typeof COLUMNS)[number];

/** One way of driving one provider: a node, its parameters, and the request a fault hits. */
export interface ProviderCase {
	id: string;
	column: Column;
	/** Within the HostUp column: `link` (minting POST) or `list` (GET). */
	variant?: 'link' | 'list';
	name: string;
	/** Sandbox prefix of the provider. */
	prefix: string;
	/** The request faults are aimed at. */
	method: 'GET' | 'POST';
	path: string;
	/**
	 * The request makes something (a session, a link) though it is a GET, so it
	 * is not repeated after a 5xx or a network error as a read is (cPanel's
	 * create_user_session).
	 */
	mints?: boolean;
	/** Provider name as the package's messages say it. */
	displayName: string;
	type: string;
	parameters: INodeParameters;
	credentials(sandbox: Sandbox): Record<string, ICredentialDataDecryptedObject>;
	/** Everything of the credential that must never show in an error (plus what the run fetched). */
	secrets(run?: NodeRun): string[];
	/** A successful output item of this case. */
	checkSuccess(item: INodeExecutionData): void;
}

const ACME = hostUpAccountId(0);
const WHMCS_CLIENT_ID = '12';

/** A read the node repeats after a 502/503/504 or a network error: a GET that makes nothing. */
function rereads(c: ProviderCase): boolean {
	return c.method === 'GET' && !c.mints;
}

function whmcsCredentials(sandbox: Sandbox, overrides: Record<string, unknown> = {}): Record<string, ICredentialDataDecryptedObject> {
	const { identifier, secret } = WHMCS_API_CREDENTIALS.full;
	return { whmcsApi: { baseUrl: sandbox.baseUrl('whmcs'), identifier, secret, accessKey: WHMCS_KEY, ...overrides } };
}

/** WHM over plain HTTP with root's token. */
function cpanelCredentials(sandbox: Sandbox, overrides: Record<string, unknown> = {}): Record<string, ICredentialDataDecryptedObject> {
	return { cpanelApi: { baseUrl: sandbox.baseUrl('cpanel'), username: 'root', apiToken: WHM_TOKEN, allowUnauthorizedCerts: false, ...overrides } };
}
/** Plesk's XML API over plain HTTP with the administrator's login and password. */
function pleskCredentials(sandbox: Sandbox, overrides: Record<string, unknown> = {}): Record<string, ICredentialDataDecryptedObject> {
	return {
		pleskApi: { baseUrl: sandbox.baseUrl('plesk'), authentication: 'password', login: PLESK_ADMIN.login, password: PLESK_ADMIN.password, allowUnauthorizedCerts: false, ...overrides },
	};
}
const ACME_SITE = hostUpSiteId(0, 0);

/** DirectAdmin over plain HTTP with the administrator's password. */
function directAdminCredentials(sandbox: Sandbox, overrides: Record<string, unknown> = {}): Record<string, ICredentialDataDecryptedObject> {
	return { directAdminApi: { baseUrl: sandbox.baseUrl('directadmin'), username: DA_ADMIN.username, password: DA_ADMIN.password, allowUnauthorizedCerts: false, ...overrides } };
}

function linkOf(provider: string) {
	return (item: INodeExecutionData) => {
		const link = expectSsoLink(item);
		expect(link.provider).toBe(provider);
	};
}

export const CASES: ProviderCase[] = [
	{
		id: 'hostupLink',
		column: 'HostUp',
		variant: 'link',
		name: 'HostUp wp-admin link',
		prefix: 'hostup',
		method: 'POST',
		path: '/actions/sso',
		displayName: 'HostUp',
		type: 'hostUp',
		parameters: { resource: 'wordpressSite', operation: 'createSsoLink', accountId: byId(ACME), siteId: byId(ACME_SITE) },
		credentials: (sandbox) => ({ hostUpApi: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } }),
		secrets: () => [HOSTUP_KEYS.full],
		checkSuccess: linkOf('hostup'),
	},
	{
		id: 'hostupList',
		column: 'HostUp',
		variant: 'list',
		name: 'HostUp account getMany',
		prefix: 'hostup',
		method: 'GET',
		path: '/api/v2/shared-hosting',
		displayName: 'HostUp',
		type: 'hostUp',
		parameters: { resource: 'account', operation: 'getMany', returnAll: false, limit: 1 },
		credentials: (sandbox) => ({ hostUpApi: { apiKey: HOSTUP_KEYS.full, baseUrl: sandbox.baseUrl('hostup') } }),
		secrets: () => [HOSTUP_KEYS.full],
		checkSuccess: (item) => expect(item.json.id).toBe(ACME),
	},
	{
		id: 'installatron',
		column: 'Installatron',
		name: 'Installatron login',
		prefix: 'installatron',
		method: 'POST',
		path: '/login',
		displayName: 'Installatron',
		type: 'installatron',
		parameters: { resource: 'install', operation: 'createSsoLink', installId: byId(INSTALLATRON_INSTALLS.wordpress), options: {} },
		credentials: (sandbox) => ({ installatronApi: { apiKey: INSTALLATRON_KEYS.valid, baseUrl: sandbox.baseUrl('installatron') } }),
		secrets: () => [INSTALLATRON_KEYS.valid, ...INSTALLATRON_DB_PASSWORDS],
		checkSuccess: linkOf('installatron'),
	},
	{
		id: 'mailup',
		column: 'MailUp',
		name: 'MailUp console link',
		prefix: 'mailup',
		method: 'POST',
		path: '/Console/Sso',
		displayName: 'MailUp',
		type: 'mailUp',
		parameters: { resource: 'console', operation: 'createSsoLink' },
		credentials: (sandbox) => ({ mailUpApi: { ...MAILUP_ACCOUNT, baseUrl: sandbox.baseUrl('mailup') } }),
		secrets: (run) => {
			const token = run?.credentialsHelper.store.mailUpApi?.accessToken;
			return [MAILUP_ACCOUNT.clientSecret, MAILUP_ACCOUNT.password, ...(typeof token === 'string' && token ? [token] : [])];
		},
		checkSuccess: linkOf('mailup'),
	},
	{
		id: 'wisecp',
		column: 'WISECP',
		name: 'WISECP client link',
		prefix: 'wisecp',
		method: 'POST',
		path: 'CreateClientSsoToken',
		displayName: 'WISECP',
		type: 'wisecp',
		parameters: { resource: 'client', operation: 'createSsoLink', userId: byId('4'), destination: 'my-account' },
		credentials: (sandbox) => ({ wisecpApi: { apiKey: WISECP_KEYS.full, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` } }),
		secrets: () => [WISECP_KEYS.full],
		checkSuccess: linkOf('wisecp'),
	},
	{
		id: 'whmcs',
		column: 'WHMCS',
		name: 'WHMCS client link',
		prefix: 'whmcs',
		method: 'POST',
		path: '/includes/api.php',
		displayName: 'WHMCS',
		type: 'whmcs',
		parameters: { resource: 'client', operation: 'createSsoLink', clientId: byId(WHMCS_CLIENT_ID) },
		credentials: (sandbox) => whmcsCredentials(sandbox),
		// The secret first: the echo fault echoes it, so its redaction is checked too.
		secrets: () => [WHMCS_API_CREDENTIALS.full.secret, WHMCS_API_CREDENTIALS.full.identifier, WHMCS_KEY],
		checkSuccess: linkOf('whmcs'),
	},
	{
		id: 'cpanel',
		column: 'cPanel',
		name: 'cPanel & WHM account link',
		prefix: 'cpanel',
		method: 'GET',
		path: '/json-api/create_user_session',
		mints: true,
		displayName: 'cPanel & WHM',
		type: 'cpanel',
		parameters: { resource: 'account', operation: 'createSsoLink', username: byId('bob') },
		credentials: (sandbox) => cpanelCredentials(sandbox),
		secrets: () => [WHM_TOKEN],
		checkSuccess: linkOf('cpanel'),
	},
	{
		id: 'directadmin',
		column: 'DirectAdmin',
		name: 'DirectAdmin user link',
		prefix: 'directadmin',
		method: 'POST',
		path: '/api/login-keys/urls',
		displayName: 'DirectAdmin',
		type: 'directAdmin',
		parameters: { resource: 'user', operation: 'createSsoLink', username: byId('bob') },
		credentials: (sandbox) => directAdminCredentials(sandbox),
		secrets: () => [DA_ADMIN.password],
		checkSuccess: linkOf('directadmin'),
	},
	{
		id: 'plesk',
		column: 'Plesk',
		name: 'Plesk customer link',
		prefix: 'plesk',
		method: 'POST',
		path: '/enterprise/control/agent.php',
		displayName: 'Plesk',
		type: 'plesk',
		parameters: { resource: 'customer', operation: 'createSsoLink', login: byId('acme'), userIp: '127.0.0.1' },
		credentials: (sandbox) => pleskCredentials(sandbox),
		secrets: () => [PLESK_ADMIN.password],
		checkSuccess: linkOf('plesk'),
	},
	{
		id: 'custom',
		column: 'Custom',
		name: 'SSO Link custom (WHMCS-shaped)',
		prefix: 'whmcs',
		method: 'POST',
		path: '/includes/api.php',
		displayName: 'Provider',
		type: 'ssoLink',
		parameters: {
			provider: 'custom',
			method: 'POST',
			path: '/includes/api.php',
			bodyFormat: 'form',
			body: JSON.stringify({ action: 'CreateSsoToken', client_id: 12, responsetype: 'json' }),
			urlPath: 'redirect_url',
			resourceId: '12',
			response: { successPath: 'result', successValue: 'success', errorMessagePath: 'message', singleUse: 'true' },
		},
		credentials: (sandbox) => ({
			ssoLinkCustomApi: whmcsCredentialData(sandbox.baseUrl('whmcs')),
		}),
		// The secret first: the echo fault echoes it, so its redaction is checked too.
		secrets: () => [WHMCS_API_CREDENTIAL.secret, WHMCS_API_CREDENTIAL.identifier, WHMCS_KEY],
		checkSuccess: linkOf('custom'),
	},
];

/** What a user sees for one cell. */
export type Outcome =
	| {
			ok: true;
			/** Statuses the target request got, in order, for a single item (the fault's, then 200). */
			statuses?: Array<number | 'hang' | 'reset'>;
			/** Least time the retry waited, in ms. */
			minWaitMs?: number;
			/** More to check of each output item, besides the case's checkSuccess. */
			checkItem?: (item: INodeExecutionData) => void;
			label?: string;
			deviation?: string;
	  }
	| {
			ok: false;
			code: string;
			message: RegExp;
			httpCode: number | null;
			/** A description line that must be there. */
			description?: RegExp;
			/** How many target requests one item sends (1: not retried). */
			requestsPerItem?: number;
			retryIn?: number;
			label?: string;
			/**
			 * The shipped code does not do this yet (README says it should):
			 * the cell runs as `it.failing` and the table marks it with †.
			 */
			deviation?: string;
	  };

/** How a row sets one cell up; `items` is 1 for the plain run and 3 for the continueOnFail one. */
export interface Arrangement {
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Secrets besides the case's own (a wrong key the row uses). */
	secrets?: string[];
	/** The run must not end before this time (epoch ms): the provider said not to come back earlier. */
	notBefore?: number;
}

export interface Row {
	fault: string;
	/** Cases it applies to; all when absent. */
	only?: string[];
	arrange(sandbox: Sandbox, c: ProviderCase, items: number): Arrangement | void;
	expect(c: ProviderCase, sandbox?: Sandbox): Outcome;
	/** Jest timeout for the cell, ms. */
	timeout?: number;
	/** A run still going after this long is cancelled and the cell fails (default 8 s). */
	deadlineMs?: number;
}

const PERSISTENT = 1000;

function aim(sandbox: Sandbox, c: ProviderCase, fault: FaultSpec['fault'], times: number): void {
	sandbox.fault({ provider: c.prefix, method: c.method, path: c.path, times, fault });
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const HOSTUP_TITLES: Record<number, string> = {
	400: 'Invalid request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not found',
	429: 'Too many requests',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

/** What each provider makes of the sandbox's `status` fault body (its own error shape). */
function statusError(
	c: ProviderCase,
	status: number,
	code: string,
	message: string,
	more: Partial<Extract<Outcome, { ok: false }>> = {},
): Extract<Outcome, { ok: false }> {
	const byColumn: Record<Column, { code: string; message: string }> = {
		HostUp: { code, message: `${HOSTUP_TITLES[status] ?? 'Error'}: ${message}` },
		Installatron: { code, message },
		MailUp: { code, message },
		WISECP: { code: wisecpCode(message, status), message },
		// WHMCS's `{ result: "error", message }`: its words, the status as the code.
		WHMCS: { code: `http_${status}`, message },
		// WHM API 1's `metadata.reason`; a 401/403 in cPanel's older `cpanelresult` shape is a refused token.
		cPanel:
			status === 401 || status === 403
				? { code: 'access_denied', message: `WHM refused the API token (${message})` }
				: { code: `http_${status}`, message },
		// Plesk documents no HTTP error statuses: a proxy's status, the words of the packet (errcode-less), the status as the code.
		Plesk: { code: `http_${status}`, message },
		// DirectAdmin's JSON `{ type, message }`: its words for the type, then the message. A 401 on the
		// mint while the credential works is a refused login-as (the node asks once more to tell).
		DirectAdmin: directAdminError(status, code, message),
		Custom: { code: `http_${status}`, message },
	};
	const expected = byColumn[c.column];
	return {
		ok: false,
		code: expected.code,
		message: new RegExp(`^${escape(expected.message)}$`),
		httpCode: status,
		requestsPerItem: 1,
		...more,
	};
}

/** The DirectAdmin node's account of the sandbox's `{ type: CODE, message }` body. */
function directAdminError(status: number, code: string, message: string): { code: string; message: string } {
	const type = code.toUpperCase();
	if (type === 'UNAUTHORIZED') return { code: 'cannot_login_as', message: 'DirectAdmin did not let admin log in as bob (UNAUTHORIZED)' };
	const words: Record<string, string> = { INTERNAL_ERROR: 'DirectAdmin failed', NOT_FOUND: 'DirectAdmin does not know this API' };
	return { code, message: `${words[type] ?? `DirectAdmin answered HTTP ${status}`} (${type}): ${message}` };
}

/** WISECP's legacy errors carry no code; the node reads one from the message, else from the HTTP status. */
function wisecpCode(message: string, status = 200): string {
	if (/\bip\b.*not allowed/i.test(message)) return 'ip_not_allowed';
	if (/not permitted|permission/i.test(message)) return 'action_not_permitted';
	if (/api ?key/i.test(message)) return 'invalid_api_key';
	if (/(user|client).*not found/i.test(message)) return 'user_not_found';
	return status >= 400 ? `http_${status}` : 'wisecp_error';
}

function statusFaultRow(status: number, code: string, message: string, options: { retriedOnGet?: boolean } = {}): Row {
	return {
		fault: `HTTP ${status}`,
		arrange(sandbox, c) {
			const retried = options.retriedOnGet && rereads(c);
			aim(sandbox, c, { kind: 'status', status, code, message, extra: c.column === 'HostUp' ? { title: HOSTUP_TITLES[status] } : undefined }, retried ? 1 : PERSISTENT);
		},
		expect(c) {
			if (options.retriedOnGet && rereads(c)) return { ok: true, statuses: [status, 200] };
			if (c.column === 'MailUp' && status === 403) {
				// MailUp's console SSO answers 403 until MailUp enables it: the node says so (README).
				return {
					ok: false,
					code: 'sso_not_enabled',
					message: /^MailUp has not enabled single sign-on \(console login links\) for this client ID$/,
					httpCode: 403,
					requestsPerItem: 1,
				};
			}
			if (c.column === 'MailUp' && status === 401) {
				// n8n fetches a new token once and repeats the call (README, MailUp credential).
				return statusError(c, status, code, message, { requestsPerItem: 2, label: 'new token, repeated once → error `' + code + '`' });
			}
			if (c.id === 'hostupLink' && status === 404) {
				// HostUp's words, then the pair asked for (README, HostUp node).
				const said = statusError(c, status, code, message);
				return { ...said, message: new RegExp(`${said.message.source.replace(/\\\.\$$/, '')} \\(WordPress site ${ACME_SITE} in account ${ACME}\\)$`) };
			}
			return statusError(c, status, code, message);
		},
	};
}

function tooManyRequests(c: ProviderCase): string {
	if (c.column === 'HostUp') return 'Too many requests: Too many requests. Retry after the limit resets.';
	if (c.column === 'DirectAdmin') return 'DirectAdmin answered HTTP 429 (RATE_LIMIT_EXCEEDED): Too many requests. Retry after the limit resets.';
	return 'Too many requests. Retry after the limit resets.';
}

function rateLimitCode(c: ProviderCase): string {
	if (c.column === 'WISECP' || c.column === 'WHMCS' || c.column === 'cPanel' || c.column === 'Plesk' || c.column === 'Custom') return 'http_429';
	return 'rate_limit_exceeded';
}

function notJson(c: ProviderCase, status: number, contentType: string): RegExp {
	return new RegExp(`^${escape(c.displayName)} answered HTTP ${status} with a body that is not JSON \\(${escape(contentType)}\\)$`);
}

/**
 * WHMCS and WHM answer nothing but their API's JSON: anything else is another
 * application at the Base URL (a wrong path or port), and the nodes say so.
 */
const NOT_THE_API: Partial<Record<Column, { code: string; message: (status: number) => RegExp }>> = {
	WHMCS: { code: 'not_whmcs_api', message: (status) => new RegExp(`^WHMCS answered HTTP ${status} with something other than its API's JSON$`) },
	cPanel: { code: 'not_whm_api', message: (status) => new RegExp(`^WHM answered HTTP ${status} with something other than its API's JSON$`) },
	Plesk: { code: 'not_plesk_api', message: (status) => new RegExp(`^Plesk answered HTTP ${status} with something other than its API's XML$`) },
};

/** A 200 answer that is not JSON (malformed or empty). */
function notJsonAt200(c: ProviderCase): Extract<Outcome, { ok: false }> {
	const other = NOT_THE_API[c.column];
	return {
		ok: false,
		code: other ? other.code : 'invalid_response',
		message: other ? other.message(200) : notJson(c, 200, 'application/json'),
		httpCode: 200,
		requestsPerItem: 1,
	};
}

const ECHO_TOKEN = 'ECHOloginTOKEN0123456789abcdef';

/** Each provider's mint answer reduced to its link (and what tells success), plus fields nobody documents. */
const LINK_ONLY_ANSWERS: Record<string, { omit: string[]; set: Record<string, unknown>; nulls?: string[] }> = {
	hostupLink: { omit: ['id', 'expiresAt', 'singleUse'], set: { tokenVersion: 2, meta: { region: 'se-sto-1' } } },
	installatron: { omit: ['status', 'message'], set: { task: { id: 77, state: 'done' } } },
	mailup: { omit: ['ExpiresIn', 'Link.rel'], set: { Session: { Id: 9 } } },
	wisecp: { omit: ['status', 'data.token'], set: { request_id: 'r-1' } },
	whmcs: { omit: ['result', 'access_token'], set: { warnings: [], server: { node: 'whmcs-2' } } },
	// WHM's `expires` gone: the link is kept, and when it ends is unknown.
	cpanel: { omit: ['metadata', 'data.expires', 'data.session', 'data.cp_security_token'], set: { 'data.redirect_hint': 'login', trace: { id: 'w-1' } }, nulls: ['expiresAt'] },
	// DirectAdmin's `expires` gone: the link is kept, and when it ends is unknown.
	directadmin: { omit: ['id', 'expires', 'created', 'createdBy', 'allowNetworks'], set: { owner: { name: 'bob' }, version: 2 }, nulls: ['expiresAt'] },
	custom: { omit: ['access_token'], set: { meta: { node: 'whmcs-2' } } },
};

export const ROWS: Row[] = [
	{
		fault: '429, `Retry-After: 1` (seconds)',
		arrange(sandbox, c, items) {
			aim(sandbox, c, { kind: 'rateLimit', retryAfter: items === 1 ? '1' : '0' }, 1);
		},
		expect: () => ({ ok: true, statuses: [429, 200], minWaitMs: 950 }),
	},
	{
		fault: '429, `Retry-After` as an HTTP date',
		arrange(sandbox, c, items) {
			// One item: the next whole second (HTTP dates have no milliseconds); three: a date just past.
			const at = items === 1 ? Math.ceil(Date.now() / 1000) * 1000 : Date.now() - 2000;
			aim(sandbox, c, { kind: 'rateLimit', retryAfter: new Date(at).toUTCString() }, 1);
			return items === 1 ? { notBefore: at } : undefined;
		},
		expect: () => ({ ok: true, statuses: [429, 200] }),
	},
	{
		fault: '429, only `X-RateLimit-Reset` (ISO time)',
		arrange(sandbox, c, items) {
			const at = Date.now() + (items === 1 ? 400 : 0);
			aim(sandbox, c, { kind: 'rateLimit', rateLimitReset: new Date(at).toISOString() }, 1);
			return { notBefore: at };
		},
		expect: () => ({ ok: true, statuses: [429, 200] }),
	},
	{
		fault: '429, no header (backoff 1 s)',
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'rateLimit' }, 1);
		},
		// Backoff is 1 s ± 20 %.
		expect: () => ({ ok: true, statuses: [429, 200], minWaitMs: 780 }),
	},
	{
		fault: '429, `Retry-After: 3600` (longer than the 60 s maximum)',
		deadlineMs: 1500,
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'rateLimit', retryAfter: '3600' }, PERSISTENT);
		},
		expect: (c) => ({
			ok: false,
			code: rateLimitCode(c),
			message: new RegExp(`^${escape(tooManyRequests(c).replace(/\.$/, ''))}\\.\\.? Retry in 3600 seconds \\(at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`),
			httpCode: 429,
			requestsPerItem: 1,
			retryIn: 3600,

		}),
	},
	statusFaultRow(500, 'internal_error', 'An unexpected error occurred.'),
	statusFaultRow(502, 'bad_gateway', 'The upstream server failed.', { retriedOnGet: true }),
	statusFaultRow(503, 'service_unavailable', 'The service is down for maintenance.', { retriedOnGet: true }),
	statusFaultRow(504, 'gateway_timeout', 'The upstream server did not answer in time.', { retriedOnGet: true }),
	{
		fault: 'Malformed JSON body (HTTP 200)',
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'malformedJson' }, PERSISTENT);
		},
		expect: notJsonAt200,
	},
	{
		fault: 'HTML error page (HTTP 502)',
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'html', status: 502 }, rereads(c) ? 1 : PERSISTENT);
		},
		expect(c) {
			if (rereads(c)) return { ok: true, statuses: [502, 200] };
			const message: Record<Column, RegExp> = {
				HostUp: /^HostUp answered HTTP 502 with a body that is not JSON$/,
				Installatron: /^Installatron answered HTTP 502 with a body that is not JSON$/,
				MailUp: /^MailUp answered HTTP 502 with a body that is not JSON$/,
				WISECP: /^WISECP answered HTTP 502 with a page that is not its API$/,
				WHMCS: /^WHMCS answered HTTP 502 with something other than its API's JSON$/,
				cPanel: /^WHM answered HTTP 502 with something other than its API's JSON$/,
				DirectAdmin: /^DirectAdmin answered HTTP 502$/,
				Plesk: /^Plesk answered HTTP 502 with something other than its API's XML$/,
				Custom: /^The provider answered HTTP 502$/,
			};
			return { ok: false, code: 'http_502', message: message[c.column], httpCode: 502, requestsPerItem: 1 };
		},
	},
	{
		fault: 'Empty body (HTTP 200)',
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'empty' }, PERSISTENT);
		},
		expect: notJsonAt200,
	},
	{
		fault: 'No answer (`requestOptions.timeout` 1 s)',
		timeout: 15_000,
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'hang' }, rereads(c) ? 1 : PERSISTENT);
			return { parameters: { requestOptions: { timeout: 1 } } };
		},
		expect(c) {
			if (rereads(c)) return { ok: true, statuses: ['hang', 200], minWaitMs: 950 };
			return {
				ok: false,
				code: 'timeout',
				message: new RegExp(`^${escape(c.displayName)} did not answer within 1 seconds?$`),
				httpCode: null,
				requestsPerItem: 1,
			};
		},
	},
	{
		fault: 'Connection reset',
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'reset' }, rereads(c) ? 1 : PERSISTENT);
		},
		expect(c) {
			if (rereads(c)) return { ok: true, statuses: ['reset', 200] };
			return {
				ok: false,
				code: 'network_error',
				message: new RegExp(`^Could not reach ${escape(c.displayName)} at http://127\\.0\\.0\\.1:\\d+: the connection was closed unexpectedly$`),
				httpCode: null,
				requestsPerItem: 1,
			};
		},
	},
	statusFaultRow(401, 'unauthorized', 'Invalid API key.'),
	statusFaultRow(403, 'forbidden', 'Permission denied for this action.'),
	statusFaultRow(404, 'not_found', 'The requested resource was not found.'),
	{
		fault: 'HTTP 500 whose body echoes the key and a login link',
		arrange(sandbox, c) {
			const secret = c.secrets()[0];
			aim(
				sandbox,
				c,
				{
					kind: 'status',
					status: 500,
					code: 'internal_error',
					message: `Upstream failed for key ${secret} at ${sandbox.origin}/${c.prefix}/login/${ECHO_TOKEN}?next=%2Fadmin`,
				},
				PERSISTENT,
			);
		},
		expect(c) {
			const prefix = c.column === 'HostUp' ? 'Internal server error: ' : c.column === 'DirectAdmin' ? 'DirectAdmin failed (INTERNAL_ERROR): ' : '';
			const code = ['WISECP', 'WHMCS', 'cPanel', 'Plesk', 'Custom'].includes(c.column) ? 'http_500' : 'internal_error';
			return {
				ok: false,
				code,
				message: new RegExp(`^${escape(prefix)}Upstream failed for key \\[redacted\\] at http://127\\.0\\.0\\.1:\\d+/\\[redacted\\]$`),
				httpCode: 500,
				requestsPerItem: 1,
				label: 'error `' + code + '`, key and link redacted',
			};
		},
	},
	{
		fault: 'HTTP 307 redirect to another origin (the second server records what reaches it)',
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'redirect' }, PERSISTENT);
		},
		// Not followed: the key, token or password goes only to the credential's address (README
		// "Login links are credentials"); faults.test.ts checks that nothing reached the second server.
		expect(c) {
			return {
				ok: false,
				code: 'redirected',
				message: new RegExp(
					`^${escape(c.displayName)} at http://127\\.0\\.0\\.1:\\d+ answered HTTP 307 with a redirect to another address \\(http://127\\.0\\.0\\.1:\\d+\\); requests with this credential are not sent there$`,
				),
				httpCode: 307,
				requestsPerItem: 1,
				label: 'error `redirected`, nothing sent there',
			};
		},
	},
	{
		fault: 'Success answer with the link only: documented extras missing, unknown fields added (HTTP 200)',
		only: ['hostupLink', 'installatron', 'mailup', 'wisecp', 'whmcs', 'cpanel', 'directadmin', 'custom'],
		arrange(sandbox, c) {
			const { omit, set } = LINK_ONLY_ANSWERS[c.id];
			aim(sandbox, c, { kind: 'reshape', omit, set }, PERSISTENT);
		},
		// The provider has minted the link: the node hands it on (README, "The link output").
		expect: (c) => ({
			ok: true,
			statuses: [200],
			label: 'link returned, the missing extras `null`',
			checkItem: (item) => {
				for (const field of LINK_ONLY_ANSWERS[c.id].nulls ?? []) expect(item.json[field]).toBeNull();
			},
		}),
	},
	// ---- each provider's own error shapes ----
	{
		fault: 'HostUp: RFC 7807 problem with `errors[]` (HTTP 400)',
		only: ['hostupLink', 'hostupList'],
		arrange(sandbox, c) {
			aim(
				sandbox,
				c,
				{
					kind: 'status',
					status: 400,
					code: 'invalid_request',
					message: 'The request failed validation.',
					extra: {
						title: 'Invalid request',
						errors: [{ pointer: '/query/limit', detail: '`limit` must be an integer from 1 to 100.', code: 'out_of_range' }],
					},
				},
				PERSISTENT,
			);
		},
		expect: () => ({
			ok: false,
			code: 'invalid_request',
			message: /^Invalid request: The request failed validation\.$/,
			httpCode: 400,
			description: /\/query\/limit: `limit` must be an integer from 1 to 100\./,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Installatron: `result: false` with HTTP 200',
		only: ['installatron'],
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'status', status: 200, code: 'failed_filesystem_login', message: 'The SFTP/FTP/SFTP server rejected the login.', extra: { errfield: 'login' } }, PERSISTENT);
		},
		expect: () => ({
			ok: false,
			code: 'failed_filesystem_login',
			message: /^The install's SFTP\/FTP server rejected Installatron's login$/,
			httpCode: 200,
			description: /Installatron said: The SFTP\/FTP\/SFTP server rejected the login\.\nField: login/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Installatron: documented errcode (HTTP 500)',
		only: ['installatron'],
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'status', status: 500, code: 'failed_filesystem_quota', message: "User's Disk Space or Files Usage (inodes) quota was exceeded." }, PERSISTENT);
		},
		expect: () => ({
			ok: false,
			code: 'failed_filesystem_quota',
			message: /^The account's disk space or files \(inodes\) quota is exceeded$/,
			httpCode: 500,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Installatron: `install_not_found` (HTTP 404)',
		only: ['installatron'],
		arrange: () => ({ parameters: { installId: byId('nosuchinstall000000000099') } }),
		expect: () => ({
			ok: false,
			code: 'install_not_found',
			message: /^The install was not found, or it is owned by a user without access to it$/,
			httpCode: 404,
			description: /Pick the install from the list/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'MailUp: console SSO not enabled for the client ID (HTTP 403)',
		only: ['mailup'],
		arrange(sandbox) {
			sandbox.mailup.ssoEnabled = false;
		},
		expect: () => ({
			ok: false,
			code: 'sso_not_enabled',
			message: /^MailUp has not enabled single sign-on \(console login links\) for this client ID$/,
			httpCode: 403,
			description: /Ask MailUp support/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'MailUp: `ErrorDescription` (HTTP 400)',
		only: ['mailup'],
		arrange(sandbox, c) {
			aim(sandbox, c, { kind: 'status', status: 400, code: 'BadRequest', message: 'Invalid parameter: the request body is not valid.' }, PERSISTENT);
		},
		expect: () => ({
			ok: false,
			code: 'BadRequest',
			message: /^Invalid parameter: the request body is not valid\.$/,
			httpCode: 400,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'MailUp: token refused, wrong username or password',
		only: ['mailup'],
		arrange: (sandbox) => ({
			credentials: { mailUpApi: { ...MAILUP_ACCOUNT, password: 'Wrong-Password-123!', baseUrl: sandbox.baseUrl('mailup') } },
			secrets: ['Wrong-Password-123!'],
		}),
		expect: () => ({
			ok: false,
			code: 'invalid_grant',
			message: /^MailUp rejected the username or password$/,
			httpCode: 400,
			description: /MailUp said: The user name or password is incorrect\./,
			requestsPerItem: 0,
		}),
	},
	{
		fault: 'MailUp: token refused, wrong client ID or secret',
		only: ['mailup'],
		arrange: (sandbox) => ({
			credentials: { mailUpApi: { ...MAILUP_ACCOUNT, clientSecret: 'wrong-client-secret-0123', baseUrl: sandbox.baseUrl('mailup') } },
			secrets: ['wrong-client-secret-0123'],
		}),
		expect: () => ({
			ok: false,
			code: 'invalid_client',
			message: /^MailUp rejected the client ID or client secret$/,
			httpCode: 401,
			requestsPerItem: 0,
		}),
	},
	{
		fault: 'WISECP: `{ status: "error" }` with HTTP 200, user not found',
		only: ['wisecp'],
		arrange: () => ({ parameters: { userId: byId('999') } }),
		expect: () => ({ ok: false, code: 'user_not_found', message: /^User not found$/, httpCode: 200, requestsPerItem: 1 }),
	},
	{
		fault: 'WISECP: `{ status: "error" }` with HTTP 200, action not permitted',
		only: ['wisecp'],
		arrange: (sandbox) => ({
			credentials: { wisecpApi: { apiKey: WISECP_KEYS.noSsoPermission, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` } },
			secrets: [WISECP_KEYS.noSsoPermission],
		}),
		expect: () => ({
			ok: false,
			code: 'action_not_permitted',
			message: /^This API key is not permitted to call Clients\/CreateClientSsoToken$/,
			httpCode: 200,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'WISECP: `{ status: "error" }` with HTTP 403, IP not allowed',
		only: ['wisecp'],
		arrange: (sandbox) => ({
			credentials: { wisecpApi: { apiKey: WISECP_KEYS.ipRestricted, apiUrl: `${sandbox.baseUrl('wisecp')}/api/` } },
			secrets: [WISECP_KEYS.ipRestricted],
		}),
		expect: () => ({
			ok: false,
			code: 'ip_not_allowed',
			message: /^Your IP address \(127\.0\.0\.1\) is not allowed to use this API key$/,
			httpCode: 403,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'WHMCS: `{ result: "error" }` with HTTP 200, IP not allowed (no access key)',
		only: ['whmcs'],
		arrange: (sandbox) => ({ credentials: whmcsCredentials(sandbox, { accessKey: '' }) }),
		expect: () => ({
			ok: false,
			code: 'invalid_ip',
			message: /^Invalid IP 127\.0\.0\.1$/,
			httpCode: 200,
			description: /API IP Access Restriction/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'WHMCS: `{ result: "error" }` with HTTP 200, API role without CreateSsoToken',
		only: ['whmcs'],
		arrange: (sandbox) => ({
			credentials: whmcsCredentials(sandbox, WHMCS_API_CREDENTIALS.listOnly),
			secrets: [WHMCS_API_CREDENTIALS.listOnly.secret, WHMCS_API_CREDENTIALS.listOnly.identifier],
		}),
		expect: () => ({
			ok: false,
			code: 'invalid_permissions',
			message: /^Invalid Permissions: API action "createssotoken" is not allowed$/,
			httpCode: 200,
			description: /API Roles/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'WHMCS: `{ result: "error" }` with HTTP 200, client turned SSO off',
		only: ['whmcs'],
		arrange: () => ({ parameters: { clientId: byId(String(WHMCS_SSO_BLOCKED_CLIENT)) } }),
		expect: () => ({
			ok: false,
			code: 'sso_blocked',
			message: new RegExp(`^SSO authentication blocked for client ${WHMCS_SSO_BLOCKED_CLIENT}$`),
			httpCode: 200,
			description: /only they can turn it on again/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'cPanel: `metadata.result: 0` with HTTP 200, no such account',
		only: ['cpanel'],
		arrange: () => ({ parameters: { username: byId('nosuchuser') } }),
		expect: () => ({
			ok: false,
			code: 'user_not_found',
			message: /^You cannot create a session for the user “nosuchuser” because they do not exist\.$/,
			httpCode: 200,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'cPanel: `metadata.result: 0` with HTTP 200, account suspended',
		only: ['cpanel'],
		arrange: () => ({ parameters: { username: byId(CPANEL_SUSPENDED_USER) } }),
		expect: () => ({
			ok: false,
			code: 'user_suspended',
			message: new RegExp(`^You cannot create a session for the user “${CPANEL_SUSPENDED_USER}” because they are currently suspended\\.$`),
			httpCode: 200,
			description: /Unsuspend the account/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: "cPanel: `metadata.result: 0` with HTTP 200, a reseller's token on an account it does not own",
		only: ['cpanel'],
		arrange: (sandbox) => ({
			credentials: cpanelCredentials(sandbox, { username: WHM_RESELLER.username, apiToken: WHM_RESELLER.token }),
			secrets: [WHM_RESELLER.token],
		}),
		expect: () => ({
			ok: false,
			code: 'no_permission',
			message: /^You do not have permission to create sessions for the user “bob”\.$/,
			httpCode: 200,
			description: /owning reseller's/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'cPanel: wrong API token (HTTP 403, `cpanelresult`)',
		only: ['cpanel'],
		arrange: (sandbox) => ({
			credentials: cpanelCredentials(sandbox, { apiToken: 'WRONGSANDBOXTOKEN0123456789ABCD' }),
			secrets: ['WRONGSANDBOXTOKEN0123456789ABCD'],
		}),
		expect: () => ({
			ok: false,
			code: 'access_denied',
			message: /^WHM refused the API token \(Access denied\)$/,
			httpCode: 403,
			description: /Check the Username and API Token/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Plesk: `<system>` error with HTTP 200, wrong password (1001)',
		only: ['plesk'],
		arrange: (sandbox) => ({ credentials: pleskCredentials(sandbox, { password: 'Wrong-Password-123' }), secrets: ['Wrong-Password-123'] }),
		expect: () => ({
			ok: false,
			code: '1001',
			message: /^Authentication failed - wrong password\.$/,
			httpCode: 200,
			description: /Check Login and Password/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Plesk: `<system>` error with HTTP 200, secret key bound to another IP address (11003)',
		only: ['plesk'],
		arrange: (sandbox) => ({ credentials: pleskCredentials(sandbox, { authentication: 'secretKey', secretKey: PLESK_KEYS.otherIp }), secrets: [PLESK_KEYS.otherIp] }),
		expect: () => ({
			ok: false,
			code: '11003',
			message: /^Secret key validation failed$/,
			httpCode: 200,
			description: /made for another IP address/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Plesk: `<result>` error with HTTP 200, no such login (1013)',
		only: ['plesk'],
		arrange: () => ({ parameters: { login: byId('nosuchuser') } }),
		expect: () => ({
			ok: false,
			code: '1013',
			message: /^Object not found\.$/,
			httpCode: 200,
			description: /Plesk has no user with this login/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: "Plesk: `<result>` error with HTTP 200, a reseller asking for a login it does not own (1006)",
		only: ['plesk'],
		arrange: (sandbox) => ({ credentials: pleskCredentials(sandbox, { login: PLESK_RESELLER.login, password: PLESK_RESELLER.password }), secrets: [PLESK_RESELLER.password] }),
		expect: () => ({
			ok: false,
			code: '1006',
			message: /^Permission denied\.$/,
			httpCode: 200,
			description: /owning reseller's/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'DirectAdmin: wrong password or Login Key (HTTP 401, `UNAUTHORIZED`)',
		only: ['directadmin'],
		arrange: (sandbox) => ({ credentials: directAdminCredentials(sandbox, { password: 'WrongSandboxPassword123' }), secrets: ['WrongSandboxPassword123'] }),
		expect: () => ({
			ok: false,
			code: 'unauthorized',
			message: /^DirectAdmin refused the user name and password or Login Key \(UNAUTHORIZED\)$/,
			httpCode: 401,
			description: /Check the Username and Password/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: "DirectAdmin: login-as a user the reseller did not create (HTTP 401, `UNAUTHORIZED`)",
		only: ['directadmin'],
		arrange: (sandbox) => ({
			credentials: directAdminCredentials(sandbox, { username: DA_RESELLER.username, password: DA_RESELLER.password }),
			secrets: [DA_RESELLER.password],
		}),
		expect: () => ({
			ok: false,
			code: 'cannot_login_as',
			message: new RegExp(`^DirectAdmin did not let ${DA_RESELLER.username} log in as bob \\(UNAUTHORIZED\\)$`),
			httpCode: 401,
			description: /a reseller may log in only as the users it created/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'DirectAdmin: Login Keys off for the user (HTTP 403, `ACCESS_DENIED`)',
		only: ['directadmin'],
		arrange: () => ({ parameters: { username: byId(DA_KEYLESS_USER) } }),
		expect: () => ({
			ok: false,
			code: 'login_keys_not_allowed',
			message: new RegExp(`^DirectAdmin denied ${DA_KEYLESS_USER} a login link \\(ACCESS_DENIED\\)$`),
			httpCode: 403,
			description: /Login Keys are not allowed/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'DirectAdmin: the server makes the link live longer than asked (revoked)',
		only: ['directadmin'],
		arrange(sandbox) {
			sandbox.directAdmin.quirks.ignoreExpires = true;
		},
		expect: () => ({
			ok: false,
			code: 'lifetime_not_honoured',
			message: /^DirectAdmin made the link for bob work until \S+, longer than the 10 minutes asked/,
			httpCode: null,
			description: /The link was revoked/,
			requestsPerItem: 1,
		}),
	},
	{
		fault: 'Custom: failure reported with HTTP 200 (`result: "error"`)',
		only: ['custom'],
		arrange: () => ({ parameters: { body: JSON.stringify({ action: 'CreateSsoToken', client_id: 999, responsetype: 'json' }) } }),
		expect: () => ({ ok: false, code: 'http_200', message: /^Client ID Not Found$/, httpCode: 200, requestsPerItem: 1 }),
	},
];

export function applies(row: Row, c: ProviderCase): boolean {
	return !row.only || row.only.includes(c.id);
}

/** The short text of a cell in the README table. */
export function cellText(outcome: Outcome, deviations: string[] = []): string {
	let text: string;
	if (outcome.label) text = outcome.label;
	else if (outcome.ok) text = 'retried → OK';
	else text = `error \`${outcome.code}\`${outcome.retryIn === undefined ? '' : `, retry in ${outcome.retryIn} s`}`;
	if (!outcome.deviation) return text;
	if (!deviations.includes(outcome.deviation)) deviations.push(outcome.deviation);
	return `${text} ${'†'.repeat(deviations.indexOf(outcome.deviation) + 1)}`;
}

/** The README fault table, rendered from ROWS. */
export function renderFaultTable(): string {
	const lines = [
		`| Fault | ${COLUMNS.join(' | ')} |`,
		`|---|${COLUMNS.map(() => '---').join('|')}|`,
	];
	const deviations: string[] = [];
	for (const row of ROWS) {
		const cells = COLUMNS.map((column) => {
			const cases = CASES.filter((c) => c.column === column && applies(row, c));
			if (cases.length === 0) return '—';
			const texts = cases.map((c) => ({ variant: c.variant, text: cellText(row.expect(c), deviations) }));
			if (texts.every((entry) => entry.text === texts[0].text)) return texts[0].text;
			return texts.map((entry) => `${entry.variant}: ${entry.text}`).join('; ');
		});
		lines.push(`| ${row.fault} | ${cells.join(' | ')} |`);
	}
	return [
		lines.join('\n'),
		'',
		...deviations.map((text, index) => `${'†'.repeat(index + 1)} Not yet: this is what README promises, but today: ${text}\n`),
		'HostUp cells show the login-link request (`link`, a POST) and the account listing (`list`, a GET) where they differ; WHMCS, cPanel, Plesk and DirectAdmin cells show Create SSO Link (cPanel\'s is a GET that makes a session, so it is not repeated as a read is; Plesk\'s is a POST of an XML packet, and Plesk answers its own errors with HTTP 200, so an HTTP error status there comes from a proxy in front of it); "Custom" is the SSO Link node\'s Custom provider set up for a WHMCS-shaped API. "retried → OK" means the node waited as told (or backed off), asked again and returned the normal output; every error names the provider\'s code (`code` in a Continue On Fail item). This table is generated by `test/faults/faults.test.ts` (`UPDATE_FAULT_TABLE=1`), which runs every cell.',
		'',
	].join('\n');
}
