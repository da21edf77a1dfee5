import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemResult } from '../../../shared/runner';
import { getInstall, installIdProperty } from '../../../providers/installatron';

const properties: INodeProperties[] = [installIdProperty];

export const description = updateDisplayOptions(
	{ show: { resource: ['install'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await getInstall(this, itemIndex);
}
