import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../shared/runner';
import * as account from './account';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, {
		account: {
			createSsoLink: account.createSsoLink.execute,
			getMany: account.getMany.execute,
		},
	});
}
