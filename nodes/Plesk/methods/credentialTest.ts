import type { ICredentialTestFunction } from 'n8n-workflow';

import { plesk } from '../../providers/plesk';

/** The credential test lives with the provider, where the SSO Link node finds it too. */
export const credentialTest: Record<string, ICredentialTestFunction> = Object.fromEntries(
	(plesk.credentialTests ?? []).map((entry) => [entry.name, entry.test]),
);
