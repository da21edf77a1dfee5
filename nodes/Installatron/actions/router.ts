import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeToOperation } from '../../shared/runner';
import * as install from './install';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, {
		install: {
			createSsoLink: install.createSsoLink.execute,
			get: install.get.execute,
			getMany: install.getMany.execute,
		},
	});
}
