import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { trimBaseUrl } from '../../shared/urls';
import { httpUrlSchema } from '../../shared/schemas';
import { CUSTOMER_SERVER } from '../../shared/gate';

/** Who this provider is in outputs (`provider: 'wisecp'`) and messages. */
export const WISECP: ProviderIdentity = { id: 'wisecp', displayName: 'WISECP' };

/** WISECP's legacy API and its REST API (README, "WISECP"; DEVELOPERS.md for unconfirmed facts). */

/** Up to 15 digits: sent as a JSON number, and larger ones would not arrive exactly. */
export const USER_ID: IdFormat = { pattern: '^[1-9][0-9]{0,14}$', example: '18', inWords: 'a positive whole number' };

/** WISECP documents a one-time link that lives 60 seconds. */
export const LINK_LIFETIME_SECONDS = 60;

/** The REST API's largest page (`limit` ≤ 100). */
export const CLIENTS_MAX_PAGE_SIZE = 100;

/**
 * The legacy API URL as WISECP shows it (Settings › General › API), with or
 * without a trailing slash: `https://example.com/api/`,
 * `https://example.com/index.php/api/`. Actions are appended to it.
 */
export function legacyApiUrl(credentials: ICredentialDataDecryptedObject): string {
	return `${trimBaseUrl(credentials.apiUrl)}/`;
}

export const paths = {
	ssoAction: 'Clients/CreateClientSsoToken',
	/** Below the REST API (`{API_URL}v1`). */
	clients: '/admin/clients',
};

/**
 * `{ status: "successful", data: { token, url } }`. A failure is told by
 * `status: "error"` (parseLegacyFailure) before this schema runs, and WISECP
 * has minted the link by the time it answers: only `data.url` is required;
 * `status`, `token` and any other field are not needed and not checked.
 */
export const ssoTokenSchema = z.object({
	data: z.object({ url: httpUrlSchema }),
});

export const clientsPageSchema = z.object({
	data: z.array(
		z
			.object({
				id: z.union([z.number(), z.string()]),
				full_name: z.string().nullish(),
				company_name: z.string().nullish(),
				email: z.string().nullish(),
			})
			.passthrough(),
	),
	meta: z
		.object({ page: z.coerce.number().optional(), total_pages: z.coerce.number().optional(), total: z.coerce.number().optional() })
		.passthrough()
		.optional(),
});
export type WisecpClient = z.infer<typeof clientsPageSchema>['data'][number];

/**
 * WISECP's legacy errors are `{ status: "error", message }` with no code and
 * any HTTP status. The code is read from the message: these texts are not
 * documented (the sandbox's wording), so this table is the place to change.
 */
const MESSAGE_CODES: Array<{ pattern: RegExp; code: string; hint: string }> = [
	// First match wins: the IP and permission messages also name the API key.
	{
		pattern: /\bip\b.*not allowed|not allowed.*\bip\b/i,
		code: 'ip_not_allowed',
		hint: "Add the IP address n8n connects from to the key's allowed IPs in WISECP.",
	},
	{
		pattern: /not permitted|permission/i,
		code: 'action_not_permitted',
		hint: 'In WISECP (Settings › General › API) allow this key the Clients/CreateClientSsoToken action.',
	},
	{
		pattern: /api ?key/i,
		code: 'invalid_api_key',
		hint: 'Check the API key in the credential (WISECP: Settings › General › API).',
	},
	{
		// Only the credential test sends an invalid id (0); the node checks ids before sending.
		pattern: /invalid (user|client)[ _]?id/i,
		code: 'invalid_user_id',
		hint: "Check the user ID: it is the client's ID in WISECP.",
	},
	{
		pattern: /(user|client).*not found|no such (user|client)/i,
		code: 'user_not_found',
		hint: "Check the user ID: it is the client's ID in WISECP.",
	},
];

function classify(message: string, status: number): { code: string; hint?: string } {
	const match = MESSAGE_CODES.find((entry) => entry.pattern.test(message));
	if (match) return { code: match.code, hint: match.hint };
	return { code: status >= 400 ? TRANSPORT_CODES.http(status) : 'wisecp_error' };
}

export function parseLegacyFailure(response: RawResponse): ProviderFailure | undefined {
	// `status: "error"` decides on its own, whatever the other fields look like.
	const body = typeof response.json === 'object' && response.json !== null ? (response.json as Record<string, unknown>) : {};
	if (body.status === 'error') {
		const message = (typeof body.message === 'string' && body.message.trim()) || 'WISECP reported an error without a message';
		const { code, hint } = classify(message, response.status);
		return { provider: WISECP, code, httpCode: response.status, message, description: hint };
	}
	if (response.status >= 200 && response.status < 300) return undefined;
	const notJson = response.json === undefined;
	return {
		provider: WISECP,
		code: TRANSPORT_CODES.http(response.status),
		httpCode: response.status,
		message: `WISECP answered HTTP ${response.status}${notJson ? ' with a page that is not its API' : ''}`,
		description: notJson
			? 'Check the API URL in the credential: copy it from WISECP, Settings › General › API (e.g. https://example.com/api/).'
			: undefined,
	};
}

const restErrorSchema = z.object({
	error: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough(),
});

export function parseRestFailure(response: RawResponse): ProviderFailure | undefined {
	if (response.status >= 200 && response.status < 300) return undefined;
	const body = restErrorSchema.safeParse(response.json);
	if (body.success) {
		return {
			provider: WISECP,
			code: body.data.error.code ?? TRANSPORT_CODES.http(response.status),
			httpCode: response.status,
			message: body.data.error.message ?? `WISECP answered HTTP ${response.status}`,
		};
	}
	return {
		provider: WISECP,
		code: response.status === 404 ? 'rest_api_unavailable' : TRANSPORT_CODES.http(response.status),
		httpCode: response.status,
		message:
			response.status === 404
				? 'This WISECP has no client list: its REST API (/api/v1) was not found'
				: `WISECP answered HTTP ${response.status}`,
		description: response.status === 404 ? 'Older WISECP versions have no REST API. Enter the user ID with "By ID".' : undefined,
	};
}

/** The documented legacy API: login links. */
export const wisecpApi: ProviderApi = {
	provider: WISECP,
	credentialType: 'wisecpApi',
	baseUrl: legacyApiUrl,
	secretFields: ['apiKey'],
	traffic: CUSTOMER_SERVER,
	headers: { 'Content-Type': 'application/json' },
	parseFailure: parseLegacyFailure,
};

/** The newer REST API (`{API_URL}v1`), where installed: the client list. */
export const wisecpRestApi: ProviderApi = {
	provider: WISECP,
	credentialType: 'wisecpApi',
	baseUrl: (credentials) => `${legacyApiUrl(credentials)}v1`,
	secretFields: ['apiKey'],
	traffic: CUSTOMER_SERVER,
	parseFailure: parseRestFailure,
};
