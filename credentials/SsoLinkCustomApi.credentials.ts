import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { withHeaders } from './authentication';

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
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const key = String(credentials.apiKey ?? '');
		const location = String(credentials.keyLocation ?? 'bearer');
		if (location === 'query') {
			const name = String(credentials.queryName || 'api_key');
			return { ...requestOptions, qs: { ...requestOptions.qs, [name]: key } };
		}
		const header = location === 'header' ? String(credentials.headerName || 'X-API-Key') : 'Authorization';
		return withHeaders(requestOptions, { [header]: location === 'header' ? key : `Bearer ${key}` });
	}

	// Any HTTP answer proves the base URL is reachable (an API root often
	// answers 404); whether the key works shows on the first link, since SSO
	// APIs rarely have a harmless call to test with.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
	};
}
