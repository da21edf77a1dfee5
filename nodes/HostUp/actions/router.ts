import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemOperation } from '../../shared/runner';
import { runForEachItem } from '../../shared/runner';
import * as account from './account';
import * as wordpressSite from './wordpressSite';

const OPERATIONS: Record<string, Record<string, ItemOperation>> = {
	account: {
		createSsoLink: account.createSsoLink.execute,
		getMany: account.getMany.execute,
		getSsoAvailability: account.getSsoAvailability.execute,
	},
	wordpressSite: {
		createSsoLink: wordpressSite.createSsoLink.execute,
		getMany: wordpressSite.getMany.execute,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = OPERATIONS[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return await runForEachItem(this, execute);
}
