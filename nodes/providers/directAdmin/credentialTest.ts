import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { sendCredentialTest } from '../../shared/credentialTest';
import { redact } from '../../shared/errors';
import type { CredentialTest } from '../../shared/provider';
import { readFormBody } from '../../shared/response';
import {
	LIST_ALL_USERS_PATH,
	LIST_OWN_USERS_PATH,
	SESSION_PATH,
	directAdminApi,
	directAdminUrl,
	ownUsername,
	parseDirectAdminFailure,
	sessionSchema,
	userListSchema,
} from './api';

const ROLE_NAMES = { admin: 'administrator', reseller: 'reseller', user: 'user' } as const;

/**
 * The DirectAdmin credential's test: asks who the credential is, then lists
 * its users (the node's own read-only calls), so a wrong password or Login
 * Key, a wrong port (a web site answers, not DirectAdmin) and a certificate
 * problem each show in words.
 */
async function testDirectAdminApi(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const password = String(data.password ?? '');
	const username = ownUsername(data);
	const base = directAdminUrl(data);
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message: redact(message, [password]) });
	if (!username) return fail('Enter the Username: an administrator or reseller of DirectAdmin');
	if (/[|:\s]/.test(username)) return fail('The Username is your own DirectAdmin user name alone, without "|", ":" or spaces');

	// The credential's header, which n8n does not add in a credential test.
	const send = (path: string) =>
		sendCredentialTest(this.helpers, directAdminApi, {
			method: 'GET',
			url: `${base}${path}`,
			headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
			skipSslCertificateValidation: directAdminApi.skipSslCertificateValidation?.(data) ?? false,
		});
	const session = await send(SESSION_PATH);
	if (!session.response) return fail(session.failure.message);
	const refused = parseDirectAdminFailure(session.response);
	if (refused) {
		const words = refused.message.replace(/[.\s]+$/, '');
		return fail(`${refused.code === 'unauthorized' ? `${words} for user ${username}` : words}. ${refused.description ?? ''}`.trimEnd());
	}
	const who = sessionSchema.safeParse(session.response.json);
	if (!who.success) return fail("This is not DirectAdmin's API answering: check the Base URL (DirectAdmin, e.g. https://server.example.com:2222)");
	const role = who.data.effectiveRole;
	if (role === 'user') {
		return fail(`DirectAdmin accepted ${username}, but it is a user account: only an administrator or a reseller can list users and log in as them`);
	}

	const listing = await send(role === 'admin' ? LIST_ALL_USERS_PATH : LIST_OWN_USERS_PATH);
	if (!listing.response) return fail(listing.failure.message);
	const listFailure = parseDirectAdminFailure(listing.response);
	if (listFailure) return fail(`DirectAdmin refused to list users: ${listFailure.message.replace(/[.\s]+$/, '')}. ${listFailure.description ?? ''}`.trimEnd());
	const text = listing.response.text ?? '';
	const users = userListSchema.safeParse(readFormBody(text) ?? (text.trim() === '' ? {} : undefined));
	if (!users.success) return fail("DirectAdmin's user listing could not be read: check the Base URL (DirectAdmin, e.g. https://server.example.com:2222)");
	const count = users.data.length;
	return { status: 'OK', message: `DirectAdmin accepted ${username} (${ROLE_NAMES[role]}); it lists ${count} user${count === 1 ? '' : 's'}` };
}

export const directAdminCredentialTests: CredentialTest[] = [
	{ credentialType: 'directAdminApi', name: 'directAdminApiTest', test: testDirectAdminApi },
];
