import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { sendCredentialTest } from '../../shared/credentialTest';
import { redact } from '../../shared/errors';
import type { CredentialTest } from '../../shared/provider';
import { API_PATH, actionBody, parseWhmcsFailure, whmcsApi, whmcsRoot } from './api';

/**
 * The actions the node calls, each asked once in a way that changes nothing:
 * CreateSsoToken without a client (WHMCS checks the IP, the credential and
 * its role before it looks for the client, so a good credential gets "A valid
 * client_id or user_id is required"), and GetClients for one client.
 */
const PROBES: Array<{ action: string; fields: Record<string, string | number>; accepted: Set<string> }> = [
	{ action: 'CreateSsoToken', fields: {}, accepted: new Set(['client_required', 'client_not_found']) },
	{ action: 'GetClients', fields: { limitnum: 1 }, accepted: new Set() },
];

const LEADS: Record<string, string> = {
	invalid_ip: "WHMCS does not accept API calls from n8n's IP address",
	authentication_failed: 'WHMCS rejected the API identifier or secret',
};

/**
 * The WHMCS API credential's test: tells a wrong identifier or secret, a
 * refused IP address and a role without an action apart, in WHMCS's words.
 */
async function testWhmcsApi(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const secrets = whmcsApi.secretFields.map((field) => String(data[field] ?? ''));
	const url = `${whmcsRoot(data)}${API_PATH}`;
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message: redact(message, secrets) });
	// What the credential's authenticate adds to every request, which n8n does not apply in a credential test.
	const auth = {
		identifier: String(data.identifier ?? ''),
		secret: String(data.secret ?? ''),
		...(data.accessKey ? { accesskey: String(data.accessKey) } : {}),
	};

	for (const probe of PROBES) {
		const answer = await sendCredentialTest(this.helpers, whmcsApi, {
			method: 'POST',
			url,
			headers: {},
			body: { ...actionBody(probe.action, probe.fields), ...auth },
			form: true,
		});
		if (!answer.response) return fail(answer.failure.message);
		const failure = parseWhmcsFailure(answer.response);
		if (!failure || probe.accepted.has(failure.code)) continue;
		const words = failure.message.replace(/[.\s]+$/, '');
		if (failure.code === 'invalid_permissions') {
			return fail(`The API credential's role does not allow ${probe.action} (${words}). ${failure.description ?? ''}`.trimEnd());
		}
		const lead = LEADS[failure.code];
		if (lead) return fail(`${lead}: ${words}. ${failure.description ?? ''}`.trimEnd());
		return fail(`WHMCS refused the test (${failure.code}): ${words}. ${failure.description ?? ''}`.trimEnd());
	}
	return { status: 'OK', message: 'WHMCS accepted the API credential for CreateSsoToken and GetClients' };
}

export const whmcsCredentialTests: CredentialTest[] = [{ credentialType: 'whmcsApi', name: 'whmcsApiTest', test: testWhmcsApi }];
