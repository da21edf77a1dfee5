import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../shared/runner';
import { accountIdProperty, getSsoAvailability } from '../../../providers/hostUp';

const properties: INodeProperties[] = [accountIdProperty];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getSsoAvailability'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await getSsoAvailability(this, itemIndex);
}
