import type { ICredentialTestFunction } from 'n8n-workflow';

import { directAdmin } from '../../providers/directAdmin';

/** The credential test lives with the provider, where the SSO Link node finds it too. */
export const credentialTest: Record<string, ICredentialTestFunction> = Object.fromEntries(
	(directAdmin.credentialTests ?? []).map((entry) => [entry.name, entry.test]),
);
