import type { PagingQuirks, ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * HostUp API v2 as its SSO documentation describes it (README, "HostUp"):
 * Bearer keys with scopes, RFC 7807 errors, cursor pages, 429 with
 * Retry-After and X-RateLimit-* headers.
 */

export const HOSTUP_KEYS = {
	/** Every scope. */
	full: 'hu_sandbox_full_0123456789abcdef',
	/** read:hosting only: can list accounts, cannot list sites or mint links. */
	readOnly: 'hu_sandbox_read_0123456789abcdef',
	/** Known but expired. */
	expired: 'hu_sandbox_expired_0123456789abcd',
} as const;

const SCOPES: Record<string, string[] | 'expired'> = {
	[HOSTUP_KEYS.full]: ['read:hosting', 'write:hosting', 'console:services'],
	[HOSTUP_KEYS.readOnly]: ['read:hosting'],
	[HOSTUP_KEYS.expired]: 'expired',
};

/** Page size when the request names none (unconfirmed at HostUp; any value works for clients). */
const DEFAULT_PAGE_SIZE = 20;

interface Site {
	id: string;
	url: string;
	path: string;
	domain: string;
	version: string;
	siteName: string;
	database: string;
	adminUsername: string;
	installedAt: string;
}

interface Account {
	id: string;
	name: string;
	primaryDomain: string;
	domains: string[];
	customName: string | null;
	serviceStatus: string;
	billing: { cycle: string; amount: number; currency: string };
	createdAt: string;
	nextDueAt: string;
	expiresAt: string | null;
	controlPanel: { type: string };
	sites: Site[];
}

const ACCOUNT_NAMES = [
	['Acme Bakery', 'acme-bakery.se', 'active', 2],
	['Nordic Bikes', 'nordicbikes.se', 'active', 1],
	['Studio Lund', 'studiolund.se', 'active', 0],
	['Fjord Consulting', 'fjord.consulting', 'suspended', 1],
	['Kaffe & Kod', 'kaffekod.se', 'active', 3],
	['Malmö Makers', 'malmomakers.se', 'active', 1],
	['Old Shop', 'oldshop.se', 'cancelled', 0],
] as const;

export function hostUpAccountId(index: number): string {
	return `acct_sandbox${String(index + 1).padStart(4, '0')}`;
}

export function hostUpSiteId(accountIndex: number, siteIndex: number): string {
	return `wp_sandbox${String(accountIndex + 1).padStart(4, '0')}s${siteIndex + 1}`;
}

function seedAccounts(): Account[] {
	return ACCOUNT_NAMES.map(([name, domain, status, siteCount], index) => ({
		id: hostUpAccountId(index),
		name,
		primaryDomain: domain,
		domains: [domain, `www.${domain}`],
		customName: index === 0 ? 'Acme main site' : null,
		serviceStatus: status,
		billing: { cycle: 'annually', amount: 1188, currency: 'SEK' },
		createdAt: `2024-0${(index % 9) + 1}-15T09:30:00.000Z`,
		nextDueAt: '2027-01-15T00:00:00.000Z',
		expiresAt: null,
		controlPanel: { type: 'cpanel' },
		sites: Array.from({ length: siteCount }, (_, siteIndex) => ({
			id: hostUpSiteId(index, siteIndex),
			url: siteIndex === 0 ? `https://${domain}` : `https://${domain}/site${siteIndex + 1}`,
			path: siteIndex === 0 ? '/public_html' : `/public_html/site${siteIndex + 1}`,
			domain,
			version: '6.8.1',
			siteName: siteIndex === 0 ? name : `${name} ${siteIndex + 1}`,
			database: `db_${index + 1}_${siteIndex + 1}`,
			adminUsername: 'admin',
			installedAt: '2025-03-01T10:00:00.000Z',
		})),
	}));
}

function problem(status: number, code: string, title: string, detail: string, path = '/api/v2', extra: object = {}): SandboxResponse {
	return {
		status,
		headers: { 'content-type': 'application/problem+json' },
		body: {
			type: `https://developer.hostup.se/errors/${code}`,
			title,
			status,
			detail,
			code,
			instance: path,
			requestId: `req_sandbox${Date.now().toString(36)}`,
			timestamp: new Date().toISOString(),
			...extra,
		},
	};
}

function encodeCursor(offset: number): string {
	return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
	const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
	return match ? Number(match[1]) : undefined;
}

export class HostUpSandbox implements ProviderSandbox {
	readonly prefix = 'hostup';

	accounts: Account[] = seedAccounts();

	/** Minted links, in order, for tests that check what was minted (never logged elsewhere). */
	minted: Array<{ accountId: string; siteId?: string }> = [];

	/** How the account pages misbehave (PagingQuirks); all off after reset(). */
	paging: PagingQuirks = {};

	reset(): void {
		this.accounts = seedAccounts();
		this.minted = [];
		this.paging = {};
	}

	/** Adds plain active accounts (no sites) until there are `total`, for pagination tests. */
	growTo(total: number): void {
		for (let index = this.accounts.length; index < total; index++) {
			const domain = `customer${index + 1}.example`;
			this.accounts.push({
				...seedAccounts()[1],
				id: hostUpAccountId(index),
				name: `Customer ${index + 1}`,
				primaryDomain: domain,
				domains: [domain],
				customName: null,
				sites: [],
			});
		}
	}

	errorBody(status: number, code: string, message: string): SandboxResponse {
		const titles: Record<number, string> = {
			429: 'Too many requests',
			500: 'Internal server error',
			502: 'Bad gateway',
			503: 'Service unavailable',
			504: 'Gateway timeout',
		};
		return problem(status, code, titles[status] ?? 'Error', message);
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		const { method, path } = request;
		const auth = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
		const scopes = auth ? SCOPES[auth[1]] : undefined;
		if (!scopes) {
			return problem(401, 'unauthorized', 'Unauthorized', 'Authentication is required.', path);
		}
		if (scopes === 'expired') {
			return problem(401, 'unauthorized', 'Unauthorized', 'The API key has expired.', path);
		}
		const requireScopes = (...needed: string[]) => {
			const missing = needed.filter((scope) => !scopes.includes(scope));
			return missing.length
				? problem(403, 'forbidden', 'Forbidden', `The API key lacks the scope(s): ${missing.join(', ')}.`, path)
				: undefined;
		};

		const segments = path.split('/').filter(Boolean);
		// ['api','v2','shared-hosting', accountId?, ...]
		if (segments[0] !== 'api' || segments[1] !== 'v2' || segments[2] !== 'shared-hosting') {
			return problem(404, 'not_found', 'Not found', 'No such endpoint.', path);
		}
		const rest = segments.slice(3);

		if (rest.length === 0 && method === 'GET') {
			return requireScopes('read:hosting') ?? this.listAccounts(request);
		}
		if (rest.length === 2 && rest[0] === 'wordpress' && rest[1] === 'batch' && method === 'POST') {
			return requireScopes('read:hosting', 'console:services') ?? this.batchSites(request);
		}
		const account = this.accounts.find((entry) => entry.id === rest[0]);
		if (!account) {
			return problem(404, 'not_found', 'Not found', 'The requested resource could not be found.', path);
		}
		const tail = rest.slice(1).join('/');
		if (tail === '' && method === 'GET') {
			return requireScopes('read:hosting') ?? { status: 200, body: publicAccount(account, true) };
		}
		if (tail === 'wordpress' && method === 'GET') {
			return requireScopes('read:hosting', 'console:services') ?? { status: 200, body: sitesOf(account) };
		}
		if (tail === 'actions/sso' && method === 'GET') {
			return requireScopes('read:hosting') ?? { status: 200, body: ssoAvailability(account) };
		}
		if (tail === 'actions/sso' && method === 'POST') {
			const denied = requireScopes('write:hosting', 'console:services');
			if (denied) return denied;
			const availability = ssoAvailability(account);
			if (!availability.available) {
				return problem(400, 'invalid_request', 'Invalid request', availability.reason ?? 'SSO unavailable.', path);
			}
			this.minted.push({ accountId: account.id });
			const token = context.issueLoginToken(this.prefix, `cPanel of ${account.primaryDomain}`);
			return {
				status: 200,
				body: {
					loginUrl: `${context.origin}/${this.prefix}/login/${token}`,
					expiresAt: null,
					singleUse: true,
				},
			};
		}
		const siteSso = /^wordpress\/([^/]+)\/actions\/sso$/.exec(tail);
		if (siteSso && method === 'POST') {
			const denied = requireScopes('write:hosting', 'console:services');
			if (denied) return denied;
			const site = account.sites.find((entry) => entry.id === decodeURIComponent(siteSso[1]));
			if (!site) {
				return problem(404, 'not_found', 'Not found', 'The requested resource could not be found.', path);
			}
			this.minted.push({ accountId: account.id, siteId: site.id });
			const token = context.issueLoginToken(this.prefix, `wp-admin of ${site.url}`);
			return {
				status: 200,
				body: {
					loginUrl: `${context.origin}/${this.prefix}/login/${token}?redirect_to=%2Fwp-admin%2F`,
					id: site.id,
					expiresAt: null,
					singleUse: true,
				},
			};
		}
		return problem(404, 'not_found', 'Not found', 'No such endpoint.', path);
	}

	private listAccounts(request: SandboxRequest): SandboxResponse {
		const limitText = request.query.get('limit');
		const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
			return problem(400, 'invalid_request', 'Invalid request', 'The request failed validation.', request.path, {
				errors: [{ pointer: '/query/limit', detail: '`limit` must be an integer from 1 to 100.', code: 'out_of_range' }],
			});
		}
		const cursor = request.query.get('cursor');
		const offset = cursor === null ? 0 : decodeCursor(cursor);
		if (offset === undefined) {
			return problem(400, 'invalid_request', 'Invalid request', 'The request failed validation.', request.path, {
				errors: [{ pointer: '/query/cursor', detail: '`cursor` is not valid.', code: 'invalid_cursor' }],
			});
		}
		const { pageSizeCap, ignoreOffset, repeatCursor, hasMoreWithoutCursor } = this.paging;
		const served = pageSizeCap ? Math.min(limit, pageSizeCap) : limit;
		const start = ignoreOffset ? 0 : offset;
		const page = this.accounts.slice(start, start + served);
		const hasMore = start + served < this.accounts.length;
		// repeatCursor: the first page's cursor, whichever page this is.
		const next = encodeCursor(repeatCursor ? served : start + served);
		return {
			status: 200,
			body: {
				data: page.map((entry) => publicAccount(entry, false)),
				hasMore,
				nextCursor: hasMore && !hasMoreWithoutCursor ? next : null,
			},
		};
	}

	private batchSites(request: SandboxRequest): SandboxResponse {
		const ids = (request.body as { accountIds?: unknown })?.accountIds;
		if (!Array.isArray(ids) || ids.length > 50) {
			return problem(400, 'invalid_request', 'Invalid request', 'The request body failed validation.', request.path, {
				errors: [{ pointer: '/accountIds', detail: '`accountIds` must be an array of at most 50 ids.', code: 'invalid' }],
			});
		}
		const results = ids
			.map((id) => this.accounts.find((entry) => entry.id === id))
			.filter((entry): entry is Account => entry !== undefined)
			.map((entry) => {
				const { sites, available, reason } = sitesOf(entry);
				return { id: entry.id, available, reason, installations: sites };
			});
		return { status: 200, body: { results } };
	}
}

function publicAccount(account: Account, withControlPanel: boolean) {
	const { sites: _sites, controlPanel, ...rest } = account;
	return withControlPanel ? { ...rest, controlPanel } : rest;
}

function ssoAvailability(account: Account): { available: boolean; reason: string | null } {
	return account.serviceStatus === 'active'
		? { available: true, reason: null }
		: { available: false, reason: `The account is ${account.serviceStatus}.` };
}

function sitesOf(account: Account) {
	const active = account.serviceStatus === 'active';
	return {
		sites: active ? account.sites : [],
		available: active,
		reason: active ? null : `The account is ${account.serviceStatus}.`,
	};
}
