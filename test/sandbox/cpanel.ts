import { randomBytes, randomInt } from 'node:crypto';

import type { PagingQuirks, ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * cPanel & WHM's WHM API 1 as README's "cPanel & WHM" section describes it:
 * `GET /json-api/<function>?api.version=1` with `Authorization: whm
 * <user>:<API token>` of root or of a reseller, answers `{ data, metadata: {
 * command, reason, result, version } }`, logic errors as HTTP 200 with
 * `metadata.result: 0`, and a wrong or missing token as cPanel's older
 * `cpanelresult` 403. Paths hang off the prefix as they hang off WHM
 * (`https://server.example:2087/json-api/listaccts`).
 *
 * Functions: `create_user_session`, `listaccts` (with WHM's generic
 * `api.chunk.*` paging) and `version`. Without `api.version=1`, WHM answers in
 * its legacy API 0 shape, which a client of API 1 must not take for an answer.
 * `listaccts` searches the domain unless `searchtype` says otherwise, as WHM
 * does; a reseller's token sees, and creates sessions for, only its accounts.
 * Wordings marked "assumed" are the sandbox's, in WHM's style; the rest are
 * WHM's own.
 */

/** root's WHM API token (WHM › Manage API Tokens). */
export const WHM_TOKEN = 'WHMSANDBOXTOKEN0123456789ABCDEF';

/** A reseller's WHM API token: it acts only on the accounts `reseller1` owns (itself included). */
export const WHM_RESELLER = { username: 'reseller1', token: 'RESELLER1SANDBOXTOKEN0123456789A' } as const;

/** A second reseller whose accounts are separate from the first's, for "not yours" tests. */
export const WHM_OTHER_RESELLER = { username: 'reseller2', token: 'RESELLER2SANDBOXTOKEN0123456789B' } as const;

/** Token by WHM user. A token is valid only with its own user name, as in WHM. */
const TOKENS: Readonly<Record<string, string>> = {
	root: WHM_TOKEN,
	[WHM_RESELLER.username]: WHM_RESELLER.token,
	[WHM_OTHER_RESELLER.username]: WHM_OTHER_RESELLER.token,
};

/** Accounts with reseller privileges: only these may get a WHM (`whostmgrd`) session. */
const RESELLERS: ReadonlySet<string> = new Set([WHM_RESELLER.username, WHM_OTHER_RESELLER.username]);

/** The one suspended account (owned by root): sessions for it are refused, whatever the service. */
export const CPANEL_SUSPENDED_USER = 'oldshop';

/** What `version` reports; any current WHM version string would do. */
export const WHM_VERSION = '11.126.0.10';

/** The services `create_user_session` knows, and what the landing page calls each. */
const SERVICES: Readonly<Record<string, string>> = { cpaneld: 'cPanel', webmaild: 'Webmail', whostmgrd: 'WHM' };

/** A session's lifetime: WHM's `expires` is five minutes ahead. */
const SESSION_SECONDS = 300;

/** Records a chunk when `api.chunk.enable=1` names no `api.chunk.size` (assumed: WHM documents none). */
const DEFAULT_CHUNK_SIZE = 20;

const SEARCH_TYPES = ['domain', 'owner', 'user', 'ip', 'package'] as const;
type SearchType = (typeof SEARCH_TYPES)[number];

/** One account as `listaccts` returns it: WHM mixes numbers and numeric strings, so does this. */
export interface CpanelAccount {
	user: string;
	domain: string;
	email: string;
	plan: string;
	owner: string;
	/** 0 or 1, a number. */
	suspended: 0 | 1;
	/** `not suspended` unless suspended. */
	suspendreason: string;
	/** Epoch seconds of the suspension, 0 when not suspended. */
	suspendtime: number;
	ip: string;
	ipv6: string[];
	/** `YY Mon DD HH:MM` (UTC), as WHM formats it. */
	startdate: string;
	/** Epoch seconds, as a string. */
	unix_startdate: string;
	/** Megabytes with a unit, e.g. `154M`. */
	diskused: string;
	/** `unlimited` or megabytes with a unit. */
	disklimit: string;
	inodesused: number;
	inodeslimit: string;
	uid: number;
	theme: string;
	shell: string;
	partition: string;
	is_locked: 0 | 1;
	temporary: 0 | 1;
	outgoing_mail_suspended: 0 | 1;
}

const SHARED_IP = '203.0.113.10';

/** [user, domain, plan, owner, dedicated IP (else the shared one)]; `listaccts` lists them in this order. */
const SEED: ReadonlyArray<readonly [string, string, string, string, string?]> = [
	['alice', 'acme-bakery.example', 'Business', 'root'],
	['bob', 'malmomakers.example', 'Starter', 'root'],
	['bobby', 'bobby-plumbing.example', 'Starter', 'root'],
	['carol', 'carolsflowers.example', 'Starter', 'root'],
	['nordicbikes', 'nordicbikes.example', 'Business', 'root', '203.0.113.21'],
	['studiolund', 'studiolund.example', 'Starter', 'root'],
	['fjordcons', 'fjord-consulting.example', 'Business', 'root'],
	['kaffekod', 'kaffekod.example', 'Starter', 'root'],
	[CPANEL_SUSPENDED_USER, 'old-shop.example', 'Starter', 'root'],
	['goteborg', 'goteborg-grafik.example', 'default', 'root'],
	['svenbygg', 'svensson-bygg.example', 'Business', 'root'],
	['holmhost', 'holm-hosting.example', 'Business', 'root', '203.0.113.22'],
	['strandmed', 'strand-media.example', 'Starter', 'root'],
	['sjoberg', 'sjoberg-design.example', 'Starter', 'root'],
	['dahlweb', 'dahl.example', 'default', 'root'],
	['ekpartner', 'ek-partners.example', 'Business', 'root'],
	['berglund', 'berglund-it.example', 'Business', 'root'],
	['nystrom', 'nystrom-web.example', 'Starter', 'root'],
	['forsberg', 'forsberg.example', 'default', 'root'],
	['lindlog', 'lindberg-logistics.example', 'Business', 'root'],
	['wallin', 'wallin-foto.example', 'Starter', 'root'],
	['engstrom', 'engstrom-data.example', 'Business', 'root'],
	['bjorkbl', 'bjork-blommor.example', 'Starter', 'root'],
	['aberg', 'aberg-audio.example', 'Starter', 'root'],
	// Resellers own themselves (WHM's "Make the account own itself"), so their own account is theirs to list.
	[WHM_RESELLER.username, 'reseller-one.example', 'Reseller', WHM_RESELLER.username],
	['lakeside', 'lakeside-rentals.example', 'reseller1_Basic', WHM_RESELLER.username],
	['pinecafe', 'pine-cafe.example', 'reseller1_Basic', WHM_RESELLER.username],
	['harborlaw', 'harbor-law.example', 'reseller1_Pro', WHM_RESELLER.username],
	['meadowvet', 'meadow-vet.example', 'reseller1_Basic', WHM_RESELLER.username],
	['northdent', 'north-dental.example', 'reseller1_Pro', WHM_RESELLER.username, '203.0.113.31'],
	['cityyoga', 'city-yoga.example', 'reseller1_Basic', WHM_RESELLER.username],
	['bluefox', 'bluefox-games.example', 'reseller1_Pro', WHM_RESELLER.username],
	['redbarn', 'redbarn-farm.example', 'reseller1_Basic', WHM_RESELLER.username],
	[WHM_OTHER_RESELLER.username, 'reseller-two.example', 'Reseller', WHM_OTHER_RESELLER.username],
	['sunbakery', 'sun-bakery.example', 'reseller2_Small', WHM_OTHER_RESELLER.username],
	['oakfarm', 'oak-farm.example', 'reseller2_Small', WHM_OTHER_RESELLER.username],
	['tidewear', 'tidewear.example', 'reseller2_Large', WHM_OTHER_RESELLER.username],
	['peakgym', 'peak-gym.example', 'reseller2_Small', WHM_OTHER_RESELLER.username],
	['moonbooks', 'moon-books.example', 'reseller2_Large', WHM_OTHER_RESELLER.username],
	['glasshaus', 'glasshaus.example', 'reseller2_Small', WHM_OTHER_RESELLER.username],
];

const DISK_LIMITS: Readonly<Record<string, string>> = {
	Starter: '2000M',
	Business: '10000M',
	reseller1_Basic: '1000M',
	reseller1_Pro: '5000M',
	reseller2_Small: '500M',
	reseller2_Large: '8000M',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** WHM's `startdate`: `25 Jan 07 14:03` is 7 January 2025, 14:03. */
function whmStartDate(epoch: number): string {
	const date = new Date(epoch * 1000);
	const two = (value: number) => String(value).padStart(2, '0');
	const day = `${two(date.getUTCFullYear() % 100)} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())}`;
	return `${day} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}

function makeAccount(index: number, [user, domain, plan, owner, ip]: readonly [string, string, string, string, string?]): CpanelAccount {
	// Deterministic: one account every 11 days and an hour from 2020-01-01 00:00:00 UTC.
	const started = 1577836800 + index * (11 * 86400 + 3600);
	const suspended = user === CPANEL_SUSPENDED_USER;
	return {
		user,
		domain,
		email: `contact@${domain}`,
		plan,
		owner,
		suspended: suspended ? 1 : 0,
		suspendreason: suspended ? 'Unpaid invoice #1042' : 'not suspended',
		suspendtime: suspended ? 1748736000 : 0,
		ip: ip ?? SHARED_IP,
		ipv6: [],
		startdate: whmStartDate(started),
		unix_startdate: String(started),
		diskused: `${((index + 1) * 37) % 900 + 5}M`,
		disklimit: DISK_LIMITS[plan] ?? 'unlimited',
		inodesused: ((index + 1) * 613) % 20000 + 120,
		inodeslimit: 'unlimited',
		uid: 1001 + index,
		theme: 'jupiter',
		shell: '/usr/local/cpanel/bin/noshell',
		partition: 'home',
		is_locked: 0,
		temporary: 0,
		outgoing_mail_suspended: 0,
	};
}

function seedAccounts(): CpanelAccount[] {
	return SEED.map((fields, index) => makeAccount(index, fields));
}

/**
 * The seeded accounts (40): root owns 24 (`bob`, `alice` and the suspended
 * `oldshop` among them), `reseller1` owns itself and 8 more, `reseller2`
 * itself and 6 more.
 */
export const CPANEL_ACCOUNTS: readonly CpanelAccount[] = Object.freeze(seedAccounts());

/** The seeded accounts a WHM user's token sees: all for root, its own for a reseller. */
export function cpanelAccountsOf(whmUser: string): CpanelAccount[] {
	return CPANEL_ACCOUNTS.filter((account) => whmUser === 'root' || account.owner === whmUser);
}

/** WHM API 1's envelope. */
function answer(command: string, data: unknown, extra: Record<string, unknown> = {}): SandboxResponse {
	return { status: 200, body: { data, metadata: { command, reason: 'OK', result: 1, version: 1, ...extra } } };
}

/** A logic error: HTTP 200, `metadata.result: 0`, the reason in `metadata.reason`, no `data`. */
function failure(command: string, reason: string): SandboxResponse {
	return { status: 200, body: { metadata: { command, reason, result: 0, version: 1 } } };
}

/** cPanel's older shape, which WHM still uses for a refused login whatever api.version says. */
function accessDenied(message = 'Access denied'): SandboxResponse {
	return {
		status: 403,
		headers: { 'content-type': 'application/json' },
		body: { cpanelresult: { error: message, data: { reason: message, result: '0' } } },
	};
}

/** A positive integer parameter: its default when absent, `undefined` when present but not one. */
function positiveInteger(params: URLSearchParams, name: string, fallback: number): number | undefined {
	const text = params.get(name);
	if (text === null || text === '') return fallback;
	return /^\d+$/.test(text) && Number(text) >= 1 ? Number(text) : undefined;
}

export interface CpanelCall {
	/** The WHM API function, e.g. `listaccts`. */
	function: string;
	/** The WHM user whose token authenticated the call. */
	whmUser: string;
	/** Every parameter (query and form), without any that carried a token. */
	query: Record<string, string>;
}

/** One session `create_user_session` created; its `url` redeems at `GET /cpanel/login/<token>`. */
export interface CpanelSession {
	user: string;
	service: string;
	app?: string;
	locale?: string;
	/** The WHM user whose token asked for it. */
	whmUser: string;
	url: string;
	/** Epoch seconds. */
	expires: number;
}

export class CpanelSandbox implements ProviderSandbox {
	readonly prefix = 'cpanel';

	accounts: CpanelAccount[] = seedAccounts();

	/** Every authenticated call, in order, whatever WHM answered (legacy ones too), without secrets. */
	calls: CpanelCall[] = [];

	/** Every session created, with what the link lands on. */
	sessions: CpanelSession[] = [];

	/**
	 * Requests that carried a WHM token anywhere but the Authorization header
	 * (the query string or a form body), authenticated or not: WHM reads tokens
	 * only from the header, and a token in a URL ends up in access logs.
	 */
	tokenInQuery = 0;

	/** How `listaccts` chunks misbehave (PagingQuirks); all off after reset(). */
	paging: PagingQuirks = {};

	reset(): void {
		this.accounts = seedAccounts();
		this.calls = [];
		this.sessions = [];
		this.tokenInQuery = 0;
		this.paging = {};
	}

	/** Adds plain root-owned accounts (`cust41`, …) until there are `total`, for paging tests. */
	growTo(total: number): void {
		for (let index = this.accounts.length; index < total; index++) {
			const number = index + 1;
			this.accounts.push(makeAccount(index, [`cust${number}`, `customer${number}.example`, 'Starter', 'root']));
		}
	}

	errorBody(status: number, _code: string, message: string): SandboxResponse {
		// A refused login keeps cPanel's older shape; everything else WHM API 1's, which has no error codes for `_code`.
		if (status === 401 || status === 403) return { ...accessDenied(message), status };
		return { status, body: { metadata: { result: 0, reason: message, version: 1 } } };
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		// cpsrvd's parameters: the query, and on a POST a form body too (GET is what clients use); never JSON.
		const params = new URLSearchParams(request.query);
		const isForm = String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
		if (request.method === 'POST' && isForm) for (const [name, value] of new URLSearchParams(request.rawBody)) params.append(name, value);
		const carriesToken = (text: string) => Object.values(TOKENS).some((token) => text.includes(token));
		const inParams = [...params].some(([name, value]) => carriesToken(name) || carriesToken(value));
		if (inParams || carriesToken(request.path) || carriesToken(request.rawBody)) this.tokenInQuery++;

		// Checked before the token so the Custom credential's test (`GET /`) sees a plain 404, as from WHM.
		const match = /^\/json-api\/([^/]*)$/.exec(request.path);
		if (!match) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not Found</h1>' };

		const whmUser = this.authenticate(request.headers.authorization);
		if (!whmUser) return accessDenied();

		let command: string;
		try {
			command = decodeURIComponent(match[1]);
		} catch {
			// A malformed escape names no function.
			command = match[1];
		}
		this.calls.push({
			function: command,
			whmUser,
			query: Object.fromEntries([...params].filter(([name, value]) => !carriesToken(name) && !carriesToken(value))),
		});

		if (params.get('api.version') !== '1') return this.legacy(command, params, whmUser);
		switch (command) {
			case 'create_user_session':
				return this.createUserSession(params, whmUser, context);
			case 'listaccts':
				return this.listaccts(params, whmUser);
			case 'version':
				return answer(command, { version: WHM_VERSION });
			default:
				// Assumed wording.
				return failure(command, `Unknown app (“${command}”) requested for this version (1) of the API.`);
		}
	}

	/** The WHM user a `whm <user>:<token>` header authenticates, if any. */
	private authenticate(header: string | string[] | undefined): string | undefined {
		const value = Array.isArray(header) ? header[0] : header;
		const credential = /^whm\s+([^:\s]+):(\S+)\s*$/i.exec(value ?? '');
		if (!credential) return undefined;
		const [, user, token] = credential;
		return Object.hasOwn(TOKENS, user) && TOKENS[user] === token ? user : undefined;
	}

	/** May `whmUser` act on `account`? root on all; a reseller on the accounts it owns. */
	private owns(whmUser: string, account: CpanelAccount): boolean {
		return whmUser === 'root' || account.owner === whmUser;
	}

	/**
	 * API 0: no `metadata`, no `data`. `listaccts` keeps its old `{ acct,
	 * status, statusmsg }`; the others (which API 0 lacks) answer in the
	 * `cpanelresult` shape (assumed wording). Nothing is minted.
	 */
	private legacy(command: string, params: URLSearchParams, whmUser: string): SandboxResponse {
		if (command === 'listaccts') {
			const found = this.search(params, whmUser);
			return typeof found === 'string'
				? { status: 200, body: { acct: [], status: 0, statusmsg: found } }
				: { status: 200, body: { acct: found, status: 1, statusmsg: 'Ok' } };
		}
		if (command === 'version') return { status: 200, body: { version: WHM_VERSION } };
		const reason = `Unknown app requested: ${command}`;
		return { status: 200, body: { cpanelresult: { apiversion: 0, error: reason, data: { reason, result: '0' } } } };
	}

	/** The accounts `whmUser` sees that match `search`, or the reason the search is refused. */
	private search(params: URLSearchParams, whmUser: string): CpanelAccount[] | string {
		const visible = this.accounts.filter((account) => this.owns(whmUser, account));
		const search = params.get('search') ?? '';
		const searchtype = (params.get('searchtype') || 'domain') as SearchType;
		if (!SEARCH_TYPES.includes(searchtype)) {
			// Assumed wording.
			return `Invalid “searchtype” value “${searchtype}”. Use one of: ${SEARCH_TYPES.join(', ')}.`;
		}
		if (search === '') return visible;
		const field = (account: CpanelAccount) => account[searchtype === 'package' ? 'plan' : searchtype];
		if (params.get('searchmethod') === 'exact') return visible.filter((account) => field(account) === search);
		let pattern: RegExp;
		try {
			// A Perl regular expression at WHM, unanchored; case-insensitive, as domains and user names are.
			pattern = new RegExp(search, 'i');
		} catch {
			// Assumed wording.
			return `The “search” parameter value “${search}” is not a valid regular expression.`;
		}
		return visible.filter((account) => pattern.test(field(account)));
	}

	private listaccts(params: URLSearchParams, whmUser: string): SandboxResponse {
		const found = this.search(params, whmUser);
		if (typeof found === 'string') return failure('listaccts', found);
		if (params.get('api.chunk.enable') !== '1') return answer('listaccts', { acct: found });

		const size = positiveInteger(params, 'api.chunk.size', DEFAULT_CHUNK_SIZE);
		const start = positiveInteger(params, 'api.chunk.start', 1);
		// Assumed wording.
		if (size === undefined) return failure('listaccts', 'The “api.chunk.size” parameter must be a positive integer.');
		if (start === undefined) return failure('listaccts', 'The “api.chunk.start” parameter must be a positive integer.');
		// The quirks misbehave silently: `metadata.chunk` still echoes what was asked.
		const from = this.paging.ignoreOffset ? 0 : start - 1;
		const served = this.paging.pageSizeCap ? Math.min(size, this.paging.pageSizeCap) : size;
		return answer('listaccts', { acct: found.slice(from, from + served) }, { chunk: { records: found.length, current: start, size } });
	}

	private createUserSession(params: URLSearchParams, whmUser: string, context: SandboxContext): SandboxResponse {
		const command = 'create_user_session';
		const user = params.get('user') ?? '';
		const service = params.get('service') ?? '';
		const app = params.get('app') || undefined;
		const locale = params.get('locale') || undefined;
		if (user === '') return failure(command, 'The “user” parameter is required.');
		// Assumed wordings for the service, in the style of the user's.
		if (service === '') return failure(command, 'The “service” parameter is required.');
		if (!Object.hasOwn(SERVICES, service)) {
			const known = Object.keys(SERVICES).join(', ');
			return failure(command, `The “service” parameter must be one of: ${known}. “${service}” is not a valid service.`);
		}
		const account = this.accounts.find((entry) => entry.user === user);
		if (!account) return failure(command, `You cannot create a session for the user “${user}” because they do not exist.`);
		if (!this.owns(whmUser, account)) return failure(command, `You do not have permission to create sessions for the user “${user}”.`);
		if (account.suspended) {
			return failure(command, `You cannot create a session for the user “${user}” because they are currently suspended.`);
		}
		if (service === 'whostmgrd' && !RESELLERS.has(user)) {
			return failure(command, `You cannot create a session for the user “${user}” because they are not a reseller.`);
		}

		const landing = `${SERVICES[service]} of ${user}${app ? `, page ${app}` : ''}${locale ? `, locale ${locale}` : ''}`;
		const token = context.issueLoginToken(this.prefix, landing);
		// The login route reads only the path, so the page and locale ride along as query, as on cpsrvd's login URL.
		const query = new URLSearchParams();
		if (app) query.set('goto_uri', app);
		if (locale) query.set('locale', locale);
		const url = `${context.origin}/${this.prefix}/login/${token}${query.toString() ? `?${query}` : ''}`;
		const expires = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
		this.sessions.push({ user, service, ...(app && { app }), ...(locale && { locale }), whmUser, url, expires });
		return answer(command, {
			url,
			// Shaped like WHM's; neither redeems anything here, only `url` does.
			session: `${user}:${randomBytes(12).toString('base64url')}:CREATE_USER_SESSION,${randomBytes(16).toString('hex')}`,
			cp_security_token: `/cpsess${String(randomInt(1e9, 1e10))}`,
			expires,
			service,
		});
	}
}
