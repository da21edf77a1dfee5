import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';

import * as account from './actions/account';
import { router } from './actions/router';
import * as wordpressSite from './actions/wordpressSite';
import { listSearch } from './methods';

export class HostUp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HostUp',
		name: 'hostUp',
		icon: { light: 'file:../../icons/hostUp.svg', dark: 'file:../../icons/hostUp.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'List HostUp hosting accounts and WordPress sites and create one-time login links',
		defaults: { name: 'HostUp' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'hostUpApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'WordPress Site', value: 'wordpressSite' },
				],
				default: 'wordpressSite',
			},
			...account.description,
			...wordpressSite.description,
			requestOptionsProperty,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
