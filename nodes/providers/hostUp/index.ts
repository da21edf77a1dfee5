import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getProviderErrorContext, providerErrorStatus, redact } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import { collectPages } from '../../shared/pagination';
import type { Page } from '../../shared/pagination';
import type { ProviderModule, RequestContext, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { withoutSecretFields } from '../../shared/schemas';
import { apiRequest, providerError } from '../../shared/transport';
import {
	ACCOUNTS_MAX_PAGE_SIZE,
	ACCOUNT_ID,
	HOSTUP,
	SITE_ID,
	accountsPageSchema,
	controlPanelSsoSchema,
	hostUpApi,
	paths,
	ssoAvailabilitySchema,
	wordpressSitesSchema,
	wordpressSsoSchema,
} from './api';
import type { HostUpAccount, HostUpSite } from './api';

/** The parameters of HostUp operations, shared by the HostUp node and the SSO Link node. */
export const accountIdParameter = {
	name: 'accountId',
	displayName: 'Account',
	idFormat: ACCOUNT_ID,
} as const satisfies { name: string; displayName: string; idFormat: IdFormat };

export const siteIdParameter = {
	name: 'siteId',
	displayName: 'WordPress Site',
	idFormat: SITE_ID,
} as const satisfies { name: string; displayName: string; idFormat: IdFormat };

export const accountIdProperty = resourceLocatorProperty({
	...accountIdParameter,
	description: 'The shared-hosting account',
	searchListMethod: 'searchHostUpAccounts',
	resourceName: 'account',
	listedBy: 'the HostUp node\'s Account › Get Many operation lists them',
});

export const siteIdProperty = resourceLocatorProperty({
	...siteIdParameter,
	description: 'The WordPress site of the chosen account',
	searchListMethod: 'searchHostUpWordPressSites',
	resourceName: 'site',
	listedBy: 'the HostUp node\'s WordPress Site › Get Many operation lists them for an account',
});

async function fetchAccountsPage(
	ctx: RequestContext,
	cursor: string | undefined,
	limit: number,
	itemIndex = 0,
): Promise<Page<HostUpAccount>> {
	const page = await apiRequest(ctx, hostUpApi, {
		method: 'GET',
		path: paths.accounts,
		qs: cursor ? { limit, cursor } : { limit },
		schema: accountsPageSchema,
		itemIndex,
	});
	// A page without hasMore says more by its cursor alone (collectPages).
	return { items: page.data, hasMore: page.hasMore, nextCursor: page.nextCursor ?? undefined };
}

export async function listAccounts(
	ctx: IExecuteFunctions,
	itemIndex: number,
	wanted: number | undefined,
): Promise<IDataObject[]> {
	const accounts = await collectPages<HostUpAccount>(
		ctx.getNode(),
		{
			provider: HOSTUP,
			noun: 'accounts',
			startsAt: 'cursor',
			maxPageSize: ACCOUNTS_MAX_PAGE_SIZE,
			key: (entry) => entry.id,
			fetchPage: ({ cursor, pageSize }) => fetchAccountsPage(ctx, cursor, pageSize, itemIndex),
		},
		wanted,
		itemIndex,
	);
	return accounts.map((entry) => withoutSecretFields(entry) as IDataObject);
}

async function fetchSites(ctx: RequestContext, accountId: string, itemIndex = 0) {
	return await apiRequest(ctx, hostUpApi, {
		method: 'GET',
		path: paths.wordpressSites(accountId),
		schema: wordpressSitesSchema,
		itemIndex,
	});
}

/** Every WordPress site of one account, each with its `accountId`. */
export async function listWordPressSites(
	ctx: IExecuteFunctions,
	itemIndex: number,
	wanted: number | undefined,
): Promise<IDataObject[]> {
	const accountId = getValidatedId(ctx, accountIdParameter, itemIndex, HOSTUP);
	const { sites } = await fetchSites(ctx, accountId, itemIndex);
	const chosen = wanted === undefined ? sites : sites.slice(0, wanted);
	return chosen.map((entry) => ({ ...(withoutSecretFields(entry) as IDataObject), accountId }));
}

export async function getSsoAvailability(ctx: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const accountId = getValidatedId(ctx, accountIdParameter, itemIndex, HOSTUP);
	const availability = await apiRequest(ctx, hostUpApi, {
		method: 'GET',
		path: paths.controlPanelSso(accountId),
		schema: ssoAvailabilitySchema,
		itemIndex,
	});
	return { accountId, available: availability.available, reason: availability.reason ?? null };
}

async function mintControlPanelLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const accountId = getValidatedId(this, accountIdParameter, itemIndex, HOSTUP);
	const link = await apiRequest(this, hostUpApi, {
		method: 'POST',
		path: paths.controlPanelSso(accountId),
		schema: controlPanelSsoSchema,
		itemIndex,
	});
	return {
		url: link.loginUrl,
		resourceId: accountId,
		expiresAt: link.expiresAt,
		singleUse: link.singleUse,
	};
}

async function mintWordPressLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const accountId = getValidatedId(this, accountIdParameter, itemIndex, HOSTUP);
	const siteId = getValidatedId(this, siteIdParameter, itemIndex, HOSTUP);
	const link = await apiRequest(this, hostUpApi, {
		method: 'POST',
		path: paths.wordpressSso(accountId, siteId),
		schema: wordpressSsoSchema,
		itemIndex,
	}).catch(async (error: unknown) => {
		throw await explainSiteNotFound(this, error, accountId, siteId, itemIndex);
	});
	return {
		url: link.loginUrl,
		// The site asked for, when the answer does not name it.
		resourceId: link.id ?? siteId,
		expiresAt: link.expiresAt,
		singleUse: link.singleUse,
	};
}

/**
 * HostUp's 404 says only "Not found". In the editor, changing Account keeps
 * the WordPress Site chosen for the old account, so say which pair was asked
 * for and how they must relate.
 */
async function explainSiteNotFound(
	ctx: IExecuteFunctions,
	error: unknown,
	accountId: string,
	siteId: string,
	itemIndex: number,
): Promise<unknown> {
	const context = getProviderErrorContext(error);
	if (!context || providerErrorStatus(error, HOSTUP) !== 404) return error;
	return await providerError(
		ctx,
		hostUpApi,
		{
			provider: HOSTUP,
			code: context.providerCode,
			httpCode: 404,
			// HostUp's words first (README, "Errors, retries and Continue On Fail"), then what was asked for.
			message: `${(error as Error).message.replace(/[.\s]+$/, '')} (WordPress site ${siteId} in account ${accountId})`,
			description:
				'The site must belong to the account: check both IDs (WordPress Site › Get Many lists the sites of an account). In the editor, changing Account keeps the site picked for the previous one.',
		},
		itemIndex,
	);
}

function matches(filter: string | undefined, ...fields: Array<string | null | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return fields.some((field) => field?.toLowerCase().includes(needle));
}

function accountLabel(entry: HostUpAccount): string {
	const name = entry.customName || entry.name || entry.primaryDomain || entry.id;
	const domain = entry.primaryDomain && entry.primaryDomain !== name ? ` (${entry.primaryDomain})` : '';
	const status = entry.serviceStatus && entry.serviceStatus !== 'active' ? ` [${entry.serviceStatus}]` : '';
	return `${name}${domain}${status}`;
}

function siteLabel(entry: HostUpSite): string {
	const where = entry.url || entry.domain || entry.id;
	return entry.siteName ? `${entry.siteName} — ${where}` : where;
}

export const hostUpWordPressTarget: SsoTarget = {
		value: 'hostUpWordPress',
		displayName: 'HostUp — WordPress Admin',
		description: 'A one-time wp-admin login for a WordPress site hosted at HostUp',
		provider: HOSTUP,
		target: 'wordpressAdmin',
		credentialType: hostUpApi.credentialType,
		properties: [accountIdProperty, siteIdProperty],
		mint: mintWordPressLink,
};

export const hostUpControlPanelTarget: SsoTarget = {
		value: 'hostUpControlPanel',
		displayName: 'HostUp — Hosting Control Panel',
		description: 'A one-time control-panel login for a HostUp hosting account',
		provider: HOSTUP,
		target: 'controlPanel',
		credentialType: hostUpApi.credentialType,
		properties: [accountIdProperty],
		mint: mintControlPanelLink,
};

export const hostUp: ProviderModule = {
	provider: HOSTUP,
	servicePackage: {
		node: 'HostUp',
		credential: 'HostUpApi',
		icon: 'hostUp',
		description: 'n8n node for HostUp: list hosting accounts and WordPress sites and mint one-time wp-admin and control-panel login links.',
		keywords: ['hostup', 'wordpress', 'wp-admin', 'control-panel', 'hosting'],
	},
	listSearch: {
		async searchHostUpAccounts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const page = await fetchAccountsPage(this, paginationToken, ACCOUNTS_MAX_PAGE_SIZE);
			// The editor asks for the next page only when the user scrolls: no loop to guard.
			const more = page.hasMore ?? Boolean(page.nextCursor);
			return {
				results: page.items
					.filter((entry) =>
						matches(filter, entry.id, entry.name, entry.customName, entry.primaryDomain),
					)
					.map((entry) => ({ name: accountLabel(entry), value: entry.id })),
				paginationToken: more && page.nextCursor !== paginationToken ? page.nextCursor : undefined,
			};
		},
		async searchHostUpWordPressSites(this: ILoadOptionsFunctions, filter?: string) {
			const accountId = this.getCurrentNodeParameter('accountId', { extractValue: true }) as
				| string
				| undefined;
			if (!accountId || !new RegExp(ACCOUNT_ID.pattern).test(accountId)) {
				throw new NodeOperationError(this.getNode(), 'Choose an account first', {
					description: 'The site list shows the WordPress sites of the account selected above.',
				});
			}
			const { sites, available, reason } = await fetchSites(this, accountId);
			if (sites.length === 0 && available === false && reason) {
				// HostUp's words, through the one redactor: they come from outside and could carry a link.
				throw new NodeOperationError(this.getNode(), `No WordPress sites: ${redact(reason, [])}`);
			}
			return {
				results: sites
					.filter((entry) => matches(filter, entry.id, entry.siteName, entry.url, entry.domain))
					.map((entry) => ({ name: siteLabel(entry), value: entry.id, url: entry.url ?? undefined })),
			};
		},
	},
	ssoTargets: [hostUpWordPressTarget, hostUpControlPanelTarget],
};
