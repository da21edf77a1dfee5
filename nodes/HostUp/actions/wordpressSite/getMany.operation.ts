import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRequestedCount, returnAllProperties } from '../../../shared/pagination';
import type { ItemResult } from '../../../shared/runner';
import { accountIdProperty, listWordPressSites } from '../../../providers/hostUp';

const properties: INodeProperties[] = [accountIdProperty, ...returnAllProperties()];

export const description = updateDisplayOptions(
	{ show: { resource: ['wordpressSite'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await listWordPressSites(this, itemIndex, getRequestedCount(this, itemIndex));
}
