import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRequestedCount, returnAllProperties } from '../../../shared/pagination';
import type { ItemResult } from '../../../shared/runner';
import { listLists } from '../../../providers/mailUp';

const properties: INodeProperties[] = [...returnAllProperties()];

export const description = updateDisplayOptions({ show: { resource: ['list'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await listLists(this, itemIndex, getRequestedCount(this, itemIndex));
}
