import type { INodeProperties } from 'n8n-workflow';

import * as createSsoLink from './createSsoLink.operation';
import * as getMany from './getMany.operation';

export { createSsoLink, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['client'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description:
					"Create a one-time client-area login link (valid 60 seconds). Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create a client area login link',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List clients',
				action: 'Get many clients',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...getMany.description,
];
