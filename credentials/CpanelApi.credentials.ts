import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { allowUnauthorizedCertsProperty, withHeaders } from './authentication';

export class CpanelApi implements ICredentialType {
	name = 'cpanelApi';

	displayName = 'cPanel & WHM API';

	icon = { light: 'file:../icons/cpanel.svg', dark: 'file:../icons/cpanel.dark.svg' } as const;

	documentationUrl = 'https://api.docs.cpanel.net/whm/introduction/';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://server.example.com:2087',
			description: "WHM's address with its port, 2087 (not cPanel's 2083)",
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: 'root',
			required: true,
			description: 'The WHM user the API token belongs to: root, or a reseller (who can act only on the accounts it owns)',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "Made in WHM under Development › Manage API Tokens, by this user; it needs the list-accts and create-user-session privileges",
		},
		allowUnauthorizedCertsProperty,
	];

	// WHM's API token header; the token never goes into a URL.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const username = String(credentials.username ?? '').trim() || 'root';
		return withHeaders(requestOptions, { Authorization: `whm ${username}:${String(credentials.apiToken ?? '')}` });
	}

	// No `test` here: n8n would run it instead of the nodes' `testedBy`
	// (cpanelApiTest, nodes/providers/cpanel/credentialTest.ts), and a declarative
	// test cannot read WHM's reasons, which come with HTTP 200.
}
