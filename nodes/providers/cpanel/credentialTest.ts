import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { sendCredentialTest } from '../../shared/credentialTest';
import { redact } from '../../shared/errors';
import type { CredentialTest } from '../../shared/provider';
import { accountsSchema, cpanelApi, functionPath, parseWhmFailure, whmUrl } from './api';

/**
 * The cPanel & WHM credential's test: lists one account, the node's own
 * read-only call, so a wrong token, a wrong port (cPanel's 2083 answers a
 * login page) and a certificate problem each show in words.
 */
async function testCpanelApi(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const token = String(data.apiToken ?? '');
	const username = String(data.username ?? '').trim() || 'root';
	const url = `${whmUrl(data)}${functionPath('listaccts')}?api.version=1&api.chunk.enable=1&api.chunk.size=1&api.chunk.start=1`;
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message: redact(message, [token]) });

	// The credential's header, which n8n does not add in a credential test.
	const answer = await sendCredentialTest(this.helpers, cpanelApi, {
		method: 'GET',
		url,
		headers: { Authorization: `whm ${username}:${token}` },
		skipSslCertificateValidation: cpanelApi.skipSslCertificateValidation?.(data) ?? false,
	});
	if (!answer.response) return fail(answer.failure.message);
	const failure = parseWhmFailure(answer.response);
	if (failure) {
		const words = failure.message.replace(/[.\s]+$/, '');
		return fail(`${failure.code === 'access_denied' ? `${words} for user ${username}` : `WHM refused to list accounts: ${words}`}. ${failure.description ?? ''}`.trimEnd());
	}
	const parsed = accountsSchema.safeParse(answer.response.json);
	if (!parsed.success) return fail('This is not WHM API 1 answering: check the Base URL (WHM, e.g. https://server.example.com:2087)');
	const total = parsed.data.metadata.chunk?.records;
	return { status: 'OK', message: `WHM accepted the token of ${username}${total === undefined ? '' : `; it lists ${total} account${total === 1 ? '' : 's'}`}` };
}

export const cpanelCredentialTests: CredentialTest[] = [{ credentialType: 'cpanelApi', name: 'cpanelApiTest', test: testCpanelApi }];
