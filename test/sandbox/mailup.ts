import { randomBytes } from 'node:crypto';

import type { PagingQuirks, ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * MailUp as its console SSO documentation describes it (README, "MailUp"):
 * OAuth2 password grant with rotating refresh tokens, the ConsoleService REST
 * API behind Bearer tokens, `{ ErrorCode, ErrorDescription, ErrorName,
 * ErrorStack }` errors, a restricted SSO endpoint, and 429s without any
 * rate-limit headers. Paths hang off the prefix exactly as they hang off
 * `https://services.mailup.com`.
 */

/** A fake but realistic MailUp API client plus console user. */
export const MAILUP_ACCOUNT = {
	clientId: '5a1c7e2b-93d4-4f60-8b1e-2c7d9f0a4e61',
	clientSecret: 'b7e4c2a9-1f3d-4e8a-9c6b-0d5f2a7e3b18',
	username: 'm12345',
	password: 'Sandbox-MailUp-2025!',
} as const;

/** The console the account logs in to; `AccountName` also names the SSO landing. */
const ACCOUNT_INFO = {
	AccountName: 'Acme Newsletters',
	Company: 'Acme Srl',
	// MailUp's documentation does not show the date format; an ISO string is the sandbox's choice.
	ExpiryDate: '2027-12-31T00:00:00Z',
	IsTrial: false,
	UID: '8f0d6c1e-4b2a-4e7f-a3c5-91d2e6b7f048',
	Url: 'https://a1b2c3.emailsp.com',
	Username: MAILUP_ACCOUNT.username,
	Version: '9.4',
} as const;

/** MailUp's token answer: `expires_in: 3600`. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** MailUp's documentation: the SSO link is valid for 600 seconds. */
const SSO_LINK_LIFETIME_SECONDS = 600;

/**
 * Paging defaults are the sandbox's assumption, not MailUp's documented
 * values: PageSize 20 when absent, and 1..100 accepted so that a client
 * asking for absurd pages finds out in tests rather than in production.
 */
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

const LIST_COUNT = 45;

const API_PREFIX = '/api/v1.1/rest/consoleservice.svc/';

interface MailUpList {
	idList: number;
	listGuid: string;
	Name: string;
	Company: string;
	Description: string;
}

interface AccessToken {
	/** Epoch ms after which the token answers 401 "token expired". */
	expiresAt: number;
}

const LIST_TOPICS = ['Newsletter', 'Promotions', 'Events', 'Product updates', 'Customers'];

function seedLists(): MailUpList[] {
	return Array.from({ length: LIST_COUNT }, (_, index) => {
		const topic = LIST_TOPICS[index % LIST_TOPICS.length];
		const number = index + 1;
		return {
			idList: number,
			// Deterministic GUID-shaped strings, so reseeding gives the same lists.
			listGuid: `0000${String(number).padStart(4, '0')}-5a1c-4e7f-9b2d-${String(number).padStart(12, '0')}`,
			Name: index === 0 ? 'Newsletter' : `${topic} ${number}`,
			Company: ACCOUNT_INFO.Company,
			Description: `${topic} subscribers (sandbox list ${number})`,
		};
	});
}

/** MailUp's API error body. */
function mailUpError(status: number, name: string, description: string): SandboxResponse {
	return {
		status,
		body: { ErrorCode: String(status), ErrorDescription: description, ErrorName: name, ErrorStack: null },
	};
}

/**
 * Standard OAuth2 (RFC 6749 §5.2) error bodies for the token endpoint:
 * MailUp's exact wording there is not documented.
 */
function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): SandboxResponse {
	return { status, headers: { 'cache-control': 'no-store', ...headers }, body: { error, error_description: description } };
}

function randomToken(): string {
	return randomBytes(32).toString('base64url');
}

export class MailUpSandbox implements ProviderSandbox {
	readonly prefix = 'mailup';

	/** Seconds an access token lives; tests set 1 to force expiry. */
	tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS;

	/** When false, `POST Console/Sso` answers the doc's 403 (feature not enabled for the client ID). */
	ssoEnabled = true;

	/** Console/Sso fails with a message that quotes the caller's access token (a careless server). */
	echoTokenOnSso = false;

	/** API calls allowed per rolling second; 0 is no limit. MailUp documents a default of 5. */
	rateLimitPerSecond = 0;

	/** Every token request with a known grant, successful or not, in order. */
	tokenRequests: Array<{ grant: 'password' | 'refresh_token' }> = [];

	/** How many 429s the rate limit has sent. */
	rateLimited = 0;

	/** SSO links minted, for tests that check a link was (not) minted. */
	ssoLinks = 0;

	lists: MailUpList[] = seedLists();

	/** How the list pages misbehave (PagingQuirks); all off after reset(). */
	paging: PagingQuirks = {};

	private accessTokens = new Map<string, AccessToken>();

	/** Live refresh tokens; a token leaves the set when it is used (rotation). */
	private refreshTokens = new Set<string>();

	/** Times of API calls admitted within the last second, for the rolling window. */
	private apiCallTimes: number[] = [];

	reset(): void {
		this.tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS;
		this.ssoEnabled = true;
		this.echoTokenOnSso = false;
		this.rateLimitPerSecond = 0;
		this.tokenRequests = [];
		this.rateLimited = 0;
		this.ssoLinks = 0;
		this.lists = seedLists();
		this.paging = {};
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.apiCallTimes = [];
	}

	/** Makes every access token issued so far expired at once (refresh tokens keep working). */
	expireAllTokens(): void {
		const past = Date.now() - 1;
		for (const token of this.accessTokens.values()) token.expiresAt = past;
	}

	errorBody(status: number, code: string, message: string): SandboxResponse {
		return mailUpError(status, code, message);
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		const path = request.path.toLowerCase();
		if (path === '/authorization/oauth/token') {
			if (request.method !== 'POST') {
				return oauthError(405, 'invalid_request', 'The token endpoint only accepts POST.');
			}
			return this.token(request);
		}
		if (path.startsWith(API_PREFIX)) {
			return this.api(request, path.slice(API_PREFIX.length).replace(/\/+$/, ''), context);
		}
		return mailUpError(404, 'NotFound', 'Endpoint not found.');
	}

	private token(request: SandboxRequest): SandboxResponse {
		const form = formOf(request);
		const grant = form.grant_type;
		if (grant === undefined) {
			return oauthError(400, 'invalid_request', 'The grant_type parameter is required.');
		}
		if (grant !== 'password' && grant !== 'refresh_token') {
			return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
		}
		this.tokenRequests.push({ grant });

		// MailUp's samples send the client in a Basic header; the form fields work too.
		const basic = basicCredentials(request.headers.authorization);
		const clientId = form.client_id ?? basic?.id;
		const clientSecret = form.client_secret ?? basic?.secret;
		if (clientId !== MAILUP_ACCOUNT.clientId || clientSecret !== MAILUP_ACCOUNT.clientSecret) {
			// RFC 6749 asks for WWW-Authenticate when the client tried the Basic scheme.
			return oauthError(401, 'invalid_client', 'Client authentication failed.', basic ? { 'www-authenticate': 'Basic' } : {});
		}

		if (grant === 'password') {
			if (form.username === undefined || form.password === undefined) {
				return oauthError(400, 'invalid_request', 'The username and password parameters are required.');
			}
			if (form.username !== MAILUP_ACCOUNT.username || form.password !== MAILUP_ACCOUNT.password) {
				return oauthError(400, 'invalid_grant', 'The user name or password is incorrect.');
			}
			return this.issueTokens();
		}

		if (form.refresh_token === undefined) {
			return oauthError(400, 'invalid_request', 'The refresh_token parameter is required.');
		}
		// Rotation: a refresh token works once; replaying it is invalid_grant.
		if (!this.refreshTokens.delete(form.refresh_token)) {
			return oauthError(400, 'invalid_grant', 'The refresh token is invalid or has already been used.');
		}
		return this.issueTokens();
	}

	private issueTokens(): SandboxResponse {
		const accessToken = randomToken();
		const refreshToken = randomToken();
		this.accessTokens.set(accessToken, { expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
		this.refreshTokens.add(refreshToken);
		return {
			status: 200,
			headers: { 'cache-control': 'no-store' },
			body: {
				access_token: accessToken,
				token_type: 'bearer',
				expires_in: this.tokenLifetimeSeconds,
				refresh_token: refreshToken,
			},
		};
	}

	/** `route` is the lower-cased path below ConsoleService.svc, without slashes at either end. */
	private api(request: SandboxRequest, route: string, context: SandboxContext): SandboxResponse {
		// The limit counts every API call, authenticated or not, as the server
		// cannot know who is calling before it spends work; token calls are exempt.
		if (this.rateLimitPerSecond > 0) {
			const now = Date.now();
			this.apiCallTimes = this.apiCallTimes.filter((at) => now - at < 1000);
			if (this.apiCallTimes.length >= this.rateLimitPerSecond) {
				this.rateLimited++;
				// No Retry-After or X-RateLimit-* headers: MailUp sends none.
				return mailUpError(429, 'TooManyRequests', 'Too many requests: the API call rate limit has been exceeded.');
			}
			this.apiCallTimes.push(now);
		}

		const denied = this.authorize(request.headers.authorization);
		if (denied) return denied;

		const method = request.method;
		if (route === 'console/authentication/info' && method === 'GET') {
			return { status: 200, body: { ...ACCOUNT_INFO } };
		}
		if (route === 'console/user/lists' && method === 'GET') {
			return this.listLists(request);
		}
		if (route === 'console/sso' && method === 'POST') {
			if (this.echoTokenOnSso) {
				const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
				return mailUpError(500, 'InternalServerError', `No console session could be opened for access token ${token}.`);
			}
			if (!this.ssoEnabled) {
				// Verbatim from MailUp's console SSO documentation.
				return mailUpError(
					403,
					'Forbidden',
					'Authorization error: You cannot generate the MailUp platform login url due to permission issue. Please, contact MailUp for further information.',
				);
			}
			this.ssoLinks++;
			const token = context.issueLoginToken(this.prefix, `MailUp console of ${ACCOUNT_INFO.AccountName}`);
			return {
				status: 200,
				body: {
					Link: { href: `${context.origin}/${this.prefix}/login/${token}`, rel: 'self' },
					ExpiresIn: SSO_LINK_LIFETIME_SECONDS,
				},
			};
		}
		return mailUpError(404, 'NotFound', 'Endpoint not found.');
	}

	private authorize(header: string | undefined): SandboxResponse | undefined {
		const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
		const token = match ? this.accessTokens.get(match[1]) : undefined;
		if (!token) {
			return mailUpError(401, 'Unauthorized', 'Authorization error: invalid or missing access token.');
		}
		if (Date.now() >= token.expiresAt) {
			return mailUpError(401, 'Unauthorized', 'Authorization error: token expired.');
		}
		return undefined;
	}

	private listLists(request: SandboxRequest): SandboxResponse {
		// MailUp's own docs spell these PageNumber/PageSize; accept any case, as its
		// case-insensitive WCF host does for paths.
		const pageNumberText = queryParam(request.query, 'pagenumber');
		const pageSizeText = queryParam(request.query, 'pagesize');
		const pageNumber = pageNumberText === undefined ? 0 : Number(pageNumberText);
		const pageSize = pageSizeText === undefined ? DEFAULT_PAGE_SIZE : Number(pageSizeText);
		if (!Number.isInteger(pageNumber) || pageNumber < 0) {
			return mailUpError(400, 'BadRequest', 'Invalid parameter: PageNumber must be a non-negative integer.');
		}
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
			return mailUpError(400, 'BadRequest', `Invalid parameter: PageSize must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
		}
		const served = this.paging.pageSizeCap ? Math.min(pageSize, this.paging.pageSizeCap) : pageSize;
		const skipped = this.paging.ignoreOffset ? 0 : pageNumber * served;
		return {
			status: 200,
			body: {
				IsPaginated: true,
				Items: this.lists.slice(skipped, skipped + served).map((list) => ({ ...list })),
				PageNumber: pageNumber,
				PageSize: served,
				Skipped: skipped,
				TotalElementsCount: this.lists.length,
			},
		};
	}
}

/** The token request's form fields; tolerates a form body sent without its content type. */
function formOf(request: SandboxRequest): Record<string, string | undefined> {
	const { body } = request;
	if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
	if (body && typeof body === 'object') {
		return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, value === undefined ? undefined : String(value)]));
	}
	return {};
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
	const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	// Taken as sent: MailUp's samples base64 the raw `id:secret` without the
	// form-urlencoding RFC 6749 §2.3.1 asks for (the sandbox's values need none).
	return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function queryParam(query: URLSearchParams, lowerName: string): string | undefined {
	for (const [key, value] of query) {
		if (key.toLowerCase() === lowerName) return value;
	}
	return undefined;
}
