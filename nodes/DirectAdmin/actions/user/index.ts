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
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description:
					"Create a one-time login link to the user's DirectAdmin control panel (valid 10 minutes unless set). Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create a login link for a user',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the users the credential may see: every user for an administrator, its own for a reseller',
				action: 'Get many users',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...getMany.description,
];
