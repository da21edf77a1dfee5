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
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description:
					"Create a login link to the account's cPanel, its Webmail, or WHM (valid 5 minutes). Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create a login link for an account',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List accounts',
				action: 'Get many accounts',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...getMany.description,
];
