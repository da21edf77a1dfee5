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
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description:
					"Create a single-use login link to Plesk for a customer (or any login), bound to the IP address of the person who opens it. Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create a login link for a customer',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List customers',
				action: 'Get many customers',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...getMany.description,
];
