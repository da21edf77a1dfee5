import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { NO_REDIRECTS } from '../nodes/shared/urls';
import { withHeaders } from './authentication';

export class HostUpApi implements ICredentialType {
	name = 'hostUpApi';

	displayName = 'HostUp API';

	icon = { light: 'file:../icons/hostUp.svg', dark: 'file:../icons/hostUp.dark.svg' } as const;

	documentationUrl = 'https://developer.hostup.se/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'An API key from the HostUp control panel. Listing needs the read:hosting scope (WordPress sites also console:services); login links need write:hosting and console:services.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://cloud.hostup.se',
			description: 'Change only to reach a HostUp test environment or a proxy',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withHeaders(requestOptions, { Authorization: `Bearer ${String(credentials.apiKey ?? '')}` });
	}

	// Listing one account needs only read:hosting, the smallest scope any key has.
	test: ICredentialTestRequest = {
		request: {
			...NO_REDIRECTS,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v2/shared-hosting',
			qs: { limit: 1 },
		},
	};
}
