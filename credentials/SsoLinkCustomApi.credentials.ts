import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { NO_REDIRECTS } from '../nodes/shared/urls';
import { namedValues } from '../nodes/shared/namedValues';

import { withBodyFields, withHeaders, withQuery } from './authentication';

/** For the SSO Link node's "Custom" provider: any SSO API this package does not know yet. */
export class SsoLinkCustomApi implements ICredentialType {
	name = 'ssoLinkCustomApi';

	displayName = 'SSO Link Custom API';

	icon = { light: 'file:../icons/ssoLink.svg', dark: 'file:../icons/ssoLink.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-sso-link/n8n-nodes-sso-link#custom-provider';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://billing.example.com',
			description: "The API's address; the node's Path is appended to it",
		},
		{
			displayName: 'Send Key As',
			name: 'keyLocation',
			type: 'options',
			options: [
				{ name: 'Bearer Token', value: 'bearer', description: 'Authorization: Bearer <key>' },
				{ name: 'Header', value: 'header', description: 'A header of your choice, e.g. X-API-Key or Authorization' },
				{ name: 'Query Parameter', value: 'query', description: 'A query-string parameter of your choice' },
				{
					name: 'None',
					value: 'none',
					description: 'No key: the API authenticates with the secret fields below only',
				},
			],
			default: 'bearer',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-API-Key',
			displayOptions: { show: { keyLocation: ['header'] } },
		},
		{
			displayName: 'Query Parameter Name',
			name: 'queryName',
			type: 'string',
			default: 'api_key',
			displayOptions: { show: { keyLocation: ['query'] } },
		},
		{
			displayName: 'Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The API key or token, sent as chosen above. For a header, the whole header value (e.g. "whm root:TOKEN" for cPanel/WHM).',
			displayOptions: { hide: { keyLocation: ['none'] } },
		},
		// Secrets the API wants in the body or the query (WHMCS: identifier and
		// secret form fields) belong here, not in the node's Body or Query
		// Parameters: a workflow stores those in plain text and shows them.
		// Same form as n8n's own Multiple Headers Auth credential; n8n masks and
		// blanks each Value like a password field.
		{
			displayName: 'Secret Body Fields',
			name: 'bodyFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Secret Body Field',
			default: {},
			description:
				'Fields added to the body of every request (JSON or form-encoded, as the node sends it; POST only), e.g. WHMCS "identifier" and "secret". Their values never appear in an error.',
			options: [
				{
					displayName: 'Field',
					name: 'values',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'secret' },
						{ displayName: 'Value', name: 'value', type: 'string', typeOptions: { password: true }, default: '' },
					],
				},
			],
		},
		{
			displayName: 'Secret Query Parameters',
			name: 'queryParameters',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Secret Query Parameter',
			default: {},
			description: 'Query-string parameters added to every request, the test included. Their values never appear in an error.',
			options: [
				{
					displayName: 'Parameter',
					name: 'values',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'token' },
						{ displayName: 'Value', name: 'value', type: 'string', typeOptions: { password: true }, default: '' },
					],
				},
			],
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const withSecrets = withBodyFields(
			withQuery(requestOptions, namedValues(credentials.queryParameters)),
			namedValues(credentials.bodyFields),
		);
		const key = String(credentials.apiKey ?? '');
		const location = String(credentials.keyLocation ?? 'bearer');
		if (location === 'none') return withSecrets;
		if (location === 'query') {
			const name = String(credentials.queryName || 'api_key');
			return withQuery(withSecrets, [{ name, value: key }]);
		}
		const header = location === 'header' ? String(credentials.headerName || 'X-API-Key') : 'Authorization';
		return withHeaders(withSecrets, { [header]: location === 'header' ? key : `Bearer ${key}` });
	}

	// Any HTTP answer proves the base URL is reachable (an API root often
	// answers 404); whether the key works shows on the first link, since SSO
	// APIs rarely have a harmless call to test with.
	test: ICredentialTestRequest = {
		request: {
			...NO_REDIRECTS,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
	};
}
