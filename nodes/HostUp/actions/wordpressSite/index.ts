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
		displayOptions: { show: { resource: ['wordpressSite'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description: "Create a one-time wp-admin login link. Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create an admin login link for a site',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the WordPress sites of an account',
				action: 'Get many sites',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...getMany.description,
];
