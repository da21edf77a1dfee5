import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRequestedCount, returnAllProperties } from '../../../shared/pagination';
import type { ItemResult } from '../../../shared/runner';
import { listClients } from '../../../providers/whmcs';

const properties: INodeProperties[] = [
	...returnAllProperties(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: "Clients whose e-mail address, first, last or full name, or company starts with this text (WHMCS's search)",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['client'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await listClients(this, itemIndex, getRequestedCount(this, itemIndex));
}
