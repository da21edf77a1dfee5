import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { custom } from '../providers/custom';
import { hostUp } from '../providers/hostUp';
import { installatron } from '../providers/installatron';
import { mailUp } from '../providers/mailUp';
import { wisecp } from '../providers/wisecp';
import type { ListSearchMethod, ProviderModule, SsoTarget } from './provider';
import type { SsoLink } from './schemas';
import { normalizeSsoLink } from './schemas';

/**
 * Every provider this package knows: one line each. Provider nodes and the SSO
 * Link node read from here, so a provider's logic exists in its folder only.
 */
export const PROVIDERS = {
	hostUp,
	installatron,
	mailUp,
	wisecp,
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

export function getSsoTarget(value: string): SsoTarget {
	const target = SSO_TARGETS.find((entry) => entry.value === value);
	if (!target) throw new Error(`Unknown SSO target "${value}"`);
	return target;
}

/** Mints one link and normalizes it to the CONTRACT.md output. */
export async function createSsoLink(
	ctx: IExecuteFunctions,
	target: SsoTarget,
	itemIndex: number,
): Promise<SsoLink> {
	const minted = await target.mint.call(ctx, itemIndex);
	try {
		return normalizeSsoLink(target.provider, target.target, minted);
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'The provider returned a login link that is not an http(s) URL', {
			itemIndex,
		});
	}
}
