import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../shared/runner';
import * as account from './account';
import * as consoleResource from './console';
import * as list from './list';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, {
		account: { get: account.get.execute },
		list: { getMany: list.getMany.execute },
		console: { createSsoLink: consoleResource.createSsoLink.execute },
	});
}
