import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { loginLinkNotice } from '../../../shared/descriptions';
import { createSsoLink, getSsoTarget } from '../../../shared/registry';
import type { ItemResult } from '../../../shared/runner';

const target = getSsoTarget('mailUp');

const properties: INodeProperties[] = [loginLinkNotice, ...target.properties];

export const description = updateDisplayOptions(
	{ show: { resource: ['console'], operation: ['createSsoLink'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await createSsoLink(this, target, itemIndex);
}
