import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

import type { ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * DirectAdmin as README's "DirectAdmin" section and DirectAdmin's published
 * Swagger describe it, mounted at `/directadmin` as DirectAdmin hangs off
 * `https://server:2222`:
 *
 * - HTTP Basic auth `{user}:{password or Login Key}` on every call, and
 *   login-as `{caller}|{user}`: an administrator may act as any account, a
 *   reseller as the users it created; anything else is refused as a wrong
 *   password is (401 `{ "type": "UNAUTHORIZED" }`).
 * - The JSON API: `GET /api/session` (`effectiveRole`, `effectiveUsername`,
 *   `realUsername`), `POST|GET /api/login-keys/urls`, `DELETE
 *   /api/login-keys/urls/{id}`; errors `{ type, message? }` with an HTTP
 *   error status.
 * - One-time login URLs: `GET /api/login/url?key=…` (no auth) logs in once,
 *   before `expires`, from an address in `allowNetworks` (any when empty),
 *   and answers 303 to the page asked for. Without `expires` the server's own
 *   default applies: three days, as DirectAdmin's login URLs live by default.
 * - The legacy API, form-encoded: `CMD_API_SHOW_ALL_USERS` (administrators),
 *   `CMD_API_SHOW_USERS` (the caller's own users), `CMD_API_SHOW_USER_CONFIG`;
 *   its errors `error=1&text=…&details=…` with HTTP 200.
 *
 * Which JSON type each refusal carries, and the legacy texts, are the
 * sandbox's assumptions in DirectAdmin's style (marked "assumed").
 */

export interface DirectAdminLogin {
	username: string;
	password: string;
	/** A Login Key of the account: a second password (DirectAdmin › Login Keys). */
	loginKey: string;
}

export const DA_ADMIN: DirectAdminLogin = { username: 'admin', password: 'AdminSandboxPassw0rd!', loginKey: 'DAADMINLOGINKEY0123456789abcdefGHIJ' };
export const DA_RESELLER: DirectAdminLogin = { username: 'reseller1', password: 'Reseller1SandboxPass!', loginKey: 'DARESELLER1KEY0123456789abcdefGHIJ' };
export const DA_OTHER_RESELLER: DirectAdminLogin = { username: 'reseller2', password: 'Reseller2SandboxPass!', loginKey: 'DARESELLER2KEY0123456789abcdefGHIJ' };
/** A plain user: it may use the API for itself, not list users or log in as others. */
export const DA_USER: DirectAdminLogin = { username: 'alice', password: 'AliceSandboxPassw0rd!', loginKey: 'DAALICELOGINKEY0123456789abcdefGHIJ' };

/** A user whose reseller turned Login Keys off: no login URL can be made for it. */
export const DA_KEYLESS_USER = 'keyless';
/** A suspended user: DirectAdmin does not log into it. */
export const DA_SUSPENDED_USER = 'oldshop';

/** DirectAdmin's own default lifetime of a login URL, when the request names no `expires`. */
export const DA_DEFAULT_EXPIRY_MS = 3 * 24 * 3600 * 1000;

export type DirectAdminLevel = 'admin' | 'reseller' | 'user';

export interface DirectAdminAccount {
	username: string;
	level: DirectAdminLevel;
	/** Who created it: an administrator or reseller. */
	creator: string;
	domain: string;
	suspended: boolean;
	/** Whether Login Keys (and so login URLs) are allowed for it. */
	loginKeys: boolean;
}

const LOGINS = [DA_ADMIN, DA_RESELLER, DA_OTHER_RESELLER, DA_USER];

/** [name, level, creator, domain]; the listing order. */
const SEED: ReadonlyArray<readonly [string, DirectAdminLevel, string, string]> = [
	['admin', 'admin', 'admin', 'server.example'],
	[DA_RESELLER.username, 'reseller', 'admin', 'reseller-one.example'],
	[DA_OTHER_RESELLER.username, 'reseller', 'admin', 'reseller-two.example'],
	['alice', 'user', 'admin', 'acme-bakery.example'],
	['bob', 'user', 'admin', 'malmomakers.example'],
	['bobby', 'user', 'admin', 'bobby-plumbing.example'],
	['carol', 'user', 'admin', 'carolsflowers.example'],
	[DA_KEYLESS_USER, 'user', 'admin', 'keyless-shop.example'],
	[DA_SUSPENDED_USER, 'user', 'admin', 'old-shop.example'],
	['nordicbikes', 'user', 'admin', 'nordicbikes.example'],
	['lakeside', 'user', DA_RESELLER.username, 'lakeside-rentals.example'],
	['pinecafe', 'user', DA_RESELLER.username, 'pine-cafe.example'],
	['harborlaw', 'user', DA_RESELLER.username, 'harbor-law.example'],
	['meadowvet', 'user', DA_RESELLER.username, 'meadow-vet.example'],
	['sunbakery', 'user', DA_OTHER_RESELLER.username, 'sun-bakery.example'],
	['oakfarm', 'user', DA_OTHER_RESELLER.username, 'oak-farm.example'],
];

function seedAccounts(): DirectAdminAccount[] {
	return SEED.map(([username, level, creator, domain]) => ({
		username,
		level,
		creator,
		domain,
		suspended: username === DA_SUSPENDED_USER,
		loginKeys: username !== DA_KEYLESS_USER,
	}));
}

export const DA_ACCOUNTS: readonly DirectAdminAccount[] = Object.freeze(seedAccounts());

/** What each credential's listing holds: every user and reseller for an administrator, its own users for a reseller. */
export function directAdminUsersOf(caller: string, accounts: readonly DirectAdminAccount[] = DA_ACCOUNTS): string[] {
	const account = accounts.find((entry) => entry.username === caller);
	if (account?.level === 'admin') return accounts.filter((entry) => entry.level !== 'admin').map((entry) => entry.username);
	return accounts.filter((entry) => entry.creator === caller && entry.username !== caller).map((entry) => entry.username);
}

/** One login URL `POST /api/login-keys/urls` made. */
export interface DirectAdminLoginUrl {
	id: string;
	key: string;
	url: string;
	/** The account it logs into (the request's effective user). */
	user: string;
	/** Who authenticated the request (the caller of a login-as). */
	createdBy: string;
	allowNetworks: string[];
	/** What the request sent as `expires`, or undefined. */
	askedExpires?: string;
	expires: Date;
	redirectURL?: string;
	used: boolean;
	revoked: boolean;
}

/** One authenticated call, without secrets. */
export interface DirectAdminCall {
	method: string;
	path: string;
	/** The account whose password or key authenticated it. */
	caller: string;
	/** The account it acted as (login-as), or the caller itself. */
	effective: string;
}

/** One attempt to open a login URL. */
export interface DirectAdminRedemption {
	key: 'unknown' | string;
	from: string;
	status: number;
}

/** Quirks a test switches on. */
export interface DirectAdminQuirks {
	/** Ignore the requested `expires` and use the server's default (an older or misconfigured DirectAdmin). */
	ignoreExpires?: boolean;
	/** Legacy commands the credential's Login Key does not allow: refused with error=1 (assumed wording). */
	keyDenies?: string[];
}

const json = (status: number, body: unknown): SandboxResponse => ({ status, headers: { 'content-type': 'application/json' }, body });
const apiError = (status: number, type: string, extra: Record<string, unknown> = {}) => json(status, { type, ...extra });
const form = (fields: Array<[string, string]>): SandboxResponse => ({
	status: 200,
	headers: { 'content-type': 'text/plain; charset=utf-8' },
	body: new URLSearchParams(fields).toString(),
});
/** The legacy API's error: HTTP 200, `error=1&text=…&details=…`. */
const legacyError = (text: string, details: string) =>
	form([
		['error', '1'],
		['text', text],
		['details', details],
	]);

/** RFC 3339 in whole seconds, as DirectAdmin writes it. */
const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The form of a network DirectAdmin accepts (Go's net.ParseIP / ParseCIDR). */
function networkType(text: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
	const [address, prefixText, extra] = text.split('/');
	if (extra !== undefined) return undefined;
	const version = isIP(address);
	if (version === 0 || address.includes('%')) return undefined;
	const family = version === 4 ? 'ipv4' : 'ipv6';
	if (prefixText === undefined) return { address, family };
	if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > (version === 4 ? 32 : 128)) return undefined;
	return { address, prefix: Number(prefixText), family };
}

export class DirectAdminSandbox implements ProviderSandbox {
	readonly prefix = 'directadmin';

	accounts: DirectAdminAccount[] = seedAccounts();

	calls: DirectAdminCall[] = [];

	loginUrls: DirectAdminLoginUrl[] = [];

	redemptions: DirectAdminRedemption[] = [];

	/** Requests that carried a password or Login Key anywhere but the Authorization header. */
	secretInRequest = 0;

	quirks: DirectAdminQuirks = {};

	reset(): void {
		this.accounts = seedAccounts();
		this.calls = [];
		this.loginUrls = [];
		this.redemptions = [];
		this.secretInRequest = 0;
		this.quirks = {};
	}

	errorBody(status: number, code: string, message: string): SandboxResponse {
		return apiError(status, code.toUpperCase(), { message });
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		const secrets = LOGINS.flatMap((login) => [login.password, login.loginKey]);
		const query = [...request.query].flat().join('\n');
		if (secrets.some((secret) => request.rawBody.includes(secret) || query.includes(secret) || request.path.includes(secret))) {
			this.secretInRequest++;
		}
		// A login URL is opened by a browser, without credentials.
		if (request.method === 'GET' && request.path === '/api/login/url') return this.redeem(request);
		if (!request.path.startsWith('/api/') && !request.path.startsWith('/CMD_')) {
			// Assumed: DirectAdmin's own login page for anything else.
			return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><title>DirectAdmin Login</title><form action="/CMD_LOGIN"></form></html>' };
		}

		const who = this.authenticate(request.headers.authorization);
		if (!who) return apiError(401, 'UNAUTHORIZED');
		const { caller, effective } = who;
		this.calls.push({ method: request.method, path: request.path, caller: caller.username, effective: effective.username });

		if (request.path === '/api/session' && request.method === 'GET') {
			return json(200, {
				effectiveRole: effective.level,
				effectiveUsername: effective.username,
				realUsername: caller.username,
				sessionID: '',
				selectedDomain: effective.domain,
				demo: false,
				homeDir: `/home/${effective.username}`,
			});
		}
		if (request.path === '/api/login-keys/urls') {
			if (request.method === 'POST') return this.createLoginUrl(request, caller, effective, context);
			if (request.method === 'GET') return json(200, this.loginUrls.filter((entry) => entry.user === effective.username && !entry.revoked).map((entry) => this.describe(entry)));
		}
		const revoke = /^\/api\/login-keys\/urls\/([^/]+)$/.exec(request.path);
		if (revoke && request.method === 'DELETE') {
			const entry = this.loginUrls.find((candidate) => candidate.id === revoke[1] && candidate.user === effective.username && !candidate.revoked);
			if (!entry) return apiError(404, 'NOT_FOUND');
			entry.revoked = true;
			return { status: 204 };
		}
		if (request.path.startsWith('/api/')) return apiError(404, 'NOT_FOUND');
		return this.legacy(request, effective);
	}

	/** The caller a Basic header authenticates, and whom it acts as; undefined for any refusal. */
	private authenticate(header: string | string[] | undefined): { caller: DirectAdminAccount; effective: DirectAdminAccount } | undefined {
		const value = Array.isArray(header) ? header[0] : header;
		const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value ?? '');
		if (!match) return undefined;
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return undefined;
		const [name, actAs, ...more] = decoded.slice(0, colon).split('|');
		const secret = decoded.slice(colon + 1);
		if (more.length > 0) return undefined;
		const login = LOGINS.find((entry) => entry.username === name);
		if (!login || (secret !== login.password && secret !== login.loginKey)) return undefined;
		const caller = this.accounts.find((entry) => entry.username === name);
		if (!caller) return undefined;
		if (actAs === undefined) return { caller, effective: caller };
		const target = this.accounts.find((entry) => entry.username === actAs);
		if (!target) return undefined;
		const allowed = caller.level === 'admin' || (caller.level === 'reseller' && target.creator === caller.username && target.level === 'user');
		return allowed ? { caller, effective: target } : undefined;
	}

	private describe(entry: DirectAdminLoginUrl) {
		return {
			id: entry.id,
			expires: rfc3339(entry.expires),
			created: rfc3339(new Date()),
			createdBy: `api:${entry.createdBy}`,
			allowNetworks: entry.allowNetworks,
			...(entry.redirectURL ? { redirectURL: entry.redirectURL } : {}),
		};
	}

	private createLoginUrl(request: SandboxRequest, caller: DirectAdminAccount, effective: DirectAdminAccount, context: SandboxContext): SandboxResponse {
		const body = request.body;
		if (typeof body !== 'object' || body === null || Array.isArray(body)) return apiError(400, 'BAD_REQUEST', { message: 'invalid request body' });
		const { allowNetworks, expires, redirectURL } = body as Record<string, unknown>;
		// Assumed wordings, in DirectAdmin's style.
		if (!Array.isArray(allowNetworks) || !allowNetworks.every((entry) => typeof entry === 'string')) {
			return apiError(400, 'BAD_REQUEST', { message: 'allowNetworks: must be an array of strings' });
		}
		const invalid = (allowNetworks as string[]).find((entry) => !networkType(entry));
		if (invalid !== undefined) return apiError(400, 'BAD_REQUEST', { message: `allowNetworks: invalid network "${invalid}"` });
		let expiry = new Date(Date.now() + DA_DEFAULT_EXPIRY_MS);
		if (expires !== undefined && !this.quirks.ignoreExpires) {
			const parsed = typeof expires === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(expires) ? new Date(expires) : undefined;
			if (!parsed || Number.isNaN(parsed.getTime())) return apiError(400, 'BAD_REQUEST', { message: 'expires: must be an RFC 3339 time' });
			if (parsed.getTime() <= Date.now()) return apiError(400, 'BAD_REQUEST', { message: 'expires: must be in the future' });
			expiry = new Date(Math.floor(parsed.getTime() / 1000) * 1000);
		}
		if (redirectURL !== undefined && (typeof redirectURL !== 'string' || !redirectURL.startsWith('/'))) {
			return apiError(400, 'BAD_REQUEST', { message: 'redirectURL: must be a path' });
		}
		// Assumed: a user without Login Keys cannot have login URLs; a suspended one cannot log in.
		if (!effective.loginKeys) return apiError(403, 'ACCESS_DENIED');
		if (effective.suspended) return apiError(403, 'LOGIN_ACCOUNT_DISABLED');

		const key = randomBytes(60).toString('base64url').replace(/[-_]/g, 'Q').toUpperCase();
		const entry: DirectAdminLoginUrl = {
			id: `HASHURL${randomBytes(13).toString('hex').toUpperCase()}`,
			key,
			url: `${context.origin}/${this.prefix}/api/login/url?key=${key}`,
			user: effective.username,
			createdBy: caller.username,
			allowNetworks: allowNetworks as string[],
			...(typeof expires === 'string' && { askedExpires: expires }),
			expires: expiry,
			...(typeof redirectURL === 'string' && { redirectURL }),
			used: false,
			revoked: false,
		};
		this.loginUrls.push(entry);
		return json(200, { ...this.describe(entry), url: entry.url });
	}

	/** Opens a login URL as a browser does: once, in time, from an allowed network. */
	private redeem(request: SandboxRequest): SandboxResponse {
		const key = request.query.get('key') ?? '';
		const from = request.remoteAddress ?? '';
		const entry = this.loginUrls.find((candidate) => candidate.key === key);
		const refuse = (why: string): SandboxResponse => {
			this.redemptions.push({ key: entry ? entry.id : 'unknown', from, status: 403 });
			return { status: 403, headers: { 'content-type': 'text/html' }, body: `<h1>${why}</h1>` };
		};
		if (!entry || entry.revoked) return refuse('Invalid login URL');
		if (entry.used) return refuse('This login URL was already used');
		if (entry.expires.getTime() <= Date.now()) return refuse('This login URL has expired');
		if (entry.allowNetworks.length > 0 && !this.allows(entry.allowNetworks, from)) return refuse('Login from your IP address is not allowed');
		entry.used = true;
		this.redemptions.push({ key: entry.id, from, status: 303 });
		return { status: 303, headers: { location: entry.redirectURL ?? '/evo/', 'set-cookie': `session=${randomBytes(16).toString('hex')}; HttpOnly; Secure` } };
	}

	private allows(networks: string[], address: string): boolean {
		const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
		const family = isIP(plain) === 4 ? 'ipv4' : 'ipv6';
		const list = new BlockList();
		for (const network of networks) {
			const parsed = networkType(network);
			if (!parsed) continue;
			if (parsed.prefix === undefined) list.addAddress(parsed.address, parsed.family);
			else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
		}
		return list.check(plain, family);
	}

	/** The legacy API: form-encoded answers, errors with HTTP 200. */
	private legacy(request: SandboxRequest, effective: DirectAdminAccount): SandboxResponse {
		const command = request.path.slice(1);
		const users = (names: string[]) => form(names.map((name): [string, string] => ['list[]', name]));
		if (this.quirks.keyDenies?.includes(command)) return legacyError('You do not have access to this command', `${command} is not allowed for this Login Key`);
		switch (command) {
			case 'CMD_API_SHOW_ALL_USERS':
				// Assumed wording.
				if (effective.level !== 'admin') return legacyError('You do not have access to this command', `${command} requires an administrator`);
				return users(directAdminUsersOf(effective.username, this.accounts));
			case 'CMD_API_SHOW_USERS':
				if (effective.level === 'user') return legacyError('You do not have access to this command', `${command} requires a reseller or an administrator`);
				return users(directAdminUsersOf(effective.username, this.accounts));
			case 'CMD_API_SHOW_USER_CONFIG': {
				const name = request.query.get('user') ?? effective.username;
				const account = this.accounts.find((entry) => entry.username === name);
				const visible = account && (effective.level === 'admin' || account.creator === effective.username || account.username === effective.username);
				if (!account || !visible) return legacyError('Unable to find the user', `${name} does not exist or is not yours`);
				return form([
					['username', account.username],
					['usertype', account.level],
					['creator', account.creator],
					['domain', account.domain],
					['suspended', account.suspended ? 'yes' : 'no'],
					['login_keys', account.loginKeys ? 'ON' : 'OFF'],
				]);
			}
			default:
				// Assumed wording.
				return legacyError('Unknown command', `${command} is not a DirectAdmin API command`);
		}
	}
}

/**
 * The same server's web sites, on port 80/443 rather than DirectAdmin's 2222:
 * what a Base URL with the wrong port reaches. A web page for every path.
 */
export class DirectAdminWebSandbox implements ProviderSandbox {
	readonly prefix = 'directadmin-web';

	reset(): void {}

	errorBody(status: number): SandboxResponse {
		return { status, headers: { 'content-type': 'text/html' }, body: `<h1>${status}</h1>` };
	}

	handle(): SandboxResponse {
		return {
			status: 200,
			headers: { 'content-type': 'text/html' },
			body: '<html><head><title>Apache is functioning normally</title></head><body><h1>It works!</h1></body></html>',
		};
	}
}
