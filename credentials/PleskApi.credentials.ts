import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { allowUnauthorizedCertsProperty, withHeaders } from './authentication';

export class PleskApi implements ICredentialType {
	name = 'pleskApi';

	displayName = 'Plesk API';

	icon = { light: 'file:../icons/plesk.svg', dark: 'file:../icons/plesk.dark.svg' } as const;

	documentationUrl = 'https://docs.plesk.com/en-US/obsidian/api-rpc/about-xml-api.28709/';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://server.example.com:8443',
			description: "Plesk's address with its port, usually 8443; the XML API is /enterprise/control/agent.php below it",
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Login and Password', value: 'password', description: 'A Plesk administrator, reseller or customer, as they log in' },
				{ name: 'Secret Key', value: 'secretKey', description: 'A secret key made for the IP address n8n connects from' },
			],
			default: 'password',
		},
		{
			displayName: 'Login',
			name: 'login',
			type: 'string',
			default: 'admin',
			required: true,
			displayOptions: { show: { authentication: ['password'] } },
			description: 'The Plesk login: the administrator (admin) may log in as anyone, a reseller as itself and its customers, a customer as itself',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['secretKey'] } },
			description: "Made on the server with plesk bin secret_key -c -ip-address <n8n's address>; Plesk refuses it from any other address",
		},
		allowUnauthorizedCertsProperty,
	];

	// Plesk reads the login and password, or the secret key, from these headers only; never from the URL or the packet.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (credentials.authentication === 'secretKey') return withHeaders(requestOptions, { KEY: String(credentials.secretKey ?? '') });
		return withHeaders(requestOptions, {
			HTTP_AUTH_LOGIN: String(credentials.login ?? ''),
			HTTP_AUTH_PASSWD: String(credentials.password ?? ''),
		});
	}

	// No `test` here: n8n would run it instead of the nodes' `testedBy`
	// (pleskApiTest, nodes/providers/plesk/credentialTest.ts), and a declarative
	// test cannot read Plesk's errors, which come with HTTP 200.
}
