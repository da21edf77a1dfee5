import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { httpUrlSchema, readIfValid } from '../../shared/schemas';
import { trimBaseUrl } from '../../shared/urls';

/** Who this provider is in outputs (`provider: 'hostup'`) and messages. */
export const HOSTUP: ProviderIdentity = { id: 'hostup', displayName: 'HostUp' };

/** HostUp API v2 (README, "HostUp"; DEVELOPERS.md for unconfirmed facts). */
export const HOSTUP_DEFAULT_BASE_URL = 'https://cloud.hostup.se';

export const ACCOUNT_ID: IdFormat = {
	pattern: '^acct_[A-Za-z0-9]+$',
	example: 'acct_01hxa3b4c5d6e7f8g9h0j1k2m3',
	inWords: '"acct_" followed by letters and digits',
};
export const SITE_ID: IdFormat = {
	pattern: '^wp_[A-Za-z0-9]+$',
	example: 'wp_01hxa3b4c5d6e7f8g9h0j1k2m3',
	inWords: '"wp_" followed by letters and digits',
};

/** `GET /shared-hosting` accepts `limit` 1..100. */
export const ACCOUNTS_MAX_PAGE_SIZE = 100;

export const paths = {
	accounts: '/api/v2/shared-hosting',
	wordpressSites: (accountId: string) =>
		`/api/v2/shared-hosting/${encodeURIComponent(accountId)}/wordpress`,
	controlPanelSso: (accountId: string) =>
		`/api/v2/shared-hosting/${encodeURIComponent(accountId)}/actions/sso`,
	wordpressSso: (accountId: string, siteId: string) =>
		`/api/v2/shared-hosting/${encodeURIComponent(accountId)}/wordpress/${encodeURIComponent(siteId)}/actions/sso`,
};

const account = z
	.object({
		id: z.string(),
		name: z.string().nullish(),
		primaryDomain: z.string().nullish(),
		customName: z.string().nullish(),
		serviceStatus: z.string().nullish(),
	})
	.passthrough();
export type HostUpAccount = z.infer<typeof account>;

/**
 * The envelope keys `data`, `hasMore`, `nextCursor` are inferred from HostUp's
 * docs, not confirmed (DEVELOPERS.md, "Facts that are not confirmed"): this schema is the one place to change.
 */
export const accountsPageSchema = z.object({
	data: z.array(account),
	hasMore: z.boolean().optional(),
	nextCursor: z.string().nullish(),
});

const site = z
	.object({
		id: z.string(),
		url: z.string().nullish(),
		domain: z.string().nullish(),
		siteName: z.string().nullish(),
	})
	.passthrough();
export type HostUpSite = z.infer<typeof site>;

/** Not paginated: every site of the account at once. */
export const wordpressSitesSchema = z.object({
	sites: z.array(site),
	available: z.boolean().optional(),
	reason: z.string().nullish(),
});

export const ssoAvailabilitySchema = z.object({
	available: z.boolean(),
	reason: z.string().nullish(),
});

/**
 * The SSO POSTs answer `{ loginUrl, expiresAt, singleUse }` (control panel) and
 * `{ loginUrl, id, expiresAt, singleUse }` (wp-admin). HostUp has minted the
 * link by the time it answers: only `loginUrl` is required, the rest is read
 * when valid and null otherwise, and fields HostUp adds are ignored.
 */
export const controlPanelSsoSchema = z.object({
	loginUrl: httpUrlSchema,
	expiresAt: readIfValid(z.string()),
	singleUse: readIfValid(z.boolean()),
});

export const wordpressSsoSchema = controlPanelSsoSchema.extend({
	id: readIfValid(z.string().min(1)),
});

/** RFC 7807 problem details; branch on `code`, never on `detail` (HostUp's advice). */
const problemSchema = z
	.object({
		title: z.string().optional(),
		detail: z.string().optional(),
		code: z.string().optional(),
		status: z.number().optional(),
		requestId: z.string().optional(),
		errors: z
			.array(
				z.object({
					pointer: z.string().optional(),
					detail: z.string().optional(),
					code: z.string().optional(),
				}),
			)
			.optional(),
	})
	.passthrough();

const HINTS: Record<string, string> = {
	unauthorized: 'Check the API key in the HostUp credential; it may be wrong, revoked or expired.',
	forbidden:
		'The API key lacks a scope (listing needs read:hosting, WordPress sites also console:services, SSO links write:hosting + console:services) or the account is not yours.',
	not_found: 'Check the account or site ID; pick it from the list to be sure it exists.',
};

export function parseHostUpFailure(response: RawResponse): ProviderFailure | undefined {
	if (response.status >= 200 && response.status < 300) return undefined;
	const problem = problemSchema.safeParse(response.json);
	if (!problem.success || (!problem.data.title && !problem.data.code)) {
		return {
			provider: HOSTUP,
			code: TRANSPORT_CODES.http(response.status),
			httpCode: response.status,
			message: `HostUp answered HTTP ${response.status}${response.json === undefined ? ' with a body that is not JSON' : ''}`,
		};
	}
	const { title, detail, code, requestId, errors } = problem.data;
	const fieldErrors = (errors ?? []).map(
		(entry) => `${entry.pointer ?? '(request)'}: ${entry.detail ?? entry.code ?? 'invalid'}`,
	);
	const resolvedCode = code ?? TRANSPORT_CODES.http(response.status);
	return {
		provider: HOSTUP,
		code: resolvedCode,
		httpCode: response.status,
		message: [title ?? `HTTP ${response.status}`, detail].filter(Boolean).join(': '),
		description: [
			...fieldErrors,
			Object.hasOwn(HINTS, resolvedCode) ? HINTS[resolvedCode] : undefined,
			requestId ? `HostUp request ID: ${requestId}` : undefined,
		]
			.filter(Boolean)
			.join('\n'),
	};
}

export const hostUpApi: ProviderApi = {
	provider: HOSTUP,
	credentialType: 'hostUpApi',
	baseUrl: (credentials: ICredentialDataDecryptedObject) =>
		trimBaseUrl(credentials.baseUrl, HOSTUP_DEFAULT_BASE_URL),
	secretFields: ['apiKey'],
	parseFailure: parseHostUpFailure,
};
