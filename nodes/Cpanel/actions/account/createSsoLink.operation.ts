import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { loginLinkNotice } from '../../../shared/descriptions';
import { cpanelTarget as target } from '../../../providers/cpanel';
import { createSsoLink } from '../../../shared/mint';
import type { ItemResult } from '../../../shared/runner';

const properties: INodeProperties[] = [loginLinkNotice, ...target.properties];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['createSsoLink'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await createSsoLink(this, target, itemIndex);
}
