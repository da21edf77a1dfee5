import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { invalidParameterError, quoteInput } from '../../shared/errors';
import type { IdFormat } from '../../shared/locators';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import { collectPages } from '../../shared/pagination';
import type { ProviderModule, RequestContext, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { withoutSecretFields } from '../../shared/schemas';
import { apiRequest } from '../../shared/transport';
import {
	API_PATH,
	CLIENT_ID,
	DOMAIN_ID,
	LINK_LIFETIME_SECONDS,
	PAGE_SIZE,
	SERVICE_ID,
	USER_ID,
	WHMCS,
	actionBody,
	clientsPageSchema,
	domainsPageSchema,
	servicesPageSchema,
	ssoTokenSchema,
	whmcsApi,
} from './api';
import type { WhmcsClient, WhmcsDomain, WhmcsService } from './api';
import { whmcsCredentialTests } from './credentialTest';
import { CUSTOM_REDIRECT, DEFAULT_DESTINATION, DESTINATIONS, destinationsTaking } from './destinations';

export const clientIdParameter = { name: 'clientId', displayName: 'Client', idFormat: CLIENT_ID } as const;
const serviceIdParameter = { name: 'serviceId', displayName: 'Service', idFormat: SERVICE_ID } as const;
const domainIdParameter = { name: 'domainId', displayName: 'Domain', idFormat: DOMAIN_ID } as const;

export const clientIdProperty = resourceLocatorProperty({
	...clientIdParameter,
	description: 'The client to log in as',
	searchListMethod: 'searchWhmcsClients',
	resourceName: 'client',
	listedBy: "WHMCS's admin area shows it on the client's profile, and the WHMCS node's Client › Get Many lists them (field \"id\")",
});

const SERVICE_DESTINATIONS = destinationsTaking('service');
const DOMAIN_DESTINATIONS = destinationsTaking('domain');

const destinationProperty: INodeProperties = {
	displayName: 'Destination',
	name: 'destination',
	type: 'options',
	default: DEFAULT_DESTINATION,
	description: 'Where the client lands after logging in',
	options: DESTINATIONS.map((entry) => ({
		name: entry.name,
		value: entry.value,
		description: entry.takes ? `${entry.value} — takes a ${entry.takes === 'path' ? 'path inside WHMCS' : entry.takes}` : entry.value,
	})),
};

const serviceIdProperty: INodeProperties = {
	...resourceLocatorProperty({
		...serviceIdParameter,
		description: "The client's service (product) the page is about",
		searchListMethod: 'searchWhmcsServices',
		resourceName: 'service',
		listedBy: 'the WHMCS node\'s Service › Get Many lists a client\'s services (field "id")',
	}),
	// Not `required`: with Destination set by an expression n8n cannot tell
	// whether this shows, and would refuse to run. Checked at run time.
	required: false,
	displayOptions: { show: { destination: SERVICE_DESTINATIONS } },
};

const domainIdProperty: INodeProperties = {
	...resourceLocatorProperty({
		...domainIdParameter,
		description: "The client's domain the page is about",
		searchListMethod: 'searchWhmcsDomains',
		resourceName: 'domain',
		listedBy: "WHMCS's admin area shows it on the client's Domains tab",
	}),
	required: false,
	displayOptions: { show: { destination: DOMAIN_DESTINATIONS } },
};

const redirectPathProperty: INodeProperties = {
	displayName: 'Redirect Path',
	name: 'redirectPath',
	type: 'string',
	default: '',
	placeholder: 'cart.php?a=add&pid=1',
	description: 'A page inside WHMCS to land on, relative to the WHMCS root',
	displayOptions: { show: { destination: [CUSTOM_REDIRECT] } },
};

const loginOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			placeholder: USER_ID.example,
			description: "A WHMCS user of the client to log in as (WHMCS 8 and later). Empty logs in as the client's owner.",
		},
	],
};

/** A whole-number id from an optional field, checked like a locator's. */
function readOptionalId(ctx: IExecuteFunctions, value: unknown, displayName: string, format: IdFormat, itemIndex: number): string | undefined {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (text === '') return undefined;
	if (!new RegExp(format.pattern).test(text)) {
		throw invalidParameterError(ctx.getNode(), displayName, `${quoteInput(text)} is not ${format.inWords} (e.g. ${format.example})`, itemIndex, WHMCS);
	}
	return text;
}

/**
 * A page inside WHMCS: WHMCS appends it to its own URL, so anything that
 * names another site or that a browser would read differently is refused.
 */
function readRedirectPath(ctx: IExecuteFunctions, itemIndex: number): string {
	const path = String(ctx.getNodeParameter('redirectPath', itemIndex, '') ?? '').trim();
	const hasControl = [...path].some((char) => char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127);
	if (!path || hasControl || /[\s<>"\\]/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
		throw invalidParameterError(
			ctx.getNode(),
			'Redirect Path',
			path ? 'use a path inside WHMCS, such as cart.php?a=add&pid=1, not a URL' : 'it is empty; Custom Redirect needs a path inside WHMCS',
			itemIndex,
			WHMCS,
		);
	}
	return path.replace(/^\/+/, '');
}

/** CreateSsoToken's fields for one item, checked before anything is sent. */
function readSsoRequest(ctx: IExecuteFunctions, itemIndex: number) {
	const clientId = getValidatedId(ctx, clientIdParameter, itemIndex, WHMCS);
	const destination = String(ctx.getNodeParameter('destination', itemIndex, DEFAULT_DESTINATION) ?? '').trim() || DEFAULT_DESTINATION;
	const chosen = DESTINATIONS.find((entry) => entry.value === destination);
	if (!chosen) {
		throw invalidParameterError(ctx.getNode(), 'Destination', `${quoteInput(destination)} is not a WHMCS destination`, itemIndex, WHMCS);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { userId?: unknown };
	return {
		clientId,
		fields: {
			client_id: clientId,
			user_id: readOptionalId(ctx, options.userId, 'User ID', USER_ID, itemIndex),
			destination,
			service_id: chosen.takes === 'service' ? getValidatedId(ctx, serviceIdParameter, itemIndex, WHMCS) : undefined,
			domain_id: chosen.takes === 'domain' ? getValidatedId(ctx, domainIdParameter, itemIndex, WHMCS) : undefined,
			sso_redirect_path: chosen.takes === 'path' ? readRedirectPath(ctx, itemIndex) : undefined,
		},
	};
}

async function mintClientAreaLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const { clientId, fields } = readSsoRequest(this, itemIndex);
	const answer = await apiRequest(this, whmcsApi, {
		method: 'POST',
		path: API_PATH,
		body: actionBody('CreateSsoToken', fields),
		bodyFormat: 'form',
		mints: true,
		schema: ssoTokenSchema,
		itemIndex,
	});
	return { url: answer.redirect_url, resourceId: clientId, expiresInSeconds: LINK_LIFETIME_SECONDS, singleUse: true };
}

/** One page of a WHMCS listing action: `limitstart` is the offset, `totalresults` the whole count. */
async function listPage<T>(
	ctx: RequestContext,
	action: string,
	fields: Record<string, string | undefined>,
	schema: ZodType<{ items: T[]; total?: number }, ZodTypeDef, unknown>,
	offset: number,
	limit: number,
	itemIndex = 0,
) {
	return await apiRequest(ctx, whmcsApi, {
		method: 'POST',
		path: API_PATH,
		body: actionBody(action, { ...fields, limitstart: offset, limitnum: limit }),
		bodyFormat: 'form',
		reads: true,
		schema,
		itemIndex,
	});
}

const clientsPage = (ctx: RequestContext, offset: number, limit: number, search: string | undefined, itemIndex = 0) =>
	listPage(ctx, 'GetClients', { search }, clientsPageSchema, offset, limit, itemIndex);

const servicesPage = (ctx: RequestContext, clientId: string, offset: number, limit: number, itemIndex = 0) =>
	listPage(ctx, 'GetClientsProducts', { clientid: clientId }, servicesPageSchema, offset, limit, itemIndex);

const domainsPage = (ctx: RequestContext, clientId: string, offset: number, limit: number) =>
	listPage(ctx, 'GetClientsDomains', { clientid: clientId }, domainsPageSchema, offset, limit);

/** Listing output never carries a password, secret or token WHMCS includes (a service's `password`). */
function safeItem(entry: IDataObject): IDataObject {
	return withoutSecretFields(entry);
}

export async function listClients(ctx: IExecuteFunctions, itemIndex: number, wanted: number | undefined): Promise<IDataObject[]> {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as { search?: string };
	const search = typeof filters.search === 'string' && filters.search.trim() ? filters.search.trim() : undefined;
	const clients = await collectPages<WhmcsClient>(
		ctx.getNode(),
		{
			provider: WHMCS,
			noun: 'clients',
			startsAt: 'offset',
			totalName: 'totalresults',
			maxPageSize: PAGE_SIZE,
			key: (entry) => entry.id,
			fetchPage: ({ offset, pageSize }) => clientsPage(ctx, offset, pageSize, search, itemIndex),
		},
		wanted,
		itemIndex,
	);
	return clients.map((entry) => safeItem(entry as IDataObject));
}

export async function listServices(ctx: IExecuteFunctions, itemIndex: number, wanted: number | undefined): Promise<IDataObject[]> {
	const clientId = getValidatedId(ctx, clientIdParameter, itemIndex, WHMCS);
	const services = await collectPages<WhmcsService>(
		ctx.getNode(),
		{
			provider: WHMCS,
			noun: 'services',
			startsAt: 'offset',
			totalName: 'totalresults',
			maxPageSize: PAGE_SIZE,
			key: (entry) => entry.id,
			fetchPage: ({ offset, pageSize }) => servicesPage(ctx, clientId, offset, pageSize, itemIndex),
		},
		wanted,
		itemIndex,
	);
	return services.map((entry) => safeItem(entry as IDataObject));
}

function clientLabel(entry: WhmcsClient): string {
	const name = [entry.firstname, entry.lastname].filter(Boolean).join(' ') || `Client ${entry.id}`;
	const company = entry.companyname ? `, ${entry.companyname}` : '';
	const email = entry.email ? ` <${entry.email}>` : '';
	return `${name}${company}${email} (#${entry.id})`;
}

function serviceLabel(entry: WhmcsService): string {
	const name = entry.name || `Service ${entry.id}`;
	const where = entry.domain ? ` — ${entry.domain}` : '';
	const status = entry.status ? `, ${entry.status}` : '';
	return `${name}${where} (#${entry.id}${status})`;
}

function domainLabel(entry: WhmcsDomain): string {
	const status = entry.status ? `, ${entry.status}` : '';
	return `${entry.domainname || `Domain ${entry.id}`} (#${entry.id}${status})`;
}

/** The client chosen in the editor, for the pickers of that client's services and domains. */
function chosenClient(ctx: ILoadOptionsFunctions, what: string): string {
	const value = ctx.getCurrentNodeParameter(clientIdParameter.name, { extractValue: true });
	const id = value === undefined || value === null ? '' : String(value).trim();
	if (!new RegExp(CLIENT_ID.pattern).test(id)) {
		throw new NodeOperationError(ctx.getNode(), `Choose the client first: the list shows that client's ${what}`);
	}
	return id;
}

/**
 * A picker page: results, and where the next starts while totalresults says
 * more follow. `filter` narrows a page by its labels, for the listings WHMCS
 * cannot search (a client's services and domains).
 */
function pickerPage<T>(
	page: { items: T[]; total?: number },
	offset: number,
	label: (entry: T) => string,
	value: (entry: T) => string,
	filter?: string,
) {
	const next = offset + page.items.length;
	const more = page.total === undefined ? page.items.length === PAGE_SIZE : next < page.total;
	const wanted = filter?.trim().toLowerCase();
	return {
		results: page.items
			.map((entry) => ({ name: label(entry), value: value(entry) }))
			.filter((entry) => !wanted || entry.name.toLowerCase().includes(wanted)),
		paginationToken: more && page.items.length > 0 ? String(next) : undefined,
	};
}

export const whmcsTarget: SsoTarget = {
	value: 'whmcs',
	displayName: 'WHMCS — Client Area',
	description: 'A one-time client-area login (60 seconds, skips CAPTCHA and two-factor authentication) for a WHMCS client',
	provider: WHMCS,
	target: 'clientArea',
	credentialType: whmcsApi.credentialType,
	properties: [clientIdProperty, destinationProperty, serviceIdProperty, domainIdProperty, redirectPathProperty, loginOptionsProperty],
	mint: mintClientAreaLink,
};

export const whmcs: ProviderModule = {
	provider: WHMCS,
	servicePackage: {
		node: 'Whmcs',
		credential: 'WhmcsApi',
		icon: 'whmcs',
		description: 'n8n node for WHMCS: list clients and their services, and mint one-time client-area login links.',
		keywords: ['whmcs', 'billing', 'client-area', 'hosting'],
	},
	credentialTests: whmcsCredentialTests,
	listSearch: {
		async searchWhmcsClients(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const offset = paginationToken ? Number(paginationToken) : 0;
			const page = await clientsPage(this, offset, PAGE_SIZE, filter?.trim() || undefined);
			return pickerPage(page, offset, clientLabel, (entry) => entry.id);
		},
		async searchWhmcsServices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const offset = paginationToken ? Number(paginationToken) : 0;
			const page = await servicesPage(this, chosenClient(this, 'services'), offset, PAGE_SIZE);
			return pickerPage(page, offset, serviceLabel, (entry) => entry.id, filter);
		},
		async searchWhmcsDomains(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const offset = paginationToken ? Number(paginationToken) : 0;
			const page = await domainsPage(this, chosenClient(this, 'domains'), offset, PAGE_SIZE);
			return pickerPage(page, offset, domainLabel, (entry) => entry.id, filter);
		},
	},
	ssoTargets: [whmcsTarget],
};
