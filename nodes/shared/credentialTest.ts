import type { ICredentialTestFunctions, IDataObject } from 'n8n-workflow';

import type { ProviderFailure } from './errors';
import { networkFailure } from './errors';
import type { ProviderApi, RawResponse } from './provider';
import { DEFAULT_RETRY_POLICY } from './retry';
import { networkErrorCode, toRawResponse } from './response';
import { safeOrigin, unfollowedRedirect } from './transport';

export interface CredentialTestRequest {
	method: 'GET' | 'POST';
	url: string;
	/** Auth included: n8n does not apply the credential's `authenticate` here. */
	headers: Record<string, string>;
	body?: IDataObject;
	/** Send `body` form-encoded (an API that reads form fields) instead of as JSON. */
	form?: boolean;
	/** A body sent as it is, with its content type (an XML packet), instead of `body`. */
	rawBody?: { contentType: string; text: string };
	/** Skip TLS verification, as the credential allows (customers' servers often have self-signed certificates). */
	skipSslCertificateValidation?: boolean;
}

/**
 * What a credential test's request came to: an answer for the provider's
 * parser, whatever its status, or why there is none (the network, a
 * certificate, a redirect not followed) in words for the user.
 */
export type CredentialTestAnswer = { response: RawResponse; failure?: undefined } | { response?: undefined; failure: ProviderFailure };

/** Certificate errors of Node's TLS, which a customer's server with a self-signed certificate causes. */
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;

/**
 * Sends the one request of a credential test that reads the provider's words
 * (a node's `methods.credentialTest`, named by the node's `testedBy`). n8n
 * runs those with ICredentialTestFunctions, whose only HTTP helper is the
 * request-style `request` — that context has no `httpRequest` — and which goes
 * through n8n's HTTP client like every other request, proxy settings included.
 */
export async function sendCredentialTest(
	helpers: ICredentialTestFunctions['helpers'],
	api: ProviderApi,
	request: CredentialTestRequest,
): Promise<CredentialTestAnswer> {
	const origin = safeOrigin(request.url);
	let response: RawResponse;
	try {
		const answer: unknown = await helpers.request({
			method: request.method,
			uri: request.url,
			headers: {
				Accept: 'application/json',
				...request.headers,
				...(request.rawBody ? { 'Content-Type': request.rawBody.contentType } : {}),
			},
			...(request.rawBody ? { body: request.rawBody.text } : request.form ? { form: request.body } : { body: request.body }),
			json: !request.rawBody && request.body !== undefined && !request.form,
			...(request.skipSslCertificateValidation ? { rejectUnauthorized: false } : {}),
			// Every status is an answer: the provider's body says what it means.
			simple: false,
			resolveWithFullResponse: true,
			timeout: DEFAULT_RETRY_POLICY.timeoutMs,
			// As every request of the nodes (transport.ts): a redirect is an answer, not followed.
			followRedirect: false,
			followAllRedirects: false,
			sendCredentialsOnCrossOriginRedirect: false,
		});
		response = toRawResponse(answer);
	} catch (error) {
		const code = networkErrorCode(error);
		const failure = networkFailure(api, origin, code, DEFAULT_RETRY_POLICY);
		if (!CERTIFICATE_CODES.test(code ?? '')) return { failure };
		return { failure: { ...failure, message: `${failure.message}. Turn on "Ignore SSL Issues" for a server with a self-signed certificate.` } };
	}
	const redirected = unfollowedRedirect(api, response, request.url);
	return redirected ? { failure: redirected } : { response };
}
