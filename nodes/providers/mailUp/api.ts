import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES, findInCauses } from '../../shared/errors';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { httpUrlSchema, readIfValid } from '../../shared/schemas';
import { trimBaseUrl } from '../../shared/urls';
import { SAAS_API } from '../../shared/gate';

/** Who this provider is in outputs (`provider: 'mailup'`) and messages. */
export const MAILUP: ProviderIdentity = { id: 'mailup', displayName: 'MailUp' };

/** MailUp REST API v1.1 (README, "MailUp"). */
export const MAILUP_DEFAULT_BASE_URL = 'https://services.mailup.com';

const CONSOLE_SERVICE = '/API/v1.1/Rest/ConsoleService.svc';

/** Largest `PageSize` asked for; MailUp does not publish a maximum (unconfirmed). */
export const LISTS_MAX_PAGE_SIZE = 100;

export const paths = {
	accountInfo: '/Console/Authentication/Info',
	lists: '/Console/User/Lists',
	sso: '/Console/Sso',
};

export const accountInfoSchema = z
	.object({
		AccountName: z.string().nullish(),
		Company: z.string().nullish(),
		UID: z.union([z.string(), z.number()]).nullish(),
		Username: z.string().nullish(),
	})
	.passthrough();

const list = z
	.object({
		idList: z.union([z.number(), z.string()]),
		Name: z.string().nullish(),
	})
	.passthrough();
export type MailUpList = z.infer<typeof list>;

/** `PageNumber` is 0-based. */
export const listsPageSchema = z.object({
	Items: z.array(list),
	PageNumber: z.number().optional(),
	PageSize: z.number().optional(),
	TotalElementsCount: z.number().optional(),
});

/**
 * `{ Link: { href, rel }, ExpiresIn }`. MailUp has minted the link by the time
 * it answers: only `Link.href` is required; `ExpiresIn` (seconds) is read when
 * it is a number and null otherwise; other fields are ignored.
 */
export const ssoSchema = z.object({
	Link: z.object({ href: httpUrlSchema }),
	ExpiresIn: readIfValid(z.number().nonnegative()),
});

const errorSchema = z
	.object({
		ErrorCode: z.union([z.string(), z.number()]).nullish(),
		ErrorDescription: z.string().nullish(),
		ErrorName: z.string().nullish(),
	})
	.passthrough();

const HINTS: Record<number, string> = {
	401: 'MailUp did not accept the access token even after a fresh one was fetched. Check the client ID and secret in the credential.',
	429: 'MailUp allows 5 calls per second by default.',
};

export function parseMailUpFailure(response: RawResponse): ProviderFailure | undefined {
	if (response.status >= 200 && response.status < 300) return undefined;
	const parsed = errorSchema.safeParse(response.json);
	const body = parsed.success ? parsed.data : undefined;
	return {
		provider: MAILUP,
		code: body?.ErrorName || TRANSPORT_CODES.http(response.status),
		httpCode: response.status,
		message:
			body?.ErrorDescription ||
			`MailUp answered HTTP ${response.status}${response.json === undefined ? ' with a body that is not JSON' : ''}`,
		description: HINTS[response.status],
	};
}

/** What the MailUp credential's token request throws (credentials/MailUpApi.credentials.ts). */
interface TokenError {
	status: number;
	error?: string;
	description?: string;
}

function findTokenError(error: unknown): TokenError | undefined {
	return findInCauses(error, (link) => (link.mailUpTokenError as TokenError | undefined) || undefined);
}

/** A failed token request, in OAuth's words, with what to check. */
export function parseMailUpTokenError(error: unknown): ProviderFailure | undefined {
	const token = findTokenError(error);
	if (!token) return undefined;
	const code = typeof token.error === 'string' && token.error ? token.error : TRANSPORT_CODES.http(token.status);
	const what: Record<string, string> = {
		invalid_grant: 'MailUp rejected the username or password',
		invalid_client: 'MailUp rejected the client ID or client secret',
	};
	return {
		provider: MAILUP,
		code,
		httpCode: token.status,
		message: Object.hasOwn(what, code) ? what[code] : `MailUp did not issue an access token (HTTP ${token.status})`,
		description: [token.description && `MailUp said: ${token.description}`, 'Check the MailUp credential.']
			.filter(Boolean)
			.join('\n'),
	};
}

export const mailUpApi: ProviderApi = {
	provider: MAILUP,
	credentialType: 'mailUpApi',
	baseUrl: (credentials: ICredentialDataDecryptedObject) =>
		`${trimBaseUrl(credentials.baseUrl, MAILUP_DEFAULT_BASE_URL)}${CONSOLE_SERVICE}`,
	secretFields: ['clientSecret', 'password', 'accessToken'],
	// MailUp counts calls per client and user; the token changes hourly.
	identityFields: ['clientId', 'username'],
	// "5 calls per second" by default, with no rate-limit headers (README, MailUp).
	traffic: { ...SAAS_API, documentedRate: { requests: 5, perMs: 1000 } },
	renewsTokenOn401: true,
	parseThrownError: parseMailUpTokenError,
	parseFailure: parseMailUpFailure,
};
