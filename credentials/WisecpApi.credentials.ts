import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { withHeaders } from './authentication';

export class WisecpApi implements ICredentialType {
	name = 'wisecpApi';

	displayName = 'WISECP API';

	icon = { light: 'file:../icons/wisecp.svg', dark: 'file:../icons/wisecp.dark.svg' } as const;

	documentationUrl = 'https://docs.wisecp.com/en/kb/api';

	properties: INodeProperties[] = [
		{
			displayName: 'API URL',
			name: 'apiUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/api/',
			description:
				'As WISECP shows it under Settings › General › API, e.g. https://example.com/api/ or https://example.com/index.php/api/ (the trailing slash is optional)',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The API key from Settings › General › API. It must be allowed the Clients/CreateClientSsoToken action and the IP address n8n connects from.',
		},
	];

	// `Apikey` is the documented legacy API's header; the newer REST API
	// (/api/v1, the client list) takes the same key as a Bearer token.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const key = String(credentials.apiKey ?? '');
		return withHeaders(requestOptions, { Apikey: key, Authorization: `Bearer ${key}` });
	}

	// The legacy API has no read-only action. User 0 never exists, so this mints
	// nothing: a working key answers 200 (`{ status: "error", … }`), a wrong key
	// 401, and a wrong URL a 404 page — so the test tells the two apart.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiUrl.replace(/\\/+$/, "")}}',
			url: '/Clients/CreateClientSsoToken',
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: { user_id: 0 },
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'WISECP rejected the API key' } },
			{ type: 'responseCode', properties: { value: 403, message: 'WISECP refused this key or the IP address n8n connects from' } },
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No WISECP API at this URL: copy the API URL from WISECP, Settings › General › API',
				},
			},
		],
	};
}
