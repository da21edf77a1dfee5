import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SsoTarget } from './provider';
import type { SsoLink } from './schemas';
import { normalizeSsoLink } from './schemas';

/** Mints one link through a provider's target and normalizes it (README, "The link output"). */
export async function createSsoLink(
	ctx: IExecuteFunctions,
	target: SsoTarget,
	itemIndex: number,
): Promise<SsoLink> {
	const minted = await target.mint.call(ctx, itemIndex);
	try {
		return normalizeSsoLink(target.provider.id, target.target, minted);
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'The provider returned a login link that is not an http(s) URL', {
			itemIndex,
		});
	}
}
