import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRequestedCount, returnAllProperties } from '../../../shared/pagination';
import type { ItemResult } from '../../../shared/runner';
import { listAccounts } from '../../../providers/cpanel';

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
				placeholder: 'example\\.com$',
				description: 'Accounts whose Search By field matches this regular expression (WHM reads it as one: escape dots for a literal domain)',
			},
			{
				displayName: 'Search By',
				name: 'searchType',
				type: 'options',
				default: 'domain',
				options: [
					{ name: 'Domain', value: 'domain' },
					{ name: 'IP Address', value: 'ip' },
					{ name: 'Owner (Reseller)', value: 'owner' },
					{ name: 'Package', value: 'package' },
					{ name: 'User Name', value: 'user' },
				],
				description: 'Which field Search is matched against',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await listAccounts(this, itemIndex, getRequestedCount(this, itemIndex));
}
