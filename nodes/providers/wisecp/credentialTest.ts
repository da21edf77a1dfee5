import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { sendCredentialTest } from '../../shared/credentialTest';
import { redact } from '../../shared/errors';
import type { CredentialTest } from '../../shared/provider';
import { legacyApiUrl, parseLegacyFailure, paths, wisecpApi } from './api';

/**
 * What a valid key that may call Clients/CreateClientSsoToken, from an allowed
 * IP, gets for user 0, which never exists: WISECP checked the key, its IP list
 * and its actions before it looked for the user. Every other answer fails the
 * test, whatever its HTTP status, because WISECP sends errors with any status.
 */
const ACCEPTED = new Set(['invalid_user_id', 'user_not_found']);

const LEADS: Record<string, string> = {
	invalid_api_key: 'WISECP rejected the API key',
	action_not_permitted: 'WISECP does not allow this API key Clients/CreateClientSsoToken',
	ip_not_allowed: "WISECP does not allow this API key from n8n's IP address",
};

const API_URL_HINT = 'copy the API URL from WISECP, Settings › General › API';

/**
 * The WISECP API credential's test: asks for a login link for user 0 (the
 * legacy API has no read-only action, and user 0 mints nothing) and reads
 * WISECP's answer with the node's own error parser.
 */
async function testWisecpApi(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const key = String(data.apiKey ?? '');
	const url = `${legacyApiUrl(data)}${paths.ssoAction}`;
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message: redact(message, [key]) });

	// The credential's `Apikey` header, which n8n does not add in a credential test.
	const answer = await sendCredentialTest(this.helpers, wisecpApi, {
		method: 'POST',
		url,
		headers: { ...wisecpApi.headers, Apikey: key },
		body: { user_id: 0 },
	});
	if (!answer.response) return fail(answer.failure.message);
	const { response } = answer;
	const failure = parseLegacyFailure(response);
	if (failure && ACCEPTED.has(failure.code)) {
		return { status: 'OK', message: 'WISECP accepted the API key for Clients/CreateClientSsoToken' };
	}
	if (response.json === undefined) {
		return fail(`No WISECP API at this URL (HTTP ${response.status}): ${API_URL_HINT}`);
	}
	if (!failure) {
		return fail(`WISECP answered HTTP ${response.status} with something other than the API's answer: ${API_URL_HINT}`);
	}
	const words = failure.message.replace(/[.\s]+$/, '');
	const lead = LEADS[failure.code];
	if (!lead) return fail(`WISECP refused the test (${failure.code}): ${words}`);
	return fail(`${lead}: ${words}${failure.code === 'invalid_api_key' ? '' : `. ${failure.description ?? ''}`.trimEnd()}`);
}

export const wisecpCredentialTests: CredentialTest[] = [
	{ credentialType: 'wisecpApi', name: 'wisecpApiTest', test: testWisecpApi },
];
