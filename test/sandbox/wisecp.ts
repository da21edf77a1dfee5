import type { ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * WISECP as its CreateClientSsoToken documentation
 * describe it. The site root is `<origin>/wisecp`; the legacy API URL is
 * `<origin>/wisecp/api/` or `<origin>/wisecp/index.php/api/` (both forms exist
 * in the wild, depending on URL rewriting). The legacy API has one action here,
 * `Clients/CreateClientSsoToken`, and no client listing; listing comes from the
 * newer REST API (`/api/v1`), which `restApiAvailable = false` removes, as on
 * a WISECP that predates it.
 */

export const WISECP_KEYS = {
	/** May call every action, from any IP. */
	full: 'wisecp_sandbox_full_0123456789abcdef',
	/** Valid, but CreateClientSsoToken is not among its permitted actions (listing still works). */
	noSsoPermission: 'wisecp_sandbox_nosso_0123456789abcd',
	/** Valid, but limited to IPs that do not include the caller. */
	ipRestricted: 'wisecp_sandbox_iplock_0123456789abc',
} as const;

/*
 * The exact error texts below are this sandbox's assumption: WISECP documents
 * only the shape `{ status: "error", message }` for the legacy API, and says
 * nothing about which HTTP status goes with which failure. They vary on
 * purpose (401, 403, 200), so a node must read `status`, not the HTTP code.
 */
const LEGACY_ERRORS = {
	invalidKey: 'Invalid API key',
	noSsoPermission: 'This API key is not permitted to call Clients/CreateClientSsoToken',
	ipRestricted: 'Your IP address (127.0.0.1) is not allowed to use this API key',
	userNotFound: 'User not found',
	invalidUserId: 'Invalid user_id',
	invalidDestination: 'Invalid destination',
} as const;

const SSO_ACTION = 'Clients/CreateClientSsoToken';

/**
 * Every `destination` name the documentation's table lists. The scraped table
 * has one row with a blank name ("Login") between `sign-up` and `sign-out`;
 * `sign-in` is our guess for it. An http(s) URL is also accepted, because the
 * docs type the field "URL or String" and say a URL is redirected to as is.
 */
export const WISECP_DESTINATIONS: readonly string[] = [
	'home',
	'license',
	'news',
	'articles',
	'articles_category',
	'references',
	'references_category',
	'normal_detail',
	'news_detail',
	'articles_detail',
	'software_detail',
	'newsletter-send',
	'kbase',
	'kbase_category',
	'kbase_detail',
	'products',
	'softwares',
	'softwares_cat',
	'domain',
	'international-sms',
	'contact',
	'sign-up',
	'sign-in',
	'sign-out',
	'sign-forget',
	'my-account',
	'ac-ps-info',
	'ac-ps-balance',
	'ac-ps-invoices',
	'ac-ps-detail-invoice',
	'ac-ps-messages',
	'ac-ps-message-d',
	'ac-ps-tickets',
	'ac-ps-creq-ticket',
	'ac-ps-detail-ticket',
	'ac-ps-products',
	'ac-ps-products-t',
	'ac-ps-product',
	'ac-ps-sms',
	'order-steps',
	'basket',
	'basket-payment',
	'basket-pay',
	'pay-successful',
	'pay-failed',
	'contract1',
	'contract2',
	'sitemap.xml',
	'affiliate-link',
];

/** REST API page size when the request names none, and its documented maximum. */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

export interface WisecpClient {
	id: number;
	full_name: string;
	company_name: string;
	email: string;
	status: 'active' | 'blocked';
	group_id: number;
}

/** [full_name, company_name, status, group_id]; ids are the position + 1. */
const CLIENT_SEED: ReadonlyArray<readonly [string, string, WisecpClient['status'], number]> = [
	['Anna Berg', 'Acme Bakery AB', 'active', 1],
	['Erik Lindqvist', 'Nordic Bikes', 'active', 1],
	['Sofia Nilsson', '', 'active', 0],
	['Lars Johansson', 'Fjord Consulting', 'active', 2],
	['Maria Andersson', 'Kaffe & Kod', 'active', 1],
	['Johan Eriksson', 'Malmö Makers', 'active', 2],
	['Karin Olsson', 'Old Shop', 'blocked', 1],
	['Peter Persson', '', 'active', 0],
	['Åsa Gustafsson', 'Göteborg Grafik', 'active', 3],
	['Nils Svensson', 'Svensson Bygg', 'active', 2],
	['Emma Larsson', 'Studio Lund', 'active', 1],
	['Oskar Karlsson', '', 'active', 0],
	['Ingrid Holm', 'Holm Hosting', 'active', 3],
	['Mikael Strand', 'Strand Media', 'active', 2],
	['Elin Sjöberg', 'Sjöberg Design', 'active', 1],
	['Henrik Dahl', '', 'active', 0],
	['Linnea Ek', 'Ek & Partners', 'active', 2],
	['Gustav Berglund', 'Berglund IT', 'active', 3],
	['Frida Lund', 'Spam Traders', 'blocked', 0],
	['Viktor Nyström', 'Nyström Web', 'active', 1],
	['Hanna Forsberg', '', 'active', 0],
	['Axel Lindberg', 'Lindberg Logistics', 'active', 2],
	['Ebba Wallin', 'Wallin Foto', 'active', 1],
	['Filip Engström', 'Engström Data', 'active', 3],
	['Julia Hedlund', '', 'active', 0],
	['Anders Sandberg', 'Chargeback Ltd', 'blocked', 2],
	['Matilda Björk', 'Björk Blommor', 'active', 1],
	['Simon Åberg', 'Åberg Audio', 'active', 3],
	['Wilma Ström', '', 'active', 0],
	['Adam Sundqvist', 'Sundqvist Solutions', 'active', 2],
];

function emailFor(fullName: string, id: number): string {
	const ascii = fullName
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z]+/g, '.');
	// Distinct domains so a search by e-mail can match one client only.
	return `${ascii}@client${id}.example`;
}

function seedClients(): WisecpClient[] {
	return CLIENT_SEED.map(([full_name, company_name, status, group_id], index) => ({
		id: index + 1,
		full_name,
		company_name,
		email: emailFor(full_name, index + 1),
		status,
		group_id,
	}));
}

/** The seeded clients (ids 1..30; 7, 19 and 26 are blocked), for tests that refer to names and e-mails. */
export const WISECP_CLIENTS: readonly WisecpClient[] = Object.freeze(seedClients());

/** The seeded client with this id; throws on an id outside the seed so a test typo fails loudly. */
export function wisecpClient(id: number): WisecpClient {
	const client = WISECP_CLIENTS.find((entry) => entry.id === id);
	if (!client) throw new Error(`no seeded WISECP client ${id}`);
	return client;
}

function legacyErrorBody(status: number, message: string): SandboxResponse {
	return { status, body: { status: 'error', message } };
}

function restError(status: number, code: string, message: string, details: Record<string, string[]> = {}): SandboxResponse {
	return { status, body: { error: { code, message, details } } };
}

/** What a WISECP site (PHP, no JSON) answers for an unknown page: a wrong API URL lands here. */
function htmlNotFound(): SandboxResponse {
	return {
		status: 404,
		headers: { 'content-type': 'text/html; charset=utf-8' },
		body: '<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Page not found</h1><p>The page you are looking for could not be found.</p></body></html>',
	};
}

/** PHP-style: WISECP reads user_id as an integer, so `18` and `"18"` both work; `0`, `-1`, `1.5`, `"abc"` do not. */
function parseUserId(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
		const id = Number(value.trim());
		return id > 0 ? id : undefined;
	}
	return undefined;
}

function isValidDestination(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	if (WISECP_DESTINATIONS.includes(value)) return true;
	return /^https?:\/\/\S+$/i.test(value);
}

function header(request: SandboxRequest, name: string): string | undefined {
	const value = request.headers[name];
	return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

export class WisecpSandbox implements ProviderSandbox {
	readonly prefix = 'wisecp';

	clients: WisecpClient[] = seedClients();

	/** Every call to CreateClientSsoToken, in order, whatever WISECP answered (the key itself is not kept). */
	ssoRequests: Array<{ user_id: unknown; destination?: unknown; destination_values?: unknown }> = [];

	/** False: an older WISECP without the REST API, where every `/api/v1/…` path is an HTML 404. */
	restApiAvailable = true;

	/**
	 * True: every legacy API error comes with HTTP 200, as on WISECP installs
	 * whose PHP or proxy never sets an error status (WISECP documents none), so
	 * a wrong key is told apart from a working one only by `message`.
	 */
	legacyErrorsWith200 = false;

	reset(): void {
		this.clients = seedClients();
		this.ssoRequests = [];
		this.restApiAvailable = true;
		this.legacyErrorsWith200 = false;
	}

	/** Adds plain active clients until there are `total`, for pagination tests. */
	growTo(total: number): void {
		for (let id = this.clients.length + 1; id <= total; id++) {
			this.clients.push({
				id,
				full_name: `Customer ${id}`,
				company_name: '',
				email: `customer${id}@client${id}.example`,
				status: 'active',
				group_id: 0,
			});
		}
	}

	errorBody(status: number, _code: string, message: string): SandboxResponse {
		// The legacy shape; WISECP's legacy API has no error codes to carry `_code`.
		return legacyErrorBody(status, message);
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		// `/index.php/api/…` is the same router as `/api/…` on a site without URL rewriting.
		const path = request.path.startsWith('/index.php/') ? request.path.slice('/index.php'.length) : request.path;
		if (path === '/api/v1' || path.startsWith('/api/v1/')) {
			return this.restApiAvailable ? this.handleRest(request, path.slice('/api/v1'.length)) : htmlNotFound();
		}
		if (path.startsWith('/api/')) {
			return this.handleLegacy(request, path.slice('/api/'.length), context);
		}
		return htmlNotFound();
	}

	private handleLegacy(request: SandboxRequest, action: string, context: SandboxContext): SandboxResponse {
		const legacyError = (status: number, message: string) => legacyErrorBody(this.legacyErrorsWith200 ? 200 : status, message);
		const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
		if (action === SSO_ACTION) {
			// Recorded before any check, so a test can see what the node sent even when WISECP refused it.
			const call: WisecpSandbox['ssoRequests'][number] = { user_id: body.user_id };
			if ('destination' in body) call.destination = body.destination;
			if ('destination_values' in body) call.destination_values = body.destination_values;
			this.ssoRequests.push(call);
		}

		const key = header(request, 'apikey');
		if (key !== WISECP_KEYS.full && key !== WISECP_KEYS.noSsoPermission && key !== WISECP_KEYS.ipRestricted) {
			return legacyError(401, LEGACY_ERRORS.invalidKey);
		}
		// WISECP checks the key's IP list before its permitted actions.
		if (key === WISECP_KEYS.ipRestricted) return legacyError(403, LEGACY_ERRORS.ipRestricted);
		if (action !== SSO_ACTION) {
			// Assumed wording too; only CreateClientSsoToken exists in this sandbox.
			return legacyError(404, `Action not found: ${action || '(none)'}`);
		}
		if (key === WISECP_KEYS.noSsoPermission) return legacyError(200, LEGACY_ERRORS.noSsoPermission);
		if (request.method !== 'POST') return legacyError(405, 'This action accepts only POST requests');

		const userId = parseUserId(body.user_id);
		if (userId === undefined) return legacyError(200, LEGACY_ERRORS.invalidUserId);
		// An absent, null or empty destination means the client-area home page, as the docs say.
		const destination = body.destination;
		const hasDestination = destination !== undefined && destination !== null && destination !== '';
		if (hasDestination && !isValidDestination(destination)) return legacyError(200, LEGACY_ERRORS.invalidDestination);
		const client = this.clients.find((entry) => entry.id === userId);
		if (!client) return legacyError(200, LEGACY_ERRORS.userNotFound);

		// Blocked clients still get a link: the docs do not say WISECP refuses them.
		const values =
			Array.isArray(body.destination_values) && body.destination_values.length
				? ` [${body.destination_values.map(String).join(', ')}]`
				: '';
		const landing = `WISECP client area of ${client.full_name} (#${client.id}), destination ${
			hasDestination ? String(destination) : 'client area home'
		}${values}`;
		const token = context.issueLoginToken(this.prefix, landing);
		return {
			status: 200,
			body: { status: 'successful', data: { token, url: `${context.origin}/${this.prefix}/login/${token}` } },
		};
	}

	private handleRest(request: SandboxRequest, route: string): SandboxResponse {
		const bearer = /^Bearer\s+(.+)$/i.exec(header(request, 'authorization') ?? '');
		const key = bearer?.[1].trim() ?? header(request, 'x-api-key');
		if (key !== WISECP_KEYS.full && key !== WISECP_KEYS.noSsoPermission && key !== WISECP_KEYS.ipRestricted) {
			return restError(401, 'unauthorized', 'Invalid or missing API key.');
		}
		if (key === WISECP_KEYS.ipRestricted) {
			return restError(403, 'forbidden', 'Your IP address (127.0.0.1) is not allowed to use this API key.');
		}
		if (route === '/admin/clients' || route === '/admin/clients/') {
			return request.method === 'GET'
				? this.listClients(request)
				: restError(405, 'method_not_allowed', `${request.method} is not allowed on this endpoint.`);
		}
		// Includes `POST /clients/sso`: its fields are unconfirmed, so the sandbox does not pretend to know them.
		return restError(404, 'not_found', 'Endpoint not found.');
	}

	private listClients(request: SandboxRequest): SandboxResponse {
		const details: Record<string, string[]> = {};
		const integerParam = (name: string, fallback: number | undefined, min: number, max?: number): number | undefined => {
			const text = request.query.get(name);
			if (text === null || text.trim() === '') return fallback;
			const value = Number(text);
			if (!/^-?\d+$/.test(text.trim()) || value < min) {
				details[name] = [`The ${name} must be an integer of at least ${min}.`];
			} else if (max !== undefined && value > max) {
				details[name] = [`The ${name} may not be greater than ${max}.`];
			}
			return value;
		};
		const page = integerParam('page', 1, 1) ?? 1;
		const limit = integerParam('limit', DEFAULT_LIMIT, 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
		const groupId = integerParam('group_id', undefined, 0);
		const status = request.query.get('status')?.trim() || undefined;
		if (status !== undefined && status !== 'active' && status !== 'blocked') {
			details.status = ['The status must be one of: active, blocked.'];
		}
		if (Object.keys(details).length) {
			return restError(422, 'validation_failed', 'The given data was invalid.', details);
		}

		const search = request.query.get('search')?.trim().toLowerCase() ?? '';
		const matches = this.clients.filter(
			(client) =>
				(!search ||
					client.full_name.toLowerCase().includes(search) ||
					client.company_name.toLowerCase().includes(search) ||
					client.email.toLowerCase().includes(search)) &&
				(status === undefined || client.status === status) &&
				(groupId === undefined || client.group_id === groupId),
		);
		return {
			status: 200,
			body: {
				data: matches.slice((page - 1) * limit, page * limit).map((client) => ({ ...client })),
				meta: { page, limit, total: matches.length, total_pages: Math.ceil(matches.length / limit) },
			},
		};
	}
}
