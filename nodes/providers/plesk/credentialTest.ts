import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { sendCredentialTest } from '../../shared/credentialTest';
import { redact } from '../../shared/errors';
import type { CredentialTest } from '../../shared/provider';
import { AGENT_PATH, BASE_URL_HINT, customersPacket, customersSchema, parsePleskFailure, pleskApi, pleskUrl } from './api';

/** The credential's headers (credentials/PleskApi.credentials.ts sends the same), which n8n does not add in a test. */
export function pleskAuthHeaders(data: ICredentialDataDecryptedObject): Record<string, string> {
	if (data.authentication === 'secretKey') return { KEY: String(data.secretKey ?? '') };
	return { HTTP_AUTH_LOGIN: String(data.login ?? ''), HTTP_AUTH_PASSWD: String(data.password ?? '') };
}

/**
 * The Plesk credential's test: lists customers, the node's own read-only
 * call, so a wrong password (1001), a secret key refused or bound to another
 * address (11003), a Base URL that is not the API (a page, a 404) and a
 * certificate problem each show in words. Plesk answers its refusals with
 * HTTP 200, which a declarative test cannot read.
 */
async function testPleskApi(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const byKey = data.authentication === 'secretKey';
	const secrets = [String(data.password ?? ''), String(data.secretKey ?? '')];
	const url = `${pleskUrl(data)}${AGENT_PATH}`;
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message: redact(message, secrets) });

	const answer = await sendCredentialTest(this.helpers, pleskApi, {
		method: 'POST',
		url,
		headers: { ...pleskAuthHeaders(data), Accept: 'text/xml' },
		rawBody: { contentType: 'text/xml', text: customersPacket() },
		skipSslCertificateValidation: pleskApi.skipSslCertificateValidation?.(data) ?? false,
	});
	if (!answer.response) return fail(answer.failure.message);
	const failure = parsePleskFailure(answer.response);
	if (failure) {
		const words = failure.message.replace(/[.\s]+$/, '');
		if (failure.code === 'not_plesk_api' || failure.code.startsWith('http_')) return fail(`This is not Plesk's XML API answering (HTTP ${answer.response.status}). ${BASE_URL_HINT}`);
		return fail(`Plesk refused to list customers: ${words} (error ${failure.code}). ${failure.description ?? ''}`.trimEnd());
	}
	const parsed = customersSchema.safeParse(answer.response.text ?? '');
	if (!parsed.success) return fail(`This is not Plesk's XML API answering. ${BASE_URL_HINT}`);
	const who = byKey ? 'the secret key' : `the login ${String(data.login ?? '')}`;
	const count = parsed.data.length;
	return { status: 'OK', message: `Plesk accepted ${who}; it lists ${count} customer${count === 1 ? '' : 's'}` };
}

export const pleskCredentialTests: CredentialTest[] = [{ credentialType: 'pleskApi', name: 'pleskApiTest', test: testPleskApi }];
