import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../shared/runner';
import * as account from './account';
import * as wordpressSite from './wordpressSite';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, {
		account: {
			createSsoLink: account.createSsoLink.execute,
			getMany: account.getMany.execute,
			getSsoAvailability: account.getSsoAvailability.execute,
		},
		wordpressSite: {
			createSsoLink: wordpressSite.createSsoLink.execute,
			getMany: wordpressSite.getMany.execute,
		},
	});
}
