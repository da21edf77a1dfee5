import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { TRANSPORT_CODES, invalidParameterError } from '../../shared/errors';
import type { ProviderFailure } from '../../shared/errors';
import type { ProviderApi, ProviderIdentity, ProviderModule, RawResponse, SsoTarget } from '../../shared/provider';
import { namedValues } from '../../shared/namedValues';
import type { MintedLink } from '../../shared/schemas';
import { runCredentials } from '../../shared/runSettings';
import { CUSTOMER_SERVER } from '../../shared/gate';
import { apiRequest, providerError } from '../../shared/transport';
import { isHttpUrl, trimBaseUrl } from '../../shared/urls';

/** Who this provider is in outputs (`provider: 'custom'`) and messages. */
export const CUSTOM: ProviderIdentity = { id: 'custom', displayName: 'Provider' };

/**
 * The "Custom" provider: any SSO API the package does not know yet (WHMCS
 * CreateSsoToken, cPanel create_user_session, …). The user says where the
 * request goes and where the answer keeps the link; the request goes through
 * the same transport, so the same retry and error rules apply.
 */

/** Reads `a.b.0.c` from parsed JSON. */
export function valueAtPath(value: unknown, path: string): unknown {
	let current = value;
	for (const part of path.split('.').filter(Boolean)) {
		if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

interface ResponseMapping {
	urlPath: string;
	expiresInPath?: string;
	expiresAtPath?: string;
	singleUsePath?: string;
	singleUse?: 'unknown' | 'true' | 'false';
	successPath?: string;
	successValue?: string;
	errorMessagePath?: string;
	errorCodePath?: string;
}

const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'GET', value: 'GET' },
			{ name: 'POST', value: 'POST' },
		],
		default: 'POST',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/includes/api.php',
		description: "Appended to the credential's base URL",
	},
	{
		displayName: 'Query Parameters',
		name: 'query',
		type: 'json',
		default: '{}',
		description: 'A JSON object of query-string parameters, e.g. {"api.version": 1, "user": "bob"}',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'json',
		default: '{}',
		description: 'A JSON object sent as the request body (POST only)',
		displayOptions: { show: { method: ['POST'] } },
	},
	{
		displayName: 'Body Format',
		name: 'bodyFormat',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json' },
			{ name: 'Form-Encoded', value: 'form' },
		],
		default: 'json',
		displayOptions: { show: { method: ['POST'] } },
	},
	{
		displayName: 'Link Path',
		name: 'urlPath',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'redirect_url',
		description: 'Where the answer keeps the login URL, as a dot path (e.g. redirect_url, data.link)',
	},
	{
		displayName: 'Resource ID',
		name: 'resourceId',
		type: 'string',
		default: '',
		description: 'What the link logs into (client, user, site), for the output\'s resourceId. Optional.',
	},
	{
		displayName: 'Response',
		name: 'response',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{
				displayName: 'Error Code Path',
				name: 'errorCodePath',
				type: 'string',
				default: '',
				placeholder: 'error.code',
				description: "Dot path of the provider's error code",
			},
			{
				displayName: 'Error Message Path',
				name: 'errorMessagePath',
				type: 'string',
				default: '',
				placeholder: 'message',
				description: "Dot path of the provider's error message (e.g. message, metadata.reason)",
			},
			{
				displayName: 'Expires At Path',
				name: 'expiresAtPath',
				type: 'string',
				default: '',
				placeholder: 'data.expires',
				description: 'Dot path of the expiry time: ISO 8601, or epoch seconds',
			},
			{
				displayName: 'Lifetime Path',
				name: 'expiresInPath',
				type: 'string',
				default: '',
				placeholder: 'expires_in',
				description: "Dot path of the link's lifetime in seconds",
			},
			{
				displayName: 'Single Use',
				name: 'singleUse',
				type: 'options',
				options: [
					{ name: 'Unknown', value: 'unknown' },
					{ name: 'Yes', value: 'true' },
					{ name: 'No', value: 'false' },
				],
				default: 'unknown',
				description: 'Whether the link works only once, as the provider documents it (when no path says)',
			},
			{
				displayName: 'Single Use Path',
				name: 'singleUsePath',
				type: 'string',
				default: '',
				description: 'Dot path of a true/false single-use flag',
			},
			{
				displayName: 'Success Path',
				name: 'successPath',
				type: 'string',
				default: '',
				placeholder: 'result',
				description:
					'For APIs that report failure with HTTP 200: dot path of a field that must equal Success Value (e.g. result = success, metadata.result = 1)',
			},
			{
				displayName: 'Success Value',
				name: 'successValue',
				type: 'string',
				default: '',
				placeholder: 'success',
			},
		],
	},
];

function parseJsonObject(ctx: IExecuteFunctions, name: string, displayName: string, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter(name, itemIndex, '{}') as unknown;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch {
			throw invalidParameterError(ctx.getNode(), displayName, 'it is not valid JSON', itemIndex, CUSTOM);
		}
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw invalidParameterError(ctx.getNode(), displayName, 'it must be a JSON object', itemIndex, CUSTOM);
	}
	return value as IDataObject;
}

function textAt(json: unknown, path: string | undefined): string | undefined {
	if (!path) return undefined;
	const value = valueAtPath(json, path);
	return value === undefined || value === null || typeof value === 'object' ? undefined : String(value);
}

/** The transport's view of this one request: errors read where the user said. */
function customApi(mapping: ResponseMapping): ProviderApi {
	return {
		provider: CUSTOM,
		credentialType: 'ssoLinkCustomApi',
		baseUrl: (credentials) => trimBaseUrl(credentials.baseUrl),
		secretFields: ['apiKey'],
		secretValues: (credentials) =>
			[...namedValues(credentials.bodyFields), ...namedValues(credentials.queryParameters)].map((pair) => pair.value),
		// Most SSO APIs (WHMCS, cPanel, …) run on the customer's own server.
		traffic: CUSTOMER_SERVER,
		parseFailure(response: RawResponse): ProviderFailure | undefined {
			const ok = response.status >= 200 && response.status < 300;
			// A 2xx that is not JSON is the transport's "invalid response", as for every provider.
			if (ok && response.json === undefined) return undefined;
			const succeeded =
				!mapping.successPath || textAt(response.json, mapping.successPath) === (mapping.successValue ?? '');
			if (ok && succeeded) return undefined;
			const message = textAt(response.json, mapping.errorMessagePath);
			return {
				provider: CUSTOM,
				code: textAt(response.json, mapping.errorCodePath) ?? TRANSPORT_CODES.http(response.status),
				httpCode: response.status,
				message:
					message ??
					(ok
						? `The provider answered without success (${mapping.successPath} is not "${mapping.successValue ?? ''}")`
						: `The provider answered HTTP ${response.status}`),
			};
		},
	};
}

/** A count of seconds as an API writes it: a number, or a string of digits. */
function secondsIn(value: unknown): number | null {
	const seconds =
		typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
	return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/**
 * The answer's expiry: epoch seconds (a number or digits) become an ISO time,
 * other text goes to the normalizer, which reads ISO 8601 or counts it as not
 * given. An epoch no date can hold is not given either: the link is minted
 * and must not be lost over it.
 */
function expiryIn(value: unknown): string | null {
	if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value))) {
		const at = new Date(Number(value) * 1000);
		return Number.isNaN(at.getTime()) ? null : at.toISOString();
	}
	return typeof value === 'string' ? value : null;
}

/** Any JSON object or array: the Link Path is looked up in it. */
const jsonBody = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);

async function mintCustomLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const method = this.getNodeParameter('method', itemIndex, 'POST') as 'GET' | 'POST';
	const path = String(this.getNodeParameter('path', itemIndex, '')).trim();
	if (!/^\/?[^\s]*$/.test(path) || /^[a-z]+:\/\//i.test(path)) {
		throw invalidParameterError(this.getNode(), 'Path', 'use a path such as /includes/api.php', itemIndex, CUSTOM);
	}
	const mapping = {
		urlPath: String(this.getNodeParameter('urlPath', itemIndex, '')).trim(),
		...(this.getNodeParameter('response', itemIndex, {}) as Omit<ResponseMapping, 'urlPath'>),
	};
	if (!mapping.urlPath) throw invalidParameterError(this.getNode(), 'Link Path', 'it is empty', itemIndex, CUSTOM);
	const qs = parseJsonObject(this, 'query', 'Query Parameters', itemIndex);
	const body = method === 'POST' ? parseJsonObject(this, 'body', 'Body', itemIndex) : undefined;
	const bodyFormat = method === 'POST' ? (this.getNodeParameter('bodyFormat', itemIndex, 'json') as 'json' | 'form') : undefined;
	if (method === 'GET') {
		const credentials = await runCredentials(this, 'ssoLinkCustomApi', itemIndex);
		if (namedValues(credentials.bodyFields).length) {
			// A GET has no body, so they would not be sent, and the API would refuse the request.
			throw invalidParameterError(
				this.getNode(),
				'Method',
				'the credential has Secret Body Fields, which only a POST sends; use POST, or move them to Secret Query Parameters',
				itemIndex,
				CUSTOM,
			);
		}
	}

	const api = customApi(mapping);
	const answer = await apiRequest(this, api, {
		method,
		path: path.startsWith('/') ? path : `/${path}`,
		qs,
		body,
		bodyFormat,
		// Every request of this provider mints a link: never repeat one the provider may have acted on.
		mints: true,
		schema: jsonBody,
		itemIndex,
	});

	const url = valueAtPath(answer, mapping.urlPath);
	if (typeof url !== 'string' || !isHttpUrl(url)) {
		throw await providerError(
			this,
			api,
			{
				provider: CUSTOM,
				code: TRANSPORT_CODES.invalidResponse,
				httpCode: 200,
				message: `The answer has no http(s) URL at "${mapping.urlPath}"`,
				description: 'Check "Link Path" against what the provider returns.',
			},
			itemIndex,
		);
	}
	// Read when present and valid, null otherwise (README, "The link output").
	const expiresAt = mapping.expiresAtPath ? expiryIn(valueAtPath(answer, mapping.expiresAtPath)) : null;
	const lifetime = mapping.expiresInPath ? secondsIn(valueAtPath(answer, mapping.expiresInPath)) : null;
	const singleUseFlag = mapping.singleUsePath ? valueAtPath(answer, mapping.singleUsePath) : undefined;
	const singleUse =
		typeof singleUseFlag === 'boolean'
			? singleUseFlag
			: mapping.singleUse === 'true'
				? true
				: mapping.singleUse === 'false'
					? false
					: null;
	const resourceId = String(this.getNodeParameter('resourceId', itemIndex, '') ?? '').trim();
	return {
		url,
		resourceId: resourceId || null,
		expiresAt,
		expiresInSeconds: lifetime,
		singleUse,
	};
}

export const customTarget: SsoTarget = {
		value: 'custom',
		displayName: 'Custom (Any SSO API)',
		description: 'Any SSO API this package does not know yet, e.g. WHMCS CreateSsoToken or cPanel create_user_session',
		provider: CUSTOM,
		target: 'custom',
		credentialType: 'ssoLinkCustomApi',
		properties,
		mint: mintCustomLink,
};

export const custom: ProviderModule = {
	provider: CUSTOM,
	listSearch: {},
	ssoTargets: [customTarget],
};
