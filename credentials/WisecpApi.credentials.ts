import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
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

	// No `test` here: n8n would run it instead of the nodes' `testedBy`
	// (wisecpApiTest, nodes/providers/wisecp/credentialTest.ts), and a declarative
	// test judges only HTTP statuses and exact values, while WISECP answers a
	// wrong key, or a key without the action, with any status, even 200.
}
