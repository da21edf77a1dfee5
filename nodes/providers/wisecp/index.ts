import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, getProviderErrorContext, invalidParameterError, quoteInput } from '../../shared/errors';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import type { ProviderModule, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { apiRequest } from '../../shared/transport';
import { isHttpUrl } from '../../shared/urls';
import {
	CLIENTS_MAX_PAGE_SIZE,
	LINK_LIFETIME_SECONDS,
	USER_ID,
	WISECP,
	clientsPageSchema,
	paths,
	ssoTokenSchema,
	wisecpApi,
	wisecpRestApi,
} from './api';
import type { WisecpClient } from './api';
import { wisecpCredentialTests } from './credentialTest';
import { CUSTOM_URL_DESTINATION, DESTINATIONS, DESTINATIONS_WITH_VALUES } from './destinations';

export const userIdParameter = { name: 'userId', displayName: 'User', idFormat: USER_ID } as const;

export const userIdProperty = resourceLocatorProperty({
	...userIdParameter,
	description: "The client (user) to log in as: the client's ID in WISECP",
	searchListMethod: 'searchWisecpClients',
	resourceName: 'client',
	listedBy: "WISECP's admin area shows it on the client's page, and the list here offers the clients where WISECP's REST API is installed",
});

const destinationProperty: INodeProperties = {
	displayName: 'Destination',
	name: 'destination',
	type: 'options',
	default: 'my-account',
	description: 'Where the client lands after logging in',
	options: [
		...DESTINATIONS.map((entry) => ({
			name: `${entry.group} › ${entry.name}`,
			value: entry.value,
			description: entry.values ? `${entry.value} — takes ${entry.values}` : entry.value,
		})),
		{ name: 'Custom URL', value: CUSTOM_URL_DESTINATION, description: 'A URL of your own' },
	].sort((a, b) => a.name.localeCompare(b.name)),
};

const destinationUrlProperty: INodeProperties = {
	displayName: 'Destination URL',
	name: 'destinationUrl',
	type: 'string',
	default: '',
	// Not `required`: with Destination set by an expression n8n cannot tell
	// whether this field shows, and would refuse to run. Checked at run time.
	placeholder: 'https://example.com/my-account',
	description: 'The http(s) URL the client lands on',
	displayOptions: { show: { destination: [CUSTOM_URL_DESTINATION] } },
};

const destinationValuesProperty: INodeProperties = {
	displayName: 'Destination Values',
	name: 'destinationValues',
	type: 'string',
	default: '',
	placeholder: 'hosting, 12',
	description:
		"The values this destination takes, separated by commas: the record's ID for a detail page (invoice, ticket, message, service), a category or page route, a product group, or for Order Steps the product group and the product ID. An expression may also give an array.",
	displayOptions: { show: { destination: DESTINATIONS_WITH_VALUES } },
};

const DESTINATION_VALUES = new Set(DESTINATIONS.map((entry) => entry.value));

/** The SSO request body for one item, checked before anything is sent. */
function readSsoRequest(ctx: IExecuteFunctions, itemIndex: number) {
	const userId = Number(getValidatedId(ctx, userIdParameter, itemIndex, WISECP));
	const chosen = String(ctx.getNodeParameter('destination', itemIndex, 'my-account') ?? '').trim();
	if (chosen === CUSTOM_URL_DESTINATION) {
		const url = String(ctx.getNodeParameter('destinationUrl', itemIndex, '')).trim();
		if (!isHttpUrl(url)) {
			throw invalidParameterError(ctx.getNode(), 'Destination URL', 'use an http(s) URL', itemIndex, WISECP);
		}
		return { user_id: userId, destination: url };
	}
	if (chosen && !DESTINATION_VALUES.has(chosen)) {
		throw invalidParameterError(ctx.getNode(), 'Destination', `${quoteInput(chosen)} is not a WISECP destination`, itemIndex, WISECP);
	}
	if (!DESTINATIONS_WITH_VALUES.includes(chosen)) return { user_id: userId, destination: chosen };
	const raw = ctx.getNodeParameter('destinationValues', itemIndex, '') as unknown;
	const values = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
		.map((value) => value.trim())
		.filter(Boolean);
	return { user_id: userId, destination: chosen, destination_values: values };
}

async function mintClientAreaLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const body = readSsoRequest(this, itemIndex);
	const { data } = await apiRequest(this, wisecpApi, {
		method: 'POST',
		path: paths.ssoAction,
		body,
		schema: ssoTokenSchema,
		itemIndex,
	});
	return {
		url: data.url,
		resourceId: String(body.user_id),
		expiresInSeconds: LINK_LIFETIME_SECONDS,
		singleUse: true,
	};
}

function clientLabel(entry: WisecpClient): string {
	const name = entry.full_name || `Client ${entry.id}`;
	const company = entry.company_name ? `, ${entry.company_name}` : '';
	const email = entry.email ? ` <${entry.email}>` : '';
	return `${name}${company}${email} (#${entry.id})`;
}

export const wisecpTarget: SsoTarget = {
		value: 'wisecp',
		displayName: 'WISECP — Client Area',
		description: 'A one-time client-area login (60 seconds, skips 2FA and CAPTCHA) for a WISECP client',
		provider: WISECP,
		target: 'clientArea',
		credentialType: wisecpApi.credentialType,
		properties: [userIdProperty, destinationProperty, destinationUrlProperty, destinationValuesProperty],
		mint: mintClientAreaLink,
};

export const wisecp: ProviderModule = {
	provider: WISECP,
	servicePackage: {
		node: 'Wisecp',
		credential: 'WisecpApi',
		icon: 'wisecp',
		description: 'n8n node for WISECP: mint one-time client-area login links for clients.',
		keywords: ['wisecp', 'billing', 'client-area', 'hosting'],
	},
	credentialTests: wisecpCredentialTests,
	listSearch: {
		async searchWisecpClients(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
			const page = paginationToken ? Number(paginationToken) : 1;
			try {
				const result = await apiRequest(this, wisecpRestApi, {
					method: 'GET',
					path: paths.clients,
					qs: { page, limit: CLIENTS_MAX_PAGE_SIZE, ...(filter ? { search: filter } : {}) },
					schema: clientsPageSchema,
				});
				const last = result.meta?.total_pages ?? (result.data.length < CLIENTS_MAX_PAGE_SIZE ? page : page + 1);
				return {
					results: result.data.map((entry) => ({ name: clientLabel(entry), value: String(entry.id) })),
					paginationToken: page < last ? String(page + 1) : undefined,
				};
			} catch (error) {
				// The list is a convenience of newer WISECP versions; say why it is empty.
				if (getProviderErrorContext(error)?.providerCode === 'rest_api_unavailable') {
					throw new NodeOperationError(
						this.getNode(),
						'This WISECP has no client list (its REST API, /api/v1, is not installed). Enter the user ID "By ID".',
					);
				}
				throw asNodeError(this.getNode(), error);
			}
		},
	},
	ssoTargets: [wisecpTarget],
};
