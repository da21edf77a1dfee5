import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { allowUnauthorizedCertsProperty, withHeaders } from './authentication';

export class DirectAdminApi implements ICredentialType {
	name = 'directAdminApi';

	displayName = 'DirectAdmin API';

	icon = { light: 'file:../icons/directAdmin.svg', dark: 'file:../icons/directAdmin.dark.svg' } as const;

	documentationUrl = 'https://docs.directadmin.com/developer/api/';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://server.example.com:2222',
			description: "DirectAdmin's address with its port, usually 2222",
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: 'admin',
			required: true,
			description: 'Your own DirectAdmin user name: an administrator (who can log in as any user) or a reseller (who can log in as the users it created)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"That user's password or, better, a Login Key made by that user under Login Keys (it can be limited to this n8n's IP address and to the commands the node uses)",
		},
		allowUnauthorizedCertsProperty,
	];

	// HTTP Basic, as DirectAdmin's API takes it. For a login link the node
	// authenticates one request as `{username}|{user}` (DirectAdmin's login-as),
	// with the same password; the password never goes into a URL.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const username = String(credentials.username ?? '').trim();
		const basic = Buffer.from(`${username}:${String(credentials.password ?? '')}`).toString('base64');
		return withHeaders(requestOptions, { Authorization: `Basic ${basic}` });
	}

	// No `test` here: n8n would run it instead of the nodes' `testedBy`
	// (directAdminApiTest, nodes/providers/directAdmin/credentialTest.ts), and a
	// declarative test cannot tell a wrong port's web page from DirectAdmin's API.
}
