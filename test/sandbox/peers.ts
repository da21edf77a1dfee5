import type { ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * Two SSO APIs this package has no node for, shaped as their public documentation describes them (README, "Custom provider")
 * describe them, to test the SSO Link node's Custom provider:
 *
 * - WHMCS `CreateSsoToken` (`POST /includes/api.php`, form fields, answers
 *   `{ result, access_token, redirect_url }` or `{ result: "error", message }`
 *   with HTTP 200). As WHMCS does, it authenticates the API credential's
 *   `identifier` and `secret` form fields, and accepts calls only from allowed
 *   IP addresses unless they carry the `accesskey` (query or form), which
 *   lifts that restriction and nothing else; `ipAllowed` allows the caller's.
 * - cPanel/WHM `create_user_session` (`GET /json-api/create_user_session`,
 *   `Authorization: whm user:TOKEN`, answers `{ metadata: { result, reason },
 *   data: { url, session, expires } }`; a failure is `metadata.result: 0`).
 */

/** The API access key of the sandbox WHMCS's configuration.php: lifts the IP restriction only. */
export const WHMCS_KEY = 'whmcs_sandbox_accesskey_0123456789';
/** An API credential (Configuration › System Settings › Manage API Credentials) allowed CreateSsoToken. */
export const WHMCS_API_CREDENTIAL = {
	identifier: 'whmcsSandboxIdentifier0123456789ABCDEF',
	secret: 'whmcsSandboxSecret0123456789abcdefABCDEF',
} as const;
export const WHM_TOKEN = 'WHMSANDBOXTOKEN0123456789ABCDEF';

/** The Custom credential (ssoLinkCustomApi) for the sandbox WHMCS, as README's WHMCS recipe sets it up. */
export function whmcsCredentialData(baseUrl: string) {
	return {
		baseUrl,
		keyLocation: 'query',
		queryName: 'accesskey',
		apiKey: WHMCS_KEY,
		bodyFields: {
			values: [
				{ name: 'identifier', value: WHMCS_API_CREDENTIAL.identifier },
				{ name: 'secret', value: WHMCS_API_CREDENTIAL.secret },
			],
		},
	};
}

export class WhmcsSandbox implements ProviderSandbox {
	readonly prefix = 'whmcs';

	/** Authenticated calls, in order, without `identifier`, `secret` and `accesskey`. */
	calls: Array<Record<string, unknown>> = [];

	/** True: the caller's IP is in WHMCS's allowed list, so no access key is needed. */
	ipAllowed = false;

	reset(): void {
		this.calls = [];
		this.ipAllowed = false;
	}

	errorBody(status: number, _code: string, message: string): SandboxResponse {
		return { status, body: { result: 'error', message } };
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		if (request.method !== 'POST' || request.path !== '/includes/api.php') {
			return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not Found</h1>' };
		}
		// PHP's $_POST: only a form body has fields.
		const isForm = String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
		const { identifier, secret, accesskey, ...form } = (isForm ? (request.body ?? {}) : {}) as Record<string, string>;
		// WHMCS checks the caller's IP before the credential.
		if (!this.ipAllowed && (request.query.get('accesskey') ?? accesskey) !== WHMCS_KEY) {
			return { status: 200, body: { result: 'error', message: 'Invalid IP 127.0.0.1' } };
		}
		if (identifier !== WHMCS_API_CREDENTIAL.identifier || secret !== WHMCS_API_CREDENTIAL.secret) {
			return { status: 200, body: { result: 'error', message: 'Authentication Failed' } };
		}
		this.calls.push(form);
		if (form.action !== 'CreateSsoToken') return { status: 200, body: { result: 'error', message: 'Command Not Found' } };
		if (!/^\d+$/.test(form.client_id ?? '') || Number(form.client_id) > 100) {
			return { status: 200, body: { result: 'error', message: 'Client ID Not Found' } };
		}
		const token = context.issueLoginToken(this.prefix, `WHMCS client area of client ${form.client_id}`);
		return {
			status: 200,
			body: { result: 'success', access_token: token, redirect_url: `${context.origin}/${this.prefix}/login/${token}` },
		};
	}
}

export class CpanelSandbox implements ProviderSandbox {
	readonly prefix = 'cpanel';

	reset(): void {}

	errorBody(status: number, _code: string, message: string): SandboxResponse {
		return { status, body: { metadata: { result: 0, reason: message } } };
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		if (request.path !== '/json-api/create_user_session') {
			return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not Found</h1>' };
		}
		if (request.headers.authorization !== `whm root:${WHM_TOKEN}`) {
			return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Access denied' };
		}
		const user = request.query.get('user') ?? '';
		if (user !== 'bob' && user !== 'alice') {
			return { status: 200, body: { metadata: { result: 0, reason: `The user “${user}” does not exist.`, version: 1 } } };
		}
		const token = context.issueLoginToken(this.prefix, `cPanel of ${user}`);
		return {
			status: 200,
			body: {
				metadata: { result: 1, reason: 'OK', version: 1, command: 'create_user_session' },
				data: {
					url: `${context.origin}/${this.prefix}/login/${token}`,
					session: `${user}:${token}`,
					expires: Math.floor(Date.now() / 1000) + 900,
					service: request.query.get('service') ?? 'cpaneld',
				},
			},
		};
	}
}
