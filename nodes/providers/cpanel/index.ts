import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { invalidParameterError, quoteInput } from '../../shared/errors';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import { collectPages } from '../../shared/pagination';
import type { ProviderModule, RequestContext, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { withoutSecretFields } from '../../shared/schemas';
import { apiRequest } from '../../shared/transport';
import {
	ACCOUNTS_PAGE_SIZE,
	API_VERSION,
	CPANEL,
	DEFAULT_SERVICE,
	SERVICES,
	USERNAME,
	accountsSchema,
	cpanelApi,
	functionPath,
	sessionSchema,
} from './api';
import type { WhmAccount } from './api';
import { cpanelCredentialTests } from './credentialTest';

export const usernameParameter = { name: 'username', displayName: 'Account', idFormat: USERNAME } as const;

export const usernameProperty = resourceLocatorProperty({
	...usernameParameter,
	description: 'The cPanel account to log into',
	searchListMethod: 'searchCpanelAccounts',
	resourceName: 'account',
	listedBy: 'WHM\'s List Accounts shows it, and the cPanel & WHM node\'s Account › Get Many lists them (field "id")',
});

const serviceProperty: INodeProperties = {
	displayName: 'Service',
	name: 'service',
	type: 'options',
	default: DEFAULT_SERVICE,
	description: 'What the link logs into',
	options: SERVICES.map((entry) => ({ name: entry.name, value: entry.value, description: entry.description })),
};

const sessionOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'App',
			name: 'app',
			type: 'string',
			default: '',
			placeholder: 'Email_Accounts',
			description: "A cPanel page to open instead of the home page, by its app name (e.g. Email_Accounts, File_Manager, Backups). cPanel's service only.",
		},
		{
			displayName: 'Locale',
			name: 'locale',
			type: 'string',
			default: '',
			placeholder: 'en',
			description: 'The language of the session, as a cPanel locale code (e.g. en, de, es). Empty keeps the account\'s own.',
		},
	],
};

/** App names and locale codes are words; anything else would not be one and could smuggle another parameter. */
const WORD = /^[A-Za-z0-9_-]{1,64}$/;

function readSessionRequest(ctx: IExecuteFunctions, itemIndex: number) {
	const user = getValidatedId(ctx, usernameParameter, itemIndex, CPANEL);
	const service = String(ctx.getNodeParameter('service', itemIndex, DEFAULT_SERVICE) ?? '').trim() || DEFAULT_SERVICE;
	const chosen = SERVICES.find((entry) => entry.value === service);
	if (!chosen) {
		throw invalidParameterError(ctx.getNode(), 'Service', `${quoteInput(service)} is not one of ${SERVICES.map((entry) => entry.value).join(', ')}`, itemIndex, CPANEL);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { app?: unknown; locale?: unknown };
	const read = (value: unknown, name: string) => {
		const text = typeof value === 'string' ? value.trim() : '';
		if (text && !WORD.test(text)) {
			throw invalidParameterError(ctx.getNode(), name, `${quoteInput(text)} is not a cPanel ${name.toLowerCase()} name (letters, digits, _ and -)`, itemIndex, CPANEL);
		}
		return text || undefined;
	};
	const app = read(options.app, 'App');
	if (app && service !== DEFAULT_SERVICE) {
		throw invalidParameterError(ctx.getNode(), 'App', "it opens a cPanel page, so it needs the cPanel service", itemIndex, CPANEL);
	}
	const locale = read(options.locale, 'Locale');
	return { user, chosen, qs: { ...API_VERSION, user, service, ...(app ? { app } : {}), ...(locale ? { locale } : {}) } };
}

/** WHM's `expires`, epoch seconds (a number or a string of digits), as an ISO time; null when it is neither. */
function expiryOf(value: unknown): string | null {
	const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
	return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

async function mintSessionLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const { user, chosen, qs } = readSessionRequest(this, itemIndex);
	const { data } = await apiRequest(this, cpanelApi, {
		method: 'GET',
		path: functionPath('create_user_session'),
		qs,
		// A GET, but it makes a session: repeated only when WHM did not act.
		mints: true,
		schema: sessionSchema,
		itemIndex,
	});
	// WHM documents when the link stops working, not whether it works twice.
	return { url: data.url, target: chosen.target, resourceId: user, expiresAt: expiryOf(data.expires), singleUse: null };
}

async function accountsPage(
	ctx: RequestContext,
	offset: number,
	limit: number,
	search: { text?: string; by?: string; exact?: boolean },
	itemIndex = 0,
) {
	const answer = await apiRequest(ctx, cpanelApi, {
		method: 'GET',
		path: functionPath('listaccts'),
		qs: {
			...API_VERSION,
			// WHM's generic chunking: `start` counts records from 1.
			'api.chunk.enable': 1,
			'api.chunk.size': limit,
			'api.chunk.start': offset + 1,
			...(search.text ? { search: search.text, searchtype: search.by ?? 'domain', ...(search.exact ? { searchmethod: 'exact' } : {}) } : {}),
		},
		schema: accountsSchema,
		itemIndex,
	});
	return { items: answer.data?.acct ?? [], total: answer.metadata.chunk?.records };
}

/** One output item per account: its user name as `id` (the Account parameter's value), nothing secret. */
function accountItem(entry: WhmAccount): IDataObject {
	return { id: entry.user, ...(withoutSecretFields(entry) as IDataObject) };
}

export async function listAccounts(ctx: IExecuteFunctions, itemIndex: number, wanted: number | undefined): Promise<IDataObject[]> {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as { search?: string; searchType?: string };
	const search = { text: typeof filters.search === 'string' ? filters.search.trim() : '', by: filters.searchType || 'domain' };
	const accounts = await collectPages<WhmAccount>(
		ctx.getNode(),
		{
			provider: CPANEL,
			noun: 'accounts',
			startsAt: 'offset',
			totalName: 'metadata.chunk.records',
			maxPageSize: ACCOUNTS_PAGE_SIZE,
			key: (entry) => entry.user,
			fetchPage: ({ offset, pageSize }) => accountsPage(ctx, offset, pageSize, search, itemIndex),
		},
		wanted,
		itemIndex,
	);
	return accounts.map(accountItem);
}

function accountLabel(entry: WhmAccount): string {
	const domain = entry.domain ? ` — ${entry.domain}` : '';
	const suspended = Number(entry.suspended) === 1 ? ', suspended' : '';
	const plan = entry.plan ? ` (${entry.plan}${suspended})` : suspended ? ` (${suspended.slice(2)})` : '';
	return `${entry.user}${domain}${plan}`;
}

/** A picker search is text, not a pattern: WHM reads `search` as a regular expression. */
function literalPattern(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const cpanelTarget: SsoTarget = {
	value: 'cpanel',
	displayName: 'cPanel & WHM — cPanel, Webmail or WHM',
	description: 'A login link (valid 5 minutes) to a cPanel account, its Webmail, or WHM for a reseller, made by WHM',
	provider: CPANEL,
	target: 'controlPanel',
	credentialType: cpanelApi.credentialType,
	properties: [usernameProperty, serviceProperty, sessionOptionsProperty],
	mint: mintSessionLink,
};

export const cpanel: ProviderModule = {
	provider: CPANEL,
	servicePackage: {
		node: 'Cpanel',
		credential: 'CpanelApi',
		icon: 'cpanel',
		description: 'n8n node for cPanel & WHM: list accounts and mint cPanel, Webmail and WHM login links.',
		keywords: ['cpanel', 'whm', 'webmail', 'hosting'],
	},
	credentialTests: cpanelCredentialTests,
	listSearch: {
		async searchCpanelAccounts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const offset = paginationToken ? Number(paginationToken) : 0;
			const text = filter?.trim() ?? '';
			// A user name has no dot; a domain has one.
			const page = await accountsPage(this, offset, ACCOUNTS_PAGE_SIZE, {
				text: text ? literalPattern(text) : undefined,
				by: text.includes('.') ? 'domain' : 'user',
			});
			const next = offset + page.items.length;
			const more = page.total === undefined ? false : next < page.total;
			return {
				results: page.items.map((entry) => ({ name: accountLabel(entry), value: entry.user })),
				paginationToken: more && page.items.length > 0 ? String(next) : undefined,
			};
		},
	},
	ssoTargets: [cpanelTarget],
};
