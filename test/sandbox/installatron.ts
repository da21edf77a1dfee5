import type { PagingQuirks, ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * Installatron Server API as its documentation describes it
 * (README, "Installatron"): an `X-API-KEY`
 * server key, `{ status, result, message, data }` answers, `{ status, result:
 * false, errcode, errfield, message }` errors, and `POST /installs/{id}/login`
 * for the apps that support SSO. Paths hang off the prefix exactly as they
 * hang off the customer's server (`https://203.0.113.5:8443/installs`).
 */

/** Both are valid, like the `key=` and `key2=` values of settings.ini. */
export const INSTALLATRON_KEYS = {
	valid: 'ins_sandbox_key_0123456789abcdef',
	other: 'ins_sandbox_key2_fedcba9876543210',
} as const;

const KNOWN_KEYS = new Set<string>(Object.values(INSTALLATRON_KEYS));

/**
 * Installatron Server users. `carol` exists but owns nothing, so tests can tell
 * "a user with no installs" (an empty list) from "no such user" (403).
 */
export const INSTALLATRON_USERS = ['alice', 'bob', 'carol'] as const;

/** Ids of the seeded installs: 25 lowercase letters and digits, like Installatron's. */
export const INSTALLATRON_INSTALLS = {
	wordpress: 'acmebakerywp0000000000001',
	wordpressBlog: 'acmeblogwp000000000000002',
	wordpressShop: 'malmoshopwp00000000000003',
	joomla: 'nordicbikesjoomla00000004',
	classicpress: 'studiolundcp0000000000005',
	modx: 'fjordmodx0000000000000006',
	/** No SSO at Installatron. */
	drupal: 'kaffekoddrupal00000000007',
	/** No SSO at Installatron. */
	nextcloud: 'bobcloudnextcloud00000008',
} as const;

/**
 * Every seeded `db-pass`. Installatron returns the database password with each
 * install, so tests assert that none of these ever reaches node output or logs.
 * Installs added by `growTo` use the same `S3cr3t-db-pass-<n>` pattern.
 */
export const INSTALLATRON_DB_PASSWORDS = Object.keys(INSTALLATRON_INSTALLS).map((_, index) => dbPass(index + 1));

/** Documented 500 errcodes of the login task, with the doc's descriptions as messages. */
export const INSTALLATRON_LOGIN_FAILURES = {
	failed_website_vhost:
		"User's webhosting account does not manage this domain. That is, the domain is in the account's vhosts list.",
	failed_filesystem_host: 'Unable to reach the remote host.',
	failed_filesystem_login: 'The SFTP/FTP/SFTP server rejected the login.',
	failed_filesystem_ondemand:
		'(Only when when enablePath is defined in /usr/local/instalatron/etc/panel.php) The path was invalid.',
	failed_filesystem_permission: 'Insufficient user permissions to the path provided.',
	failed_filesystem_quota: "User's Disk Space or Files Usage (inodes) quota was exceeded.",
} as const;

export type InstallatronLoginFailure = keyof typeof INSTALLATRON_LOGIN_FAILURES;

/** Installatron's documentation: "only available for installs of WordPress, Joomla!, ClassicPress, and Modx". */
const SSO_INSTALLERS = new Set(['wordpress', 'joomla', 'classicpress', 'modx']);

/** Other Installatron list endpoints page with offset 0 / limit 50 by default. */
const DEFAULT_LIMIT = 50;

const MESSAGES = {
	invalid_api_key: "The server's Installatron Server Key is invalid.",
	invalid_argument_user: 'User specified is not authorized to access this data.',
	install_not_found: 'The app ID was not found or it was found by is owned by a user who does not have access to it.',
	sso_unsupported: 'Single sign-on is not available for this application.',
	not_found: 'The requested API endpoint was not found.',
} as const;

/** One install as `GET /installs` returns it; hyphenated keys are Installatron's. */
export interface InstallatronInstall {
	id: string;
	installer: string;
	version: string;
	title: string;
	url: string;
	path: string;
	owner: string;
	/** Epoch seconds. */
	time: number;
	language: string;
	'db-type': string;
	'db-host': string;
	'db-name': string;
	'db-user': string;
	'db-pass': string;
	'db-prefix': string;
	/**
	 * The admin username. The doc names the field `login` in its errfield
	 * examples (`login`, `passwd`, `email`); the password (`passwd`) is never
	 * returned, so the sandbox has none.
	 */
	login: string;
}

type SeedKey = keyof typeof INSTALLATRON_INSTALLS;

const SEEDS: Array<[SeedKey, string, string, string, string, string, string, string, string]> = [
	// key, installer, version, title, url, path, owner, language, db-prefix
	['wordpress', 'wordpress', '6.8.1', 'Acme Bakery', 'https://acme-bakery.example', '/home/alice/public_html', 'alice', 'en_US', 'wp_'],
	['wordpressBlog', 'wordpress', '6.8.1', 'Acme Bakery Blog', 'https://acme-bakery.example/blog', '/home/alice/public_html/blog', 'alice', 'en_US', 'wpblog_'],
	['wordpressShop', 'wordpress', '6.7.2', 'Malmö Makers Shop', 'https://malmomakers.example/shop', '/home/bob/public_html/shop', 'bob', 'sv_SE', 'wp_'],
	['joomla', 'joomla', '5.3.1', 'Nordic Bikes', 'https://nordicbikes.example', '/home/alice/nordicbikes.example', 'alice', 'en-GB', 'jos_'],
	['classicpress', 'classicpress', '2.4.1', 'Studio Lund', 'https://studiolund.example', '/home/bob/public_html', 'bob', 'en_US', 'cp_'],
	['modx', 'modx', '3.1.2-pl', 'Fjord Consulting', 'https://fjord-consulting.example', '/home/bob/fjord-consulting.example', 'bob', 'en', 'modx_'],
	['drupal', 'drupal', '11.1.5', 'Kaffe & Kod', 'https://kaffekod.example', '/home/alice/kaffekod.example', 'alice', 'en', 'dr_'],
	['nextcloud', 'nextcloud', '31.0.4', 'Bob Cloud', 'https://cloud.bob.example', '/home/bob/cloud.bob.example', 'bob', 'en', 'oc_'],
];

function dbPass(number: number): string {
	return `S3cr3t-db-pass-${number}`;
}

function makeInstall(
	number: number,
	id: string,
	[installer, version, title, url, path, owner, language, prefix]: string[],
): InstallatronInstall {
	const dbName = `${owner}_${installer.slice(0, 2)}${number}`;
	return {
		id,
		installer,
		version,
		title,
		url,
		path,
		owner,
		// Deterministic: one install a day from 2025-01-01 00:00:00 UTC.
		time: 1735689600 + number * 86400,
		language,
		'db-type': 'mysql',
		'db-host': 'localhost',
		'db-name': dbName,
		'db-user': dbName,
		'db-pass': dbPass(number),
		'db-prefix': prefix,
		login: 'admin',
	};
}

function seedInstalls(): InstallatronInstall[] {
	return SEEDS.map(([key, ...fields], index) => makeInstall(index + 1, INSTALLATRON_INSTALLS[key], fields));
}

function error(status: number, errcode: string, message: string, errfield: string | null = null): SandboxResponse {
	return { status, body: { status, result: false, errcode, errfield, message } };
}

/** A string or number field of a JSON or form body; empty counts as absent. */
function field(body: unknown, name: string): string | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const value = (body as Record<string, unknown>)[name];
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A non-negative integer query parameter, or the default when absent or not one. */
function integerParam(query: URLSearchParams, name: string, fallback: number, minimum: number): number {
	const text = query.get(name);
	const value = text === null || text === '' ? NaN : Number(text);
	return Number.isInteger(value) && value >= minimum ? value : fallback;
}

export class InstallatronSandbox implements ProviderSandbox {
	readonly prefix = 'installatron';

	installs: InstallatronInstall[] = seedInstalls();

	/**
	 * Every authenticated `POST /installs/{id}/login`, in order and whatever its
	 * outcome, with the body's `url` and `user` when given. Requests with a bad
	 * key are not recorded: the server never gets as far as the install.
	 */
	logins: Array<{ installId: string; url?: string; user?: string }> = [];

	/**
	 * When true, the next login that would succeed answers HTTP 200 with
	 * `result: false` (Installatron's `status` field says 200 too), then the
	 * switch turns itself off. Clients must check `result`, not the HTTP status.
	 */
	resultFalseWith200 = false;

	/** How the install pages misbehave (PagingQuirks); all off after reset(). */
	paging: PagingQuirks = {};

	private pendingFailure: InstallatronLoginFailure | undefined;

	reset(): void {
		this.installs = seedInstalls();
		this.logins = [];
		this.resultFalseWith200 = false;
		this.pendingFailure = undefined;
		this.paging = {};
	}

	/**
	 * The next login that would succeed answers HTTP 500 with `errcode` and the
	 * doc's description. Failures for an unknown install, a user without access
	 * or an unsupported app come first and leave the switch armed, because the
	 * real task fails on the filesystem only once it runs.
	 */
	failNextLogin(errcode: InstallatronLoginFailure): void {
		this.pendingFailure = errcode;
	}

	/** Adds plain WordPress installs (alternately alice's and bob's) until there are `total`, for paging tests. */
	growTo(total: number): void {
		for (let index = this.installs.length; index < total; index++) {
			const number = index + 1;
			const owner = index % 2 === 0 ? 'alice' : 'bob';
			this.installs.push(
				makeInstall(number, `grown${String(number).padStart(20, '0')}`, [
					'wordpress',
					'6.8.1',
					`Customer Site ${number}`,
					`https://customer${number}.example`,
					`/home/${owner}/customer${number}.example`,
					owner,
					'en_US',
					'wp_',
				]),
			);
		}
	}

	errorBody(status: number, code: string, message: string): SandboxResponse {
		return error(status, code, message);
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		const key = request.headers['x-api-key'];
		if (typeof key !== 'string' || !KNOWN_KEYS.has(key)) {
			return error(403, 'invalid_api_key', MESSAGES.invalid_api_key);
		}

		const segments = request.path.split('/').filter(Boolean);
		if (segments[0] !== 'installs') return error(404, 'not_found', MESSAGES.not_found);
		let id: string | undefined;
		try {
			id = segments[1] === undefined ? undefined : decodeURIComponent(segments[1]);
		} catch {
			// A malformed escape cannot name an install.
			return error(404, 'install_not_found', MESSAGES.install_not_found);
		}

		if (segments.length === 1 && request.method === 'GET') return this.list(request.query);
		if (segments.length === 2 && request.method === 'GET') return this.getOne(id!, request.query);
		if (segments.length === 3 && segments[2] === 'login' && request.method === 'POST') {
			return this.login(id!, request.body, context);
		}
		return error(404, 'not_found', MESSAGES.not_found);
	}

	private userExists(user: string): boolean {
		return (INSTALLATRON_USERS as readonly string[]).includes(user);
	}

	/**
	 * Whether `user` may act on `install`. The sandbox models no reseller
	 * hierarchy, so only the owner has access.
	 */
	private hasAccess(user: string, install: InstallatronInstall): boolean {
		return this.userExists(user) && install.owner === user;
	}

	private list(query: URLSearchParams): SandboxResponse {
		// `q`, `user`, `offset` and `limit` on /installs come from client
		// libraries and from Installatron's other list endpoints: unconfirmed
		// for this one.
		const user = query.get('user') || undefined;
		if (user !== undefined && !this.userExists(user)) {
			return error(403, 'invalid_argument_user', MESSAGES.invalid_argument_user);
		}
		const needle = query.get('q')?.toLowerCase() ?? '';
		const matching = this.installs.filter(
			(install) =>
				(user === undefined || install.owner === user) &&
				(needle === '' ||
					[install.title, install.url, install.id, install.installer, install.owner].some((text) =>
						text.toLowerCase().includes(needle),
					)),
		);
		// Lenient like PHP's intval: a bad offset or limit falls back to the default.
		const offset = this.paging.ignoreOffset ? 0 : integerParam(query, 'offset', 0, 0);
		const asked = integerParam(query, 'limit', DEFAULT_LIMIT, 1);
		const limit = this.paging.pageSizeCap ? Math.min(asked, this.paging.pageSizeCap) : asked;
		return {
			status: 200,
			body: {
				status: 200,
				result: true,
				message: '',
				data: matching.slice(offset, offset + limit),
				total_count: matching.length,
			},
		};
	}

	private getOne(id: string, query: URLSearchParams): SandboxResponse {
		const install = this.installs.find((entry) => entry.id === id);
		if (!install) return error(404, 'install_not_found', MESSAGES.install_not_found);
		// With `user`, an install that user cannot see is "not found", as the
		// install_not_found description says; an unknown user is a 403.
		const user = query.get('user') || undefined;
		if (user !== undefined) {
			if (!this.userExists(user)) return error(403, 'invalid_argument_user', MESSAGES.invalid_argument_user);
			if (!this.hasAccess(user, install)) return error(404, 'install_not_found', MESSAGES.install_not_found);
		}
		return { status: 200, body: { status: 200, result: true, message: '', data: install } };
	}

	private login(id: string, body: unknown, context: SandboxContext): SandboxResponse {
		const url = field(body, 'url');
		const user = field(body, 'user');
		this.logins.push({ installId: id, ...(url !== undefined && { url }), ...(user !== undefined && { user }) });

		const install = this.installs.find((entry) => entry.id === id);
		if (!install) return error(404, 'install_not_found', MESSAGES.install_not_found);
		// The doc: `user` defaults to the owner; any other user must have access.
		if (user !== undefined && !this.hasAccess(user, install)) {
			return error(403, 'invalid_argument_user', MESSAGES.invalid_argument_user);
		}
		if (!SSO_INSTALLERS.has(install.installer)) {
			// Not documented by Installatron: the doc only says SSO is limited to
			// WordPress, Joomla!, ClassicPress and Modx. This 400 and its errcode
			// are the sandbox's assumption of how the refusal looks.
			return error(400, 'sso_unsupported', MESSAGES.sso_unsupported);
		}

		if (this.pendingFailure) {
			const errcode = this.pendingFailure;
			this.pendingFailure = undefined;
			return error(500, errcode, INSTALLATRON_LOGIN_FAILURES[errcode]);
		}
		if (this.resultFalseWith200) {
			this.resultFalseWith200 = false;
			// `status` 200 with `result: false`: the doc says only `result` tells
			// success from failure, so a client must not trust the HTTP status.
			return error(200, 'failed_filesystem_login', INSTALLATRON_LOGIN_FAILURES.failed_filesystem_login, 'login');
		}

		const landing = `admin of ${install.title} (${install.url})${url === undefined ? '' : `, forwarded to ${resolveForward(url, install.url)}`}`;
		const token = context.issueLoginToken(this.prefix, landing);
		// The real `data` is a one-time script on the site itself
		// (`…/deleteme.sso<hex>.php?<hex>`); here it points back at the sandbox.
		// Lifetime and single use are not documented, so nothing here states them.
		return {
			status: 200,
			body: {
				status: 200,
				result: true,
				message: 'The task is complete.\n',
				data: `${context.origin}/${this.prefix}/login/${token}`,
			},
		};
	}
}

/**
 * The doc: `url` may be a full URL or relative to the application's URL, and
 * its example sends `/wp-admin` for an app that may live in a folder, so a
 * leading slash still means "below the app", not the domain root.
 */
function resolveForward(url: string, appUrl: string): string {
	if (/^https?:\/\//i.test(url)) return url;
	return `${appUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
