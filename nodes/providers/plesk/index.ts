import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { invalidParameterError, quoteInput } from '../../shared/errors';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import { collectPages } from '../../shared/pagination';
import type { ProviderModule, RequestContext, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { withoutSecretFields } from '../../shared/schemas';
import { runCredentials } from '../../shared/runSettings';
import { apiRequest } from '../../shared/transport';
import { isHttpUrl } from '../../shared/urls';
import type { PleskCustomerInfo } from './api';
import {
	AGENT_PATH,
	LOGIN,
	PLESK,
	SESSION_INIT_PATH,
	createSessionPacket,
	customersPacket,
	customersSchema,
	pleskApi,
	pleskUrl,
	sessionSchema,
} from './api';
import { pleskCredentialTests } from './credentialTest';
import { isIpAddress } from './ip';
import { isXmlText } from './xml';

export const loginParameter = { name: 'login', displayName: 'Login', idFormat: LOGIN } as const;

export const loginProperty = resourceLocatorProperty({
	...loginParameter,
	description:
		"The Plesk user to log in as: a customer from the list, or By ID any Plesk login the credential may act for (a reseller's, or the administrator's own)",
	searchListMethod: 'searchPleskCustomers',
	resourceName: 'customer',
	listedBy: 'the Plesk node\'s Customer › Get Many lists customers (field "id")',
});

/** The expression README and the description give for a Webhook node's request. */
export const USER_IP_EXPRESSION = "{{ $('Webhook').item.json.headers['x-forwarded-for'].split(',')[0].trim() }}";

export const userIpProperty: INodeProperties = {
	displayName: 'User IP',
	name: 'userIp',
	type: 'string',
	default: '',
	required: true,
	placeholder: '203.0.113.7',
	description: `The IP address (IPv4 or IPv6) of the person who will open the link. Plesk binds the session to it: the link logs in only from that address, a browser elsewhere is refused. Behind a proxy, a Webhook node's request carries it in its X-Forwarded-For header: ${USER_IP_EXPRESSION} (the header may list several addresses, the first is the person's).`,
};

const sessionOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Page After Log-In',
			name: 'successRedirectUrl',
			type: 'string',
			default: '',
			placeholder: '/smb/web/view',
			description: 'A Plesk page to open after logging in, as a path on the server (e.g. /smb/web/view) or a full http(s) URL',
		},
		{
			displayName: 'Source Page',
			name: 'sourceServer',
			type: 'string',
			default: '',
			placeholder: 'https://support.example.com',
			description: 'Where the person came from: Plesk sends a browser that cannot use the link (another address) there',
		},
	],
};

/** A path on the Plesk server: starts with one slash, no spaces, quotes or angle brackets. */
const SERVER_PATH = /^\/(?!\/)[^\s"<>\\]*$/;

function readSessionRequest(ctx: IExecuteFunctions, itemIndex: number) {
	const login = getValidatedId(ctx, loginParameter, itemIndex, PLESK);
	const node = ctx.getNode();
	const rawIp = ctx.getNodeParameter('userIp', itemIndex, '') as unknown;
	const userIp = typeof rawIp === 'string' ? rawIp.trim() : typeof rawIp === 'number' ? String(rawIp) : '';
	if (userIp === '') {
		throw invalidParameterError(node, 'User IP', 'it is empty; Plesk binds the session to the address of the person who will open the link', itemIndex, PLESK);
	}
	if (!isIpAddress(userIp)) {
		const list = userIp.includes(',') ? " (a list of addresses: take the first, e.g. .split(',')[0].trim())" : '';
		throw invalidParameterError(node, 'User IP', `${quoteInput(userIp)} is not one IPv4 or IPv6 address${list}`, itemIndex, PLESK);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { successRedirectUrl?: unknown; sourceServer?: unknown };
	const redirect = typeof options.successRedirectUrl === 'string' ? options.successRedirectUrl.trim() : '';
	if (redirect && !isHttpUrl(redirect) && !SERVER_PATH.test(redirect)) {
		throw invalidParameterError(node, 'Page After Log-In', `${quoteInput(redirect)} is neither a path on the Plesk server (starting with /) nor an http(s) URL`, itemIndex, PLESK);
	}
	const source = typeof options.sourceServer === 'string' ? options.sourceServer.trim() : '';
	if (source && (source.length > 1024 || !isXmlText(source) || /[\r\n\t]/.test(source))) {
		throw invalidParameterError(node, 'Source Page', 'it holds line breaks or control characters, or is longer than 1024 characters', itemIndex, PLESK);
	}
	return { login, userIp, redirect: redirect || undefined, source: source || undefined };
}

async function mintSessionLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const { login, userIp, redirect, source } = readSessionRequest(this, itemIndex);
	const token = await apiRequest(this, pleskApi, {
		method: 'POST',
		path: AGENT_PATH,
		rawBody: { contentType: 'text/xml', text: createSessionPacket(login, userIp, source) },
		answer: 'text',
		// Plesk makes a session: repeated only on a 429, when it did not act.
		mints: true,
		schema: sessionSchema,
		itemIndex,
	});
	// The credential as the request read it: the link opens on the server that minted it.
	const credentials = await runCredentials(this, pleskApi.credentialType, itemIndex);
	const query = new URLSearchParams({ PLESKSESSID: token });
	if (redirect) query.set('success_redirect_url', redirect);
	// Plesk documents the token as single use and states no lifetime.
	return { url: `${pleskUrl(credentials)}${SESSION_INIT_PATH}?${query.toString()}`, resourceId: login, expiresAt: null, singleUse: true };
}

interface PleskCustomer {
	id?: string;
	info: PleskCustomerInfo;
}

/** Every customer the credential may see: Plesk answers them all at once, without pages. */
async function fetchCustomers(ctx: RequestContext, itemIndex = 0): Promise<PleskCustomer[]> {
	return await apiRequest(ctx, pleskApi, {
		method: 'POST',
		path: AGENT_PATH,
		rawBody: { contentType: 'text/xml', text: customersPacket() },
		answer: 'text',
		// Every call is a POST to one endpoint; this one only reads, so it is repeated like a GET.
		reads: true,
		schema: customersSchema,
		itemIndex,
	});
}

/** One output item per customer: its login as `id` (the Login parameter's value), Plesk's own id, nothing secret. */
function customerItem(entry: PleskCustomer): IDataObject {
	return { id: entry.info.login, customerId: entry.id ?? null, ...(withoutSecretFields(entry.info) as IDataObject) };
}

export async function listCustomers(ctx: IExecuteFunctions, itemIndex: number, wanted: number | undefined): Promise<IDataObject[]> {
	const customers = await collectPages<PleskCustomer>(
		ctx.getNode(),
		{
			provider: PLESK,
			noun: 'customers',
			startsAt: 'offset',
			// One answer holds every customer: the first "page" is the whole listing.
			maxPageSize: Number.MAX_SAFE_INTEGER,
			key: (entry) => entry.info.login,
			fetchPage: async () => {
				const all = await fetchCustomers(ctx, itemIndex);
				return { items: all, total: all.length };
			},
		},
		wanted,
		itemIndex,
	);
	return customers.map(customerItem);
}

/** Plesk's documented customer statuses; others are shown by number. */
const STATUS_WORDS: Readonly<Record<string, string>> = { '16': 'disabled by the administrator', '256': 'expired' };

function customerLabel({ info }: PleskCustomer): string {
	const name = [info.pname, info.cname].filter((part) => typeof part === 'string' && part.trim() !== '').join(', ');
	const status = info.status === undefined || info.status === '0' ? '' : ` (${STATUS_WORDS[info.status] ?? `status ${info.status}`})`;
	return `${info.login}${name ? ` — ${name}` : ''}${status}`;
}

export const pleskTarget: SsoTarget = {
	value: 'plesk',
	displayName: 'Plesk — Control Panel',
	description: "A single-use login link to Plesk as a customer (or any login), bound to the IP address of the person who opens it",
	provider: PLESK,
	target: 'controlPanel',
	credentialType: pleskApi.credentialType,
	properties: [loginProperty, userIpProperty, sessionOptionsProperty],
	mint: mintSessionLink,
};

export const plesk: ProviderModule = {
	provider: PLESK,
	servicePackage: {
		node: 'Plesk',
		credential: 'PleskApi',
		icon: 'plesk',
		description: 'n8n node for Plesk: list customers and mint single-use Plesk login links bound to the user\'s IP address.',
		keywords: ['plesk', 'control-panel', 'hosting'],
	},
	credentialTests: pleskCredentialTests,
	listSearch: {
		async searchPleskCustomers(this: ILoadOptionsFunctions, filter?: string) {
			const text = filter?.trim().toLowerCase() ?? '';
			// Plesk's API cannot search: it lists every customer at once, matched here.
			const customers = await fetchCustomers(this);
			const matches = customers.filter(({ info }) =>
				text === '' || [info.login, info.pname, info.cname, info.email].some((field) => typeof field === 'string' && field.toLowerCase().includes(text)),
			);
			return { results: matches.map((entry) => ({ name: customerLabel(entry), value: entry.info.login })) };
		},
	},
	ssoTargets: [pleskTarget],
};
