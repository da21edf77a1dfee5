import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsProperty } from '../shared/descriptions';
import { SENSITIVE_LINK_FIELDS } from '../shared/keptLinks';

import * as customer from './actions/customer';
import { router } from './actions/router';
import { credentialTest, listSearch } from './methods';

export class Plesk implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Plesk',
		name: 'plesk',
		icon: { light: 'file:../../icons/plesk.svg', dark: 'file:../../icons/plesk.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'List Plesk customers and create single-use Plesk login links',
		defaults: { name: 'Plesk' },
		usableAsTool: true,
		// The link of a Create SSO Link answer (n8n redacts these fields where it applies them; README).
		sensitiveOutputFields: SENSITIVE_LINK_FIELDS,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'pleskApi', required: true, testedBy: 'pleskApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Customer', value: 'customer' }],
				default: 'customer',
			},
			...customer.description,
			requestOptionsProperty,
		],
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
