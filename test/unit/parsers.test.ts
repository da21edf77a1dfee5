import { parseInstallatronFailure } from '../../nodes/providers/installatron/api';
import { parseLegacyFailure } from '../../nodes/providers/wisecp/api';
import type { RawResponse } from '../../nodes/shared/provider';

const http200 = (json: unknown): RawResponse => ({ status: 200, headers: {}, json });

// Counterexamples fast-check found: a body that says it failed is a failure
// whatever the types of its other fields.
describe('a 200 that says it failed', () => {
	it('WISECP { status: "error" } with a message that is not a string', () => {
		expect(parseLegacyFailure(http200({ status: 'error', message: {} }))).toMatchObject({
			provider: { id: 'wisecp' },
			code: 'wisecp_error',
			httpCode: 200,
			message: 'WISECP reported an error without a message',
		});
	});

	it('Installatron { result: false } with an errcode that is not a string', () => {
		expect(parseInstallatronFailure(http200({ result: false, errcode: 7, data: [] }))).toMatchObject({
			provider: { id: 'installatron' },
			code: 'http_200',
			httpCode: 200,
		});
	});
});
