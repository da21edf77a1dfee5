import type {
	IHttpRequestOptions,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { NO_REDIRECTS, trimBaseUrl } from '../nodes/shared/urls';

import { withHeaders } from './authentication';

const DEFAULT_BASE_URL = 'https://services.mailup.com';

/**
 * MailUp uses OAuth2's Resource Owner Password Grant, which n8n's OAuth2
 * credential does not offer. `preAuthentication` fetches the access token into
 * the hidden, expirable `accessToken`; n8n stores it with the credential (so
 * every execution and every queue-mode worker reuses it) and, when a call
 * answers 401, runs `preAuthentication` again once and repeats the call.
 *
 * It always uses the password grant: the credential holds the password anyway,
 * and MailUp's refresh tokens rotate, so two workers refreshing at once would
 * invalidate each other's.
 */
export class MailUpApi implements ICredentialType {
	name = 'mailUpApi';

	displayName = 'MailUp API';

	icon = { light: 'file:../icons/mailUp.svg', dark: 'file:../icons/mailUp.dark.svg' } as const;

	documentationUrl = 'https://help.mailup.com/display/mailupapi/Authenticating+with+OAuth+v2';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'From MailUp: Settings › Account settings › Developer\'s corner › Codes for the REST API',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'm12345',
			description: 'The MailUp console username the links log in as',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: 'The token endpoint and the API hang off it. Change it only for a proxy or a test server.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const base = trimBaseUrl(credentials.baseUrl, DEFAULT_BASE_URL);
		const clientId = String(credentials.clientId ?? '');
		const clientSecret = String(credentials.clientSecret ?? '');
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${base}/Authorization/OAuth/Token`,
			headers: {
				// MailUp's own samples send the client in a Basic header as well as in the form.
				Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: new URLSearchParams({
				grant_type: 'password',
				client_id: clientId,
				client_secret: clientSecret,
				username: String(credentials.username ?? ''),
				password: String(credentials.password ?? ''),
			}).toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
			// The client secret and the password are in this request: never on to where a redirect points.
			...NO_REDIRECTS,
		})) as { statusCode: number; body: unknown };
		const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<string, unknown>;
		if (response.statusCode >= 200 && response.statusCode < 300 && typeof body.access_token === 'string') {
			return { accessToken: body.access_token };
		}
		// Only the OAuth error fields: the request (with the password) stays out of it.
		throw Object.assign(new Error('MailUp did not issue an access token'), {
			mailUpTokenError: {
				status: response.statusCode,
				error: typeof body.error === 'string' ? body.error : undefined,
				description: typeof body.error_description === 'string' ? body.error_description : undefined,
			},
		});
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withHeaders(requestOptions, { Authorization: `Bearer ${String(credentials.accessToken ?? '')}` });
	}

	test: ICredentialTestRequest = {
		request: {
			...NO_REDIRECTS,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/API/v1.1/Rest/ConsoleService.svc',
			url: '/Console/Authentication/Info',
			headers: { Accept: 'application/json' },
		},
	};
}
