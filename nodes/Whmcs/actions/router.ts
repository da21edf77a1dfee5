import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../shared/runner';
import * as client from './client';
import * as service from './service';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, {
		client: {
			createSsoLink: client.createSsoLink.execute,
			getMany: client.getMany.execute,
		},
		service: {
			getMany: service.getMany.execute,
		},
	});
}
