import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { trimBaseUrl } from '../../shared/urls';
import { httpUrlSchema } from '../../shared/schemas';
import { CUSTOMER_SERVER } from '../../shared/gate';

/** Who this provider is in outputs (`provider: 'whmcs'`) and messages. */
export const WHMCS: ProviderIdentity = { id: 'whmcs', displayName: 'WHMCS' };

/** WHMCS's API (README, "WHMCS"): one form-encoded endpoint, every call an `action`. */

/** WHMCS numbers its clients, services, domains and users from 1. */
function wholeNumberId(example: string): IdFormat {
	return { pattern: '^[1-9][0-9]{0,9}$', example, inWords: 'a positive whole number' };
}
export const CLIENT_ID = wholeNumberId('42');
export const SERVICE_ID = wholeNumberId('118');
export const DOMAIN_ID = wholeNumberId('37');
export const USER_ID = wholeNumberId('7');

/** WHMCS documents its SSO token as single use and valid for at most 60 seconds. */
export const LINK_LIFETIME_SECONDS = 60;

/**
 * Items a listing page asks for (`limitnum`; WHMCS's default is 25 and it
 * documents no maximum). `totalresults` says when all are in, so a server that
 * serves fewer loses nothing (collectPages).
 */
export const PAGE_SIZE = 100;

/** The API's only endpoint, below the WHMCS root the credential holds. */
export const API_PATH = '/includes/api.php';

export function whmcsRoot(credentials: ICredentialDataDecryptedObject): string {
	return trimBaseUrl(credentials.baseUrl);
}

/** Every call's own fields; the credential adds identifier, secret and access key (credentials/WhmcsApi.credentials.ts). */
export function actionBody(action: string, fields: Record<string, string | number | undefined>): Record<string, string | number> {
	const body: Record<string, string | number> = { action, responsetype: 'json' };
	for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== '') body[name] = value;
	return body;
}

/**
 * Each listing answer read as one page: its items and `totalresults`.
 * Numbers come as numbers or strings depending on the field and the WHMCS version.
 */
const count = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().finite());
const id = z.union([z.number(), z.string()]).transform(String);

/**
 * A list WHMCS nests as `{ clients: { client: [...] } }`; with no results the
 * outer field is an empty string or absent, and older versions flattened it
 * to a plain array. All read as the array.
 */
function nestedList<T extends z.ZodTypeAny>(inner: string, item: T) {
	return z
		.union([z.object({ [inner]: z.union([z.array(item), item]).optional() }).passthrough(), z.array(item), z.literal(''), z.null()])
		.optional()
		.transform((value): Array<z.infer<T>> => {
			if (value === undefined || value === null || value === '') return [];
			if (Array.isArray(value)) return value;
			const list = (value as Record<string, unknown>)[inner];
			if (list === undefined) return [];
			return (Array.isArray(list) ? list : [list]) as Array<z.infer<T>>;
		});
}

const page = { totalresults: count.optional() };

const client = z
	.object({
		id,
		firstname: z.string().nullish(),
		lastname: z.string().nullish(),
		companyname: z.string().nullish(),
		email: z.string().nullish(),
		status: z.string().nullish(),
	})
	.passthrough();
export type WhmcsClient = z.infer<typeof client>;

export const clientsPageSchema = z
	.object({ ...page, clients: nestedList('client', client) })
	.transform((answer) => ({ items: answer.clients, total: answer.totalresults }));

const service = z
	.object({
		id,
		name: z.string().nullish(),
		groupname: z.string().nullish(),
		domain: z.string().nullish(),
		status: z.string().nullish(),
	})
	.passthrough();
export type WhmcsService = z.infer<typeof service>;

export const servicesPageSchema = z
	.object({ ...page, products: nestedList('product', service) })
	.transform((answer) => ({ items: answer.products, total: answer.totalresults }));

const domain = z
	.object({
		id,
		domainname: z.string().nullish(),
		status: z.string().nullish(),
	})
	.passthrough();
export type WhmcsDomain = z.infer<typeof domain>;

export const domainsPageSchema = z
	.object({ ...page, domains: nestedList('domain', domain) })
	.transform((answer) => ({ items: answer.domains, total: answer.totalresults }));

/**
 * `{ result: "success", access_token, redirect_url }`. WHMCS has minted the
 * token by the time it answers: only the link is required.
 */
export const ssoTokenSchema = z.object({ redirect_url: httpUrlSchema });

/**
 * WHMCS's error messages (README, "WHMCS"), each with the code an output
 * carries and what the user can do. First match wins.
 */
const MESSAGE_CODES: Array<{ pattern: RegExp; code: string; hint?: string }> = [
	{
		pattern: /^Invalid IP\b/i,
		code: 'invalid_ip',
		hint:
			"WHMCS accepts API calls only from allowed IP addresses. Add the IP address n8n connects from under Configuration › System Settings › General Settings › Security › API IP Access Restriction, or put WHMCS's API access key ($api_access_key in configuration.php) into the credential's API Access Key.",
	},
	{
		pattern: /^Authentication Failed/i,
		code: 'authentication_failed',
		hint: 'Check the API identifier and secret in the credential (Configuration › System Settings › Manage API Credentials).',
	},
	{
		pattern: /^Invalid Permissions/i,
		code: 'invalid_permissions',
		hint: "The API credential's role must allow this action: Configuration › System Settings › Manage API Credentials › API Roles.",
	},
	{
		pattern: /^SSO authentication blocked/i,
		code: 'sso_blocked',
		hint: 'The client has turned single sign-on off in their client area (Account › Security Settings); only they can turn it on again.',
	},
	{
		pattern: /^Command Not Found/i,
		code: 'command_not_found',
		hint: 'This WHMCS does not know the API action: it may be older than the action, or the Base URL may point at another application.',
	},
	{ pattern: /^(Invalid client_?id|Client (ID )?Not Found)/i, code: 'client_not_found', hint: "Check the client: it is the client's ID in WHMCS." },
	{ pattern: /^Invalid user_?id/i, code: 'invalid_user_id', hint: "Check the user: a WHMCS user's ID that belongs to the client." },
	{ pattern: /^A valid client_id or user_id is required/i, code: 'client_required' },
	{ pattern: /^Invalid destination/i, code: 'invalid_destination' },
	{ pattern: /^Token could not be provisioned/i, code: 'token_not_provisioned' },
];

const BASE_URL_HINT =
	'Check the Base URL in the credential: the WHMCS root, e.g. https://billing.example.com (the API is {Base URL}/includes/api.php).';

function fromMessage(message: string, status: number): ProviderFailure {
	const match = MESSAGE_CODES.find((entry) => entry.pattern.test(message));
	return {
		provider: WHMCS,
		code: match?.code ?? (status >= 400 ? TRANSPORT_CODES.http(status) : 'whmcs_error'),
		httpCode: status,
		message,
		description: match?.hint,
	};
}

/**
 * WHMCS answers its errors as `{ result: "error", message }`, usually with
 * HTTP 200 (an IP refusal also with 403): `result` decides, not the status.
 * An answer that is not JSON is not WHMCS's API answering in JSON: a wrong
 * URL, or XML (what WHMCS answers without `responsetype=json`).
 */
export function parseWhmcsFailure(response: RawResponse): ProviderFailure | undefined {
	const body = typeof response.json === 'object' && response.json !== null ? (response.json as Record<string, unknown>) : undefined;
	if (body?.result === 'error') {
		const message = (typeof body.message === 'string' && body.message.trim()) || 'WHMCS reported an error without a message';
		return fromMessage(message, response.status);
	}
	if (body && response.status >= 200 && response.status < 300) return undefined;
	if (!body) {
		return {
			provider: WHMCS,
			code: response.status >= 200 && response.status < 300 ? 'not_whmcs_api' : TRANSPORT_CODES.http(response.status),
			httpCode: response.status,
			message: `WHMCS answered HTTP ${response.status} with something other than its API's JSON`,
			description: BASE_URL_HINT,
		};
	}
	return {
		provider: WHMCS,
		code: TRANSPORT_CODES.http(response.status),
		httpCode: response.status,
		message: `WHMCS answered HTTP ${response.status}`,
		description: response.status === 404 ? BASE_URL_HINT : undefined,
	};
}

export const whmcsApi: ProviderApi = {
	provider: WHMCS,
	credentialType: 'whmcsApi',
	baseUrl: whmcsRoot,
	// The identifier names the API credential; it is as good as a user name to an attacker.
	secretFields: ['identifier', 'secret', 'accessKey'],
	identityFields: ['identifier'],
	// WHMCS runs on the hosting company's own server and documents no rate limit.
	traffic: CUSTOMER_SERVER,
	parseFailure: parseWhmcsFailure,
};
