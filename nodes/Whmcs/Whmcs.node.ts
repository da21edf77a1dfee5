import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';

import * as client from './actions/client';
import * as service from './actions/service';
import { router } from './actions/router';
import { credentialTest, listSearch } from './methods';

export class Whmcs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WHMCS',
		name: 'whmcs',
		icon: { light: 'file:../../icons/whmcs.svg', dark: 'file:../../icons/whmcs.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'List WHMCS clients and services, and create one-time client-area login links',
		defaults: { name: 'WHMCS' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whmcsApi', required: true, testedBy: 'whmcsApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Client', value: 'client' },
					{ name: 'Service', value: 'service' },
				],
				default: 'client',
			},
			...client.description,
			...service.description,
			requestOptionsProperty,
		],
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
