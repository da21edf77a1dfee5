import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { loginLinkNotice } from '../../../shared/descriptions';
import { directAdminTarget as target } from '../../../providers/directAdmin';
import { createSsoLink } from '../../../shared/mint';
import type { ItemResult } from '../../../shared/runner';

const properties: INodeProperties[] = [loginLinkNotice, ...target.properties];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['createSsoLink'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await createSsoLink(this, target, itemIndex);
}
