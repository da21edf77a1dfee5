import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRequestedCount, returnAllProperties } from '../../../shared/pagination';
import type { ItemResult } from '../../../shared/runner';
import { listInstalls } from '../../../providers/installatron';

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
				description: 'Text to find in the title, URL, ID, application or owner',
			},
			{
				displayName: 'User',
				name: 'user',
				type: 'string',
				default: '',
				description: 'Only installs of this Installatron Server user',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['install'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await listInstalls(this, itemIndex, getRequestedCount(this, itemIndex));
}
