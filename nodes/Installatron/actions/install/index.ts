import type { INodeProperties } from 'n8n-workflow';

import * as createSsoLink from './createSsoLink.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { createSsoLink, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['install'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description: "Create a one-time login link to the application's admin. Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create an admin login link for an install',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one install',
				action: 'Get an install',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List installs',
				action: 'Get many installs',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...get.description,
	...getMany.description,
];
