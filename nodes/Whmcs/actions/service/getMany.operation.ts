import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRequestedCount, returnAllProperties } from '../../../shared/pagination';
import type { ItemResult } from '../../../shared/runner';
import { clientIdProperty, listServices } from '../../../providers/whmcs';

const properties: INodeProperties[] = [
	clientIdProperty,
	...returnAllProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['service'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await listServices(this, itemIndex, getRequestedCount(this, itemIndex));
}
