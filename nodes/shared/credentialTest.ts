import type { ICredentialTestFunctions, IDataObject } from 'n8n-workflow';

import type { RawResponse } from './provider';
import { DEFAULT_RETRY_POLICY } from './retry';
import { networkErrorCode, toRawResponse } from './response';

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

/** What a credential test's request came to: an answer, whatever its status, or none and why. */
export type CredentialTestAnswer = { response: RawResponse; networkCode?: undefined } | { response?: undefined; networkCode?: string };

/**
 * Sends the one request of a credential test that reads the provider's words
 * (a node's `methods.credentialTest`, named by the node's `testedBy`). n8n
 * runs those with ICredentialTestFunctions, whose only HTTP helper is the
 * request-style `request` — that context has no `httpRequest` — and which goes
 * through n8n's HTTP client like every other request, proxy settings included.
 */
export async function sendCredentialTest(
	helpers: ICredentialTestFunctions['helpers'],
	request: CredentialTestRequest,
): Promise<CredentialTestAnswer> {
	try {
		const response: unknown = await helpers.request({
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
		});
		return { response: toRawResponse(response) };
	} catch (error) {
		return { networkCode: networkErrorCode(error) };
	}
}
