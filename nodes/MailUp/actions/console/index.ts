import type { INodeProperties } from 'n8n-workflow';

import * as createSsoLink from './createSsoLink.operation';

export { createSsoLink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['console'] } },
		options: [
			{
				name: 'Create SSO Link',
				value: 'createSsoLink',
				description: "Create a temporary login link to the MailUp console. Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create a console login link',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
];
