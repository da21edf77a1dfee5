import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { NO_REDIRECTS } from '../nodes/shared/urls';
import { allowUnauthorizedCertsProperty, withHeaders } from './authentication';

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
		allowUnauthorizedCertsProperty,
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
			...NO_REDIRECTS,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/installs',
			qs: { limit: 1 },
			headers: { Accept: 'application/json' },
			skipSslCertificateValidation: '={{$credentials.allowUnauthorizedCerts}}' as unknown as boolean,
		},
	};
}
