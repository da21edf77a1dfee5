import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../shared/runner';
import * as customer from './customer';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, {
		customer: {
			createSsoLink: customer.createSsoLink.execute,
			getMany: customer.getMany.execute,
		},
	});
}
