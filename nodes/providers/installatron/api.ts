import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { trimBaseUrl } from '../../shared/urls';
import { httpUrlSchema } from '../../shared/schemas';
import { CUSTOMER_SERVER } from '../../shared/gate';

/** Who this provider is in outputs (`provider: 'installatron'`) and messages. */
export const INSTALLATRON: ProviderIdentity = { id: 'installatron', displayName: 'Installatron' };

/** Installatron Server API (README, "Installatron"; DEVELOPERS.md for unconfirmed facts). */

/**
 * Install ids are 25 letters and digits in Installatron's examples; the exact
 * alphabet is not documented, so this accepts any id that is safe in a path.
 */
export const INSTALL_ID: IdFormat = {
	pattern: '^[A-Za-z0-9_-]{1,64}$',
	example: '1234567890abcdefghij12345',
	inWords: 'letters and digits (Installatron uses 25), not the site URL',
};

/**
 * Paging with `offset`/`limit` and the `q`/`user` filters come from client
 * libraries, not Installatron's docs (unconfirmed); the default page is 50.
 */
export const INSTALLS_PAGE_SIZE = 50;

/** The applications Installatron can log into (its docs); the installer ids are matched by prefix. */
export const SSO_APPLICATIONS: ReadonlyArray<{ installer: string; name: string }> = [
	{ installer: 'wordpress', name: 'WordPress' },
	{ installer: 'joomla', name: 'Joomla!' },
	{ installer: 'classicpress', name: 'ClassicPress' },
	{ installer: 'modx', name: 'Modx' },
];

export function supportsSso(installer: string): boolean {
	const id = installer.toLowerCase();
	return SSO_APPLICATIONS.some((application) => id.startsWith(application.installer));
}

/** Database fields (`db-host`, `db-user`, `db-pass`, …) never leave the node. */
export const DATABASE_FIELD = /^db[-_]/i;

export const paths = {
	installs: '/installs',
	install: (installId: string) => `/installs/${encodeURIComponent(installId)}`,
	login: (installId: string) => `/installs/${encodeURIComponent(installId)}/login`,
};

const install = z
	.object({
		id: z.string(),
		installer: z.string().nullish(),
		title: z.string().nullish(),
		url: z.string().nullish(),
		owner: z.string().nullish(),
	})
	.passthrough();
export type Install = z.infer<typeof install>;

export const installsSchema = z.object({
	data: z.array(install),
	total_count: z.coerce.number().optional(),
});

export const installSchema = z.object({ data: install });

/**
 * `data` is the URL of a one-time SSO script to send the browser to. It is
 * all the answer needs: a failure is told by `result: false` before this
 * schema runs (parseInstallatronFailure), and every other field is ignored.
 */
export const loginSchema = z.object({ data: httpUrlSchema });

const errorSchema = z
	.object({
		result: z.boolean().optional(),
		errcode: z.string().nullish(),
		errfield: z.string().nullish(),
		message: z.string().nullish(),
	})
	.passthrough();

/** What each documented errcode means, said for an n8n user, with what to do. */
const ERRCODES: Record<string, { message: string; hint?: string }> = {
	invalid_api_key: {
		message: 'The Installatron Server API key is invalid',
		hint: 'Check the API key in the credential: the key= or key2= value of /usr/local/installatron/etc/settings.ini.',
	},
	invalid_argument_user: {
		message: 'The user given is not allowed to access this install',
		hint: 'Check the "User" option, or leave it empty to act as the install\'s owner.',
	},
	install_not_found: {
		message: 'The install was not found, or it is owned by a user without access to it',
		hint: 'Pick the install from the list to be sure it exists.',
	},
	failed_website_vhost: {
		message: "The hosting account does not manage the install's domain",
		hint: "The domain is not in the account's vhosts list.",
	},
	failed_filesystem_host: { message: "Installatron could not reach the install's remote host" },
	failed_filesystem_login: { message: "The install's SFTP/FTP server rejected Installatron's login" },
	failed_filesystem_ondemand: { message: "The install's path is invalid" },
	failed_filesystem_permission: { message: "Installatron lacks permission to the install's path" },
	failed_filesystem_quota: { message: "The account's disk space or files (inodes) quota is exceeded" },
};

/** Errcodes Installatron documents: anything else on a login may mean "no SSO for this application". */
export function isDocumentedErrcode(code: string): boolean {
	return Object.hasOwn(ERRCODES, code);
}

/**
 * Installatron answers `{ status, result, errcode, errfield, message }`; a
 * `result: false` is a failure even with HTTP 200. `message` "is not to be
 * relied on" (its docs), so the errcode decides and the message only adds.
 */
export function parseInstallatronFailure(response: RawResponse): ProviderFailure | undefined {
	const parsed = errorSchema.safeParse(response.json);
	const body = parsed.success ? parsed.data : undefined;
	// `result: false` decides on its own, whatever the other fields look like.
	const refused = typeof response.json === 'object' && response.json !== null && (response.json as { result?: unknown }).result === false;
	const ok = response.status >= 200 && response.status < 300 && !refused;
	if (ok) return undefined;
	const rawCode = (response.json as { errcode?: unknown } | undefined)?.errcode;
	const code = (typeof rawCode === 'string' && rawCode) || TRANSPORT_CODES.http(response.status);
	const known = isDocumentedErrcode(code) ? ERRCODES[code] : undefined;
	const providerMessage = body?.message?.trim();
	const message =
		known?.message ??
		(providerMessage ||
			`Installatron answered HTTP ${response.status}${response.json === undefined ? ' with a body that is not JSON' : ''}`);
	return {
		provider: INSTALLATRON,
		code,
		httpCode: response.status,
		message,
		description: [
			known && providerMessage ? `Installatron said: ${providerMessage}` : undefined,
			body?.errfield ? `Field: ${body.errfield}` : undefined,
			known?.hint,
		]
			.filter(Boolean)
			.join('\n'),
	};
}

export const installatronApi: ProviderApi = {
	provider: INSTALLATRON,
	credentialType: 'installatronApi',
	baseUrl: (credentials: ICredentialDataDecryptedObject) => trimBaseUrl(credentials.baseUrl),
	secretFields: ['apiKey'],
	traffic: CUSTOMER_SERVER,
	skipSslCertificateValidation: (credentials) => credentials.allowUnauthorizedCerts === true,
	parseFailure: parseInstallatronFailure,
};
