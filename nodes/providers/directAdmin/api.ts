import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import { CUSTOMER_SERVER } from '../../shared/gate';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { readFormBody } from '../../shared/response';
import { httpUrlSchema, readIfValid } from '../../shared/schemas';
import { trimBaseUrl } from '../../shared/urls';

/** Who this provider is in outputs (`provider: 'directadmin'`) and messages. */
export const DIRECTADMIN: ProviderIdentity = { id: 'directadmin', displayName: 'DirectAdmin' };

/*
 * DirectAdmin (README, "DirectAdmin"): its JSON API (`/api/…`, described by
 * DirectAdmin's published Swagger) mints the links and says who the
 * credential is; its legacy API (`/CMD_API_…`, answers form-encoded) lists
 * users. Both take HTTP Basic auth, `{username}:{password or Login Key}`, and
 * `{username}|{user}` to act as one of the caller's users ("login as").
 */

/**
 * DirectAdmin user names: lowercase letters and digits, starting with a
 * letter (DirectAdmin's Add User form). The longest name a server accepts is
 * its own setting, not published: 32 here, Linux's limit for the system user
 * every DirectAdmin user is (*unconfirmed*). What matters is the characters:
 * a `|` or `:` would change whom the request logs in as.
 */
export const USERNAME: IdFormat = {
	pattern: '^[a-z][a-z0-9]{0,31}$',
	example: 'alice',
	inWords: 'a DirectAdmin user name (lowercase letters and digits, starting with a letter)',
};

/** The JSON API: who the credential is (`effectiveRole`), and login URLs. */
export const SESSION_PATH = '/api/session';
export const LOGIN_URLS_PATH = '/api/login-keys/urls';

/** The legacy API's listings: every user (an administrator's), or the caller's own users (a reseller's). */
export const LIST_ALL_USERS_PATH = '/CMD_API_SHOW_ALL_USERS';
export const LIST_OWN_USERS_PATH = '/CMD_API_SHOW_USERS';

/**
 * A link's lifetime when the user sets none. DirectAdmin's own default
 * (`login_hash_expiry_minutes`) can be days, and a link is a key to the
 * account for as long as it lives: ten minutes is enough for the person it is
 * sent to (README, "DirectAdmin").
 */
export const DEFAULT_LIFETIME_MINUTES = 10;

/** The longest lifetime the node asks for: a week. */
export const MAX_LIFETIME_MINUTES = 7 * 24 * 60;

/** The most networks one link may name; more is a mistake, not a policy. */
export const MAX_NETWORKS = 32;

/** A lifetime DirectAdmin's answer may exceed the one asked for by (clocks differ a little): beyond it the link is revoked. */
export const EXPIRY_TOLERANCE_MS = 60_000;

export function directAdminUrl(credentials: ICredentialDataDecryptedObject): string {
	return trimBaseUrl(credentials.baseUrl);
}

export function ownUsername(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.username ?? '').trim();
}

/** `GET /api/session`: who the credential is; `effectiveRole` decides which listing it may use. */
export const sessionSchema = z
	.object({
		effectiveRole: z.enum(['admin', 'reseller', 'user']),
		effectiveUsername: z.string().optional(),
	})
	.passthrough();
export type DirectAdminRole = z.infer<typeof sessionSchema>['effectiveRole'];

/**
 * A legacy listing, form-encoded: `list[]=alice&list[]=bob` (no paging). A
 * server with no users may answer an empty body (an empty form), read as none.
 */
export const userListSchema = z
	.object({ list: z.union([z.string(), z.array(z.string())]).optional() })
	.passthrough()
	.transform((answer) => {
		const { list } = answer;
		return (Array.isArray(list) ? list : list === undefined ? [] : [list]).map((name) => name.trim()).filter((name) => name !== '');
	});

/**
 * `POST /api/login-keys/urls` (Swagger `web.loginURLCreateResponse`): `url` is
 * the link. DirectAdmin has minted it by the time it answers, so the other
 * fields are read when valid and the link is kept either way.
 */
export const loginUrlSchema = z
	.object({
		url: httpUrlSchema,
		id: readIfValid(z.string().min(1)),
		expires: readIfValid(z.string()),
	})
	.passthrough();

/**
 * The JSON API's error body (Swagger `apierror.*`): a `type` such as
 * `UNAUTHORIZED`, and for some types a `message`. Which type each refusal
 * of this node's calls carries is not documented (*unconfirmed*): the types
 * below are the Swagger's for these endpoints, read from this one schema.
 */
const jsonErrorSchema = z.object({ type: z.string().min(1), message: z.string().optional() }).passthrough();

const CREDENTIAL_HINT =
	"Check the Username and Password in the credential: an administrator's or reseller's own user name, with its password or one of its Login Keys (a Login Key may be limited to some IP addresses and commands, and may have expired).";

/** What each JSON error type means for this node, in words, and what to do. */
const JSON_ERRORS: Record<string, { words: string; hint?: string }> = {
	UNAUTHORIZED: { words: 'DirectAdmin refused the user name and password or Login Key', hint: CREDENTIAL_HINT },
	ACCESS_DENIED: {
		words: 'DirectAdmin denied access',
		hint: "A login link needs Login Keys allowed for the user it logs into (the administrator or the user's reseller turns them on in the user's settings or package). A Login Key used as the credential's password must allow the commands this node uses.",
	},
	LOGIN_ACCOUNT_DISABLED: { words: 'DirectAdmin says the account is disabled', hint: 'Unsuspend the account in DirectAdmin to log into it.' },
	LICENSE_OVERUSED: { words: "DirectAdmin's license is overused", hint: "The server's DirectAdmin license allows fewer accounts than it has; its administrator must fix the license." },
	BAD_REQUEST: { words: 'DirectAdmin refused the request' },
	NOT_FOUND: { words: 'DirectAdmin does not know this API', hint: 'The server may run a DirectAdmin older than its JSON API (login URLs need a current DirectAdmin).' },
	INTERNAL_ERROR: { words: 'DirectAdmin failed' },
};

/**
 * The legacy API's error texts (`error=1&text=…&details=…`), each with the
 * code an output carries and what to do. The wordings are DirectAdmin's as
 * seen in its forums, not documented (*unconfirmed*); a text matching none
 * is passed on as it is, with code `directadmin_error`.
 */
const LEGACY_TEXT_CODES: Array<{ pattern: RegExp; code: string; hint?: string }> = [
	{
		pattern: /not (allowed|permitted)|do not have (access|permission)|cannot execute|access denied/i,
		code: 'command_not_allowed',
		hint: 'The credential\'s account may not run this command: users are listed by an administrator (every user) or a reseller (its own users), and a Login Key must allow CMD_API_SHOW_ALL_USERS or CMD_API_SHOW_USERS.',
	},
	{ pattern: /does not exist|no such user|not a valid user|unable to find/i, code: 'user_not_found', hint: "Check the user name, as the node's User › Get Many lists it." },
];

const BASE_URL_HINT =
	"Check the Base URL in the credential: DirectAdmin's own address and port, e.g. https://server.example.com:2222 (not the web sites' port 80 or 443).";

/** DirectAdmin's words for a failure, whichever API answered; undefined for a success. */
export function parseDirectAdminFailure(response: RawResponse): ProviderFailure | undefined {
	const { status } = response;
	const typed = status >= 400 ? jsonErrorSchema.safeParse(response.json) : undefined;
	if (typed?.success) {
		const { type, message } = typed.data;
		const known = Object.hasOwn(JSON_ERRORS, type) ? JSON_ERRORS[type] : undefined;
		const words = known?.words ?? `DirectAdmin answered HTTP ${status}`;
		return {
			provider: DIRECTADMIN,
			// DirectAdmin's types are UPPER_SNAKE words; anything else is not taken as a code (it could carry anything).
			code: /^[A-Z][A-Z0-9_]{0,63}$/.test(type) ? type.toLowerCase() : 'directadmin_error',
			httpCode: status,
			message: `${words} (${type})${message?.trim() ? `: ${message.trim()}` : ''}`,
			description: known?.hint,
		};
	}
	const legacy = readFormBody(response.text);
	if (legacy && legacy.error === '1') {
		const text = typeof legacy.text === 'string' && legacy.text.trim() ? legacy.text.trim() : 'DirectAdmin reported an error without a text';
		const details = typeof legacy.details === 'string' ? legacy.details.trim() : '';
		const match = LEGACY_TEXT_CODES.find((entry) => entry.pattern.test(`${text} ${details}`));
		return {
			provider: DIRECTADMIN,
			code: match?.code ?? 'directadmin_error',
			httpCode: status,
			message: text,
			description: [details, match?.hint].filter(Boolean).join('\n') || undefined,
		};
	}
	if (status === 401 || status === 403) {
		return {
			provider: DIRECTADMIN,
			code: status === 401 ? 'unauthorized' : 'access_denied',
			httpCode: status,
			message: status === 401 ? `${JSON_ERRORS.UNAUTHORIZED.words} (HTTP 401)` : `${JSON_ERRORS.ACCESS_DENIED.words} (HTTP 403)`,
			description: status === 401 ? CREDENTIAL_HINT : JSON_ERRORS.ACCESS_DENIED.hint,
		};
	}
	const empty = (response.text ?? '').trim() === '';
	// JSON that does not parse is still DirectAdmin's JSON API answering (the schema says what is wrong); a web page is not.
	const saysJson = /json/i.test(String(response.headers['content-type'] ?? ''));
	const readable = response.json !== undefined || legacy !== undefined || empty || saysJson;
	if (status >= 200 && status < 300) {
		if (readable) return undefined;
		return {
			provider: DIRECTADMIN,
			code: 'not_directadmin',
			httpCode: status,
			message: `The server answered HTTP ${status} with something other than DirectAdmin's API (${String(response.headers['content-type'] ?? 'no content type').split(';')[0]})`,
			description: BASE_URL_HINT,
		};
	}
	return {
		provider: DIRECTADMIN,
		code: TRANSPORT_CODES.http(status),
		httpCode: status,
		message: `DirectAdmin answered HTTP ${status}`,
		description: readable ? undefined : BASE_URL_HINT,
	};
}

export const directAdminApi: ProviderApi = {
	provider: DIRECTADMIN,
	credentialType: 'directAdminApi',
	baseUrl: directAdminUrl,
	secretFields: ['password'],
	// Who is asking shares the server's limits: the user name, not only the secret.
	identityFields: ['username', 'password'],
	// The server a hosting company runs itself: the gentle default of customers' servers.
	traffic: CUSTOMER_SERVER,
	skipSslCertificateValidation: (credentials) => credentials.allowUnauthorizedCerts === true,
	// DirectAdmin's "login as": the caller's own secret, `{caller}|{user}` as the name.
	actingAs: (credentials, account) => ({ ...credentials, username: `${ownUsername(credentials)}|${account}` }),
	parseFailure: parseDirectAdminFailure,
};
