import type { INodeProperties } from 'n8n-workflow';

import * as createSsoLink from './createSsoLink.operation';
import * as getMany from './getMany.operation';
import * as getSsoAvailability from './getSsoAvailability.operation';

export { createSsoLink, getMany, getSsoAvailability };

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
				description: "Create a one-time login link to the hosting control panel. Used as an AI agent's tool, the link enters the model's context.",
				action: 'Create a control panel login link',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List shared-hosting accounts',
				action: 'Get many accounts',
			},
			{
				name: 'Get SSO Availability',
				value: 'getSsoAvailability',
				description: 'Check whether a control-panel login link can be created for an account',
				action: 'Get SSO availability of an account',
			},
		],
		default: 'createSsoLink',
	},
	...createSsoLink.description,
	...getMany.description,
	...getSsoAvailability.description,
];
