import { cpanel } from './cpanel';
import { custom } from './custom';
import { directAdmin } from './directAdmin';
import { hostUp } from './hostUp';
import { installatron } from './installatron';
import { mailUp } from './mailUp';
import { plesk } from './plesk';
import { whmcs } from './whmcs';
import { wisecp } from './wisecp';
import type { CredentialTest, ListSearchMethod, ProviderModule, SsoTarget } from '../shared/provider';

/**
 * Every provider this package knows: one line each. The SSO Link node reads
 * them from here; a provider's own node imports its targets from its folder.
 * The core (nodes/shared/) knows none of them.
 */
export const PROVIDERS = {
	hostUp,
	installatron,
	mailUp,
	wisecp,
	whmcs,
	cpanel,
	plesk,
	directAdmin,
	custom,
} as const satisfies Record<string, ProviderModule>;

export const SSO_TARGETS: readonly SsoTarget[] = Object.values(PROVIDERS).flatMap(
	(provider) => provider.ssoTargets,
);

/** All resource-picker methods, by the name their parameters reference. */
export const LIST_SEARCH_METHODS: Record<string, ListSearchMethod> = Object.assign(
	{},
	...Object.values(PROVIDERS).map((provider) => provider.listSearch),
);

const CREDENTIAL_TESTS: CredentialTest[] = Object.values(PROVIDERS).flatMap(
	(provider: ProviderModule) => provider.credentialTests ?? [],
);

/** Every credential test, by its `testedBy` name: a node's `methods.credentialTest`. */
export const CREDENTIAL_TEST_METHODS: Record<string, CredentialTest['test']> = Object.fromEntries(
	CREDENTIAL_TESTS.map((entry) => [entry.name, entry.test]),
);

/** The `testedBy` name of each credential type that has a credential test. */
export const CREDENTIAL_TESTED_BY: Record<string, string> = Object.fromEntries(
	CREDENTIAL_TESTS.map((entry) => [entry.credentialType, entry.name]),
);

/** The SSO Link node's `provider` option, or undefined for a value no provider has. */
export function findSsoTarget(value: string): SsoTarget | undefined {
	return SSO_TARGETS.find((entry) => entry.value === value);
}
