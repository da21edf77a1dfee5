import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { ZodError } from 'zod';

import { countMintedLink } from './keptLinks';
import type { SsoTarget } from './provider';
import type { SsoLink } from './schemas';
import { describeZodIssue, normalizeSsoLink } from './schemas';

/** Mints one link through a provider's target and normalizes it (README, "The link output"). */
export async function createSsoLink(
	ctx: IExecuteFunctions,
	target: SsoTarget,
	itemIndex: number,
): Promise<SsoLink> {
	const minted = await target.mint.call(ctx, itemIndex);
	try {
		const link = normalizeSsoLink(target.provider.id, minted.target ?? target.target, minted);
		countMintedLink(ctx);
		return link;
	} catch (error) {
		// Which field failed, never its value: it may be the link.
		const problem = error instanceof ZodError ? describeZodIssue(error) : 'it could not be read';
		throw new NodeOperationError(ctx.getNode(), `${target.provider.displayName} returned a login link this node cannot pass on (${problem})`, {
			itemIndex,
		});
	}
}
