import type { ICredentialTestFunction } from 'n8n-workflow';

import { cpanel } from '../../providers/cpanel';

/** The credential test lives with the provider, where the SSO Link node finds it too. */
export const credentialTest: Record<string, ICredentialTestFunction> = Object.fromEntries(
	(cpanel.credentialTests ?? []).map((entry) => [entry.name, entry.test]),
);
