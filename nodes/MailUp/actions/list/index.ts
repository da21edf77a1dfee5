import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['list'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the mailing lists of the account',
				action: 'Get many lists',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
