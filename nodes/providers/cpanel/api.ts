import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { trimBaseUrl } from '../../shared/urls';
import { httpUrlSchema } from '../../shared/schemas';
import { CUSTOMER_SERVER } from '../../shared/gate';

/** Who this provider is in outputs (`provider: 'cpanel'`) and messages. */
export const CPANEL: ProviderIdentity = { id: 'cpanel', displayName: 'cPanel & WHM' };

/** WHM API 1 (README, "cPanel & WHM"). */

/** cPanel account names: lowercase letters and digits, starting with a letter, at most 16. */
export const USERNAME: IdFormat = {
	pattern: '^[a-z][a-z0-9]{0,15}$',
	example: 'bob',
	inWords: "the account's cPanel user name (lowercase letters and digits, starting with a letter)",
};

/** What `create_user_session` logs into (its `service`), and the output's `target` for each. */
export const SERVICES: ReadonlyArray<{ value: string; name: string; target: string; description: string }> = [
	{ value: 'cpaneld', name: 'cPanel', target: 'controlPanel', description: "The account's cPanel" },
	{ value: 'webmaild', name: 'Webmail', target: 'webmail', description: "Webmail of the account's main e-mail address" },
	{ value: 'whostmgrd', name: 'WHM', target: 'whm', description: "WHM, for an account that is a reseller" },
];
export const DEFAULT_SERVICE = 'cpaneld';

/** Accounts a listing page asks for; `metadata.chunk.records` says when all are in. */
export const ACCOUNTS_PAGE_SIZE = 100;

export function whmUrl(credentials: ICredentialDataDecryptedObject): string {
	return trimBaseUrl(credentials.baseUrl);
}

/** Every call names its function below /json-api and asks for API version 1, whose answers carry `metadata`. */
export const functionPath = (name: string) => `/json-api/${name}`;
export const API_VERSION = { 'api.version': 1 } as const;

const count = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().finite());

const metadata = z
	.object({
		result: z.union([z.number(), z.string()]).transform(Number),
		reason: z.string().nullish(),
		chunk: z.object({ records: count.optional() }).passthrough().nullish(),
	})
	.passthrough();

const account = z
	.object({
		user: z.string(),
		domain: z.string().nullish(),
		email: z.string().nullish(),
		plan: z.string().nullish(),
		owner: z.string().nullish(),
		suspended: z.union([z.number(), z.string()]).nullish(),
	})
	.passthrough();
export type WhmAccount = z.infer<typeof account>;

/** `listaccts`: the accounts, and with chunking the whole listing's count. */
export const accountsSchema = z.object({
	data: z.object({ acct: z.array(account).nullish() }).passthrough().nullish(),
	metadata,
});

/**
 * `create_user_session`: `data.url` is the link; WHM has made the session by
 * the time it answers, so `expires` (epoch seconds) is read when valid and
 * the link is kept either way.
 */
export const sessionSchema = z.object({
	data: z.object({ url: httpUrlSchema, expires: z.unknown().optional() }).passthrough(),
});

/** WHM's reasons (README, "cPanel & WHM"), each with the code an output carries and what the user can do. */
const REASON_CODES: Array<{ pattern: RegExp; code: string; hint?: string }> = [
	{ pattern: /parameter is required/i, code: 'user_required' },
	{ pattern: /do(es)? not exist/i, code: 'user_not_found', hint: 'Check the account: its cPanel user name, as WHM\'s List Accounts shows it.' },
	{ pattern: /suspended/i, code: 'user_suspended', hint: 'Unsuspend the account in WHM (Account Functions › Manage Account Suspension) to log into it.' },
	{
		pattern: /do not have permission/i,
		code: 'no_permission',
		hint: "A reseller's API token may act only on the accounts the reseller owns; use root's token, or the owning reseller's.",
	},
	{ pattern: /not a reseller/i, code: 'not_reseller', hint: 'Only a reseller can log into WHM; choose the cPanel or Webmail service.' },
];

const BASE_URL_HINT =
	"Check the Base URL in the credential: WHM's address with its port, e.g. https://server.example.com:2087 (2083 is cPanel's own port, which this API is not on).";

/**
 * WHM answers its logic errors with HTTP 200 and `metadata.result: 0`, the
 * reason in `metadata.reason`; a wrong token is a 403 in cPanel's older
 * shape (`cpanelresult`). Anything that is not JSON is not WHM's API.
 */
export function parseWhmFailure(response: RawResponse): ProviderFailure | undefined {
	const body = typeof response.json === 'object' && response.json !== null ? (response.json as Record<string, unknown>) : undefined;
	const meta = body?.metadata as Record<string, unknown> | undefined;
	if (meta && Number(meta.result) === 0) {
		const reason = (typeof meta.reason === 'string' && meta.reason.trim()) || 'WHM reported a failure without a reason';
		const match = REASON_CODES.find((entry) => entry.pattern.test(reason));
		const code = match?.code ?? (response.status >= 400 ? TRANSPORT_CODES.http(response.status) : 'whm_error');
		return { provider: CPANEL, code, httpCode: response.status, message: reason, description: match?.hint };
	}
	if (response.status === 401 || response.status === 403) {
		const legacy = body?.cpanelresult as Record<string, unknown> | undefined;
		const words = typeof legacy?.error === 'string' ? legacy.error : 'Access denied';
		return {
			provider: CPANEL,
			code: 'access_denied',
			httpCode: response.status,
			message: `WHM refused the API token (${words})`,
			description: 'Check the Username and API Token in the credential: the token must be a WHM API token of that user (root or a reseller).',
		};
	}
	if (!body) {
		return {
			provider: CPANEL,
			code: response.status >= 200 && response.status < 300 ? 'not_whm_api' : TRANSPORT_CODES.http(response.status),
			httpCode: response.status,
			message: `WHM answered HTTP ${response.status} with something other than its API's JSON`,
			description: BASE_URL_HINT,
		};
	}
	if (response.status >= 200 && response.status < 300) return undefined;
	return { provider: CPANEL, code: TRANSPORT_CODES.http(response.status), httpCode: response.status, message: `WHM answered HTTP ${response.status}` };
}

export const cpanelApi: ProviderApi = {
	provider: CPANEL,
	credentialType: 'cpanelApi',
	baseUrl: whmUrl,
	secretFields: ['apiToken'],
	// The server a hosting company runs itself: the gentle default of customers' servers.
	traffic: CUSTOMER_SERVER,
	skipSslCertificateValidation: (credentials) => credentials.allowUnauthorizedCerts === true,
	parseFailure: parseWhmFailure,
};
