import type { IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import type { NamedValue } from '../nodes/shared/namedValues';

/**
 * Adds auth headers to a request. Credentials authenticate with a function
 * built on this rather than a `generic` template, because n8n evaluates a
 * template's expressions for every request, which is most of a request's cost
 * when hundreds of items run (npm run bench).
 */
export function withHeaders(requestOptions: IHttpRequestOptions, headers: Record<string, string>): IHttpRequestOptions {
	return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
}

/** Adds query-string parameters; the credential's win over the request's own of the same name. */
export function withQuery(requestOptions: IHttpRequestOptions, pairs: readonly NamedValue[]): IHttpRequestOptions {
	if (!pairs.length) return requestOptions;
	const qs = { ...requestOptions.qs };
	for (const { name, value } of pairs) qs[name] = value;
	return { ...requestOptions, qs };
}

/**
 * Adds fields to the request's body, JSON object or form-encoded (which the
 * transport sends as a string); the credential's win over the request's own
 * of the same name. A request without a body (GET) gets none.
 */
export function withBodyFields(requestOptions: IHttpRequestOptions, pairs: readonly NamedValue[]): IHttpRequestOptions {
	const { body } = requestOptions;
	if (!pairs.length || body === undefined || body === null) return requestOptions;
	if (typeof body === 'string' || body instanceof URLSearchParams) {
		const contentType = Object.entries(requestOptions.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
		if (!String(contentType ?? '').includes('application/x-www-form-urlencoded')) {
			throw new Error('Secret body fields can be added to a JSON or form-encoded body only');
		}
		const form = new URLSearchParams(body);
		for (const { name, value } of pairs) form.set(name, value);
		return { ...requestOptions, body: form.toString() };
	}
	if (typeof body !== 'object' || Array.isArray(body)) {
		throw new Error('Secret body fields can be added to a JSON or form-encoded body only');
	}
	const merged: Record<string, unknown> = { ...(body as Record<string, unknown>) };
	for (const { name, value } of pairs) merged[name] = value;
	return { ...requestOptions, body: merged as IHttpRequestOptions['body'] };
}

/**
 * The TLS switch of credentials for customers' own servers, which often have
 * self-signed certificates. Saved credentials hold the field's name, so it
 * never changes. n8n's credential lint reads any name containing "auth" as a
 * secret that needs `password: true`, but this is a boolean (a password-typed
 * field is blanked when n8n sends credentials to the editor, which would break
 * the toggle), so the name is given here.
 */
const ALLOW_UNAUTHORIZED_CERTS = 'allowUnauthorizedCerts';

export const allowUnauthorizedCertsProperty: INodeProperties = {
	displayName: 'Ignore SSL Issues (Insecure)',
	name: ALLOW_UNAUTHORIZED_CERTS,
	type: 'boolean',
	default: false,
	description:
		'Whether to connect even if the server’s TLS certificate cannot be verified, e.g. a self-signed one. Only for servers you control.',
};
