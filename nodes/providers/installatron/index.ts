import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { getProviderErrorContext, invalidParameterError, providerErrorStatus } from '../../shared/errors';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import { collectPages } from '../../shared/pagination';
import type { ProviderModule, RequestContext, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { withoutSecretFields } from '../../shared/schemas';
import { apiRequest, providerError } from '../../shared/transport';
import { isHttpUrl } from '../../shared/urls';
import {
	DATABASE_FIELD,
	INSTALLATRON,
	INSTALLS_PAGE_SIZE,
	INSTALL_ID,
	SSO_APPLICATIONS,
	installSchema,
	installatronApi,
	installsSchema,
	isDocumentedErrcode,
	loginSchema,
	paths,
	supportsSso,
} from './api';
import type { Install } from './api';

export const installIdParameter = {
	name: 'installId',
	displayName: 'Install',
	idFormat: INSTALL_ID,
} as const;

export const installIdProperty = resourceLocatorProperty({
	...installIdParameter,
	description: 'The installed application',
	searchListMethod: 'searchInstallatronInstalls',
	resourceName: 'install',
	listedBy: 'the Installatron node\'s Install › Get Many operation lists them (field "id")',
});

/** `options` of createSsoLink, shared with the SSO Link node. */
export const loginOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Redirect URL',
			name: 'redirectUrl',
			type: 'string',
			default: '',
			placeholder: '/wp-admin/plugins.php',
			description:
				"Where the login lands: a path relative to the application's URL or a full URL. Empty opens the application's admin.",
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: "The Installatron Server user to act for. Empty acts as the install's owner.",
		},
	],
};

/** Listing output never carries database fields (`db-pass` is the database password). */
function safeInstall(entry: Install): IDataObject {
	return withoutSecretFields(entry, DATABASE_FIELD) as IDataObject;
}

async function fetchInstallsPage(
	ctx: RequestContext,
	offset: number,
	limit: number,
	filters: { search?: string; user?: string },
	itemIndex = 0,
) {
	const page = await apiRequest(ctx, installatronApi, {
		method: 'GET',
		path: paths.installs,
		qs: {
			offset,
			limit,
			...(filters.search ? { q: filters.search } : {}),
			...(filters.user ? { user: filters.user } : {}),
		},
		schema: installsSchema,
		itemIndex,
	});
	return { items: page.data, total: page.total_count };
}

export async function listInstalls(
	ctx: IExecuteFunctions,
	itemIndex: number,
	wanted: number | undefined,
): Promise<IDataObject[]> {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as { search?: string; user?: string };
	// A server may serve fewer installs a page than asked for: total_count says when all are in.
	const installs = await collectPages<Install>(
		ctx.getNode(),
		{
			provider: INSTALLATRON,
			noun: 'installs',
			startsAt: 'offset',
			totalName: 'total_count',
			maxPageSize: INSTALLS_PAGE_SIZE,
			key: (entry) => entry.id,
			fetchPage: ({ offset, pageSize }) => fetchInstallsPage(ctx, offset, pageSize, filters, itemIndex),
		},
		wanted,
		itemIndex,
	);
	return installs.map(safeInstall);
}

async function fetchInstall(ctx: RequestContext, installId: string, itemIndex = 0): Promise<Install> {
	const { data } = await apiRequest(ctx, installatronApi, {
		method: 'GET',
		path: paths.install(installId),
		schema: installSchema,
		itemIndex,
	});
	return data;
}

export async function getInstall(ctx: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const installId = getValidatedId(ctx, installIdParameter, itemIndex, INSTALLATRON);
	return safeInstall(await fetchInstall(ctx, installId, itemIndex));
}

function readLoginOptions(ctx: IExecuteFunctions, itemIndex: number): { url?: string; user?: string } {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { redirectUrl?: unknown; user?: unknown };
	const url = typeof options.redirectUrl === 'string' ? options.redirectUrl.trim() : '';
	const user = typeof options.user === 'string' ? options.user.trim() : '';
	// Relative ("/wp-admin", "controllers/…") or absolute http(s); nothing that
	// a browser would run or that could smuggle a second parameter.
	// Control characters too: browsers drop them, so "\u0001javascript:…" would run.
	const hasControl = [...url].some((char) => char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127);
	const absolute = /^[a-z][a-z0-9+.-]*:/i.test(url);
	if (url && (hasControl || /[\s<>"]/.test(url) || (absolute && !isHttpUrl(url)))) {
		throw invalidParameterError(ctx.getNode(), 'Redirect URL', 'use a path such as /wp-admin or an http(s) URL', itemIndex, INSTALLATRON);
	}
	return { ...(url ? { url } : {}), ...(user ? { user } : {}) };
}

async function mintApplicationAdminLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const installId = getValidatedId(this, installIdParameter, itemIndex, INSTALLATRON);
	const body = readLoginOptions(this, itemIndex);
	try {
		const { data } = await apiRequest(this, installatronApi, {
			method: 'POST',
			path: paths.login(installId),
			body,
			schema: loginSchema,
			itemIndex,
		});
		// Installatron does not document the SSO script's lifetime or reuse.
		return { url: data, resourceId: installId, expiresAt: null, singleUse: null };
	} catch (error) {
		throw await explainUnsupportedApplication(this, installId, itemIndex, error);
	}
}

/**
 * Installatron does not document how a login for an application without SSO
 * fails. When a login fails with an errcode it does not document, look at the
 * install: if its application has no SSO, say that instead.
 */
async function explainUnsupportedApplication(
	ctx: IExecuteFunctions,
	installId: string,
	itemIndex: number,
	error: unknown,
): Promise<unknown> {
	const context = getProviderErrorContext(error);
	const httpCode = providerErrorStatus(error, INSTALLATRON);
	// Only a refusal of the request itself can mean "no SSO here": not a
	// documented errcode, not auth, not found, rate limits, 5xx or no answer.
	const refused = httpCode !== undefined && httpCode >= 200 && httpCode < 500 && ![401, 403, 404, 429].includes(httpCode);
	if (!context || !refused || isDocumentedErrcode(context.providerCode)) return error;
	let install: Install;
	try {
		install = await fetchInstall(ctx, installId, itemIndex);
	} catch {
		return error;
	}
	if (!install.installer || supportsSso(install.installer)) return error;
	return await providerError(
		ctx,
		installatronApi,
		{
			provider: INSTALLATRON,
			code: 'sso_unsupported',
			httpCode,
			message: `"${install.title ?? installId}" is a ${install.installer} install, which Installatron cannot log into`,
			description: `Installatron offers single sign-on only for ${SSO_APPLICATIONS.map((application) => application.name).join(', ')}.`,
		},
		itemIndex,
	);
}

function installLabel(entry: Install): string {
	const title = entry.title || entry.id;
	const where = entry.url ? ` — ${entry.url}` : '';
	const what = entry.installer ? ` (${entry.installer}${entry.installer && !supportsSso(entry.installer) ? ', no SSO' : ''})` : '';
	return `${title}${where}${what}`;
}

export const installatronTarget: SsoTarget = {
		value: 'installatron',
		displayName: 'Installatron — Application Admin',
		description: "A one-time login to an installed application's admin (WordPress, Joomla!, ClassicPress, Modx)",
		provider: INSTALLATRON,
		target: 'applicationAdmin',
		credentialType: installatronApi.credentialType,
		properties: [installIdProperty, loginOptionsProperty],
		mint: mintApplicationAdminLink,
};

export const installatron: ProviderModule = {
	provider: INSTALLATRON,
	servicePackage: {
		node: 'Installatron',
		credential: 'InstallatronApi',
		icon: 'installatron',
		description: 'n8n node for Installatron: list application installs and mint one-time admin login links.',
		keywords: ['installatron', 'wordpress', 'joomla', 'hosting'],
	},
	listSearch: {
		async searchInstallatronInstalls(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const offset = paginationToken ? Number(paginationToken) : 0;
			const page = await fetchInstallsPage(this, offset, INSTALLS_PAGE_SIZE, { search: filter });
			const next = offset + page.items.length;
			// Without a total, a full page may have more after it.
			const more = page.total === undefined ? page.items.length === INSTALLS_PAGE_SIZE : next < page.total;
			return {
				results: page.items.map((entry) => ({ name: installLabel(entry), value: entry.id, url: entry.url ?? undefined })),
				paginationToken: more && page.items.length > 0 ? String(next) : undefined,
			};
		},
	},
	ssoTargets: [installatronTarget],
};
